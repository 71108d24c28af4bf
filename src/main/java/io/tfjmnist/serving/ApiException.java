package io.tfjmnist.serving;

/**
 * A request the server refuses, with the HTTP status to answer and a message for the client. It
 * becomes {@code {"error": "..."}}; it never carries a stack trace (none is even captured).
 */
public final class ApiException extends RuntimeException {
  private final int status;

  public ApiException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }

  public static ApiException badRequest(String message) {
    return new ApiException(400, message);
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, message);
  }

  /** The most characters of a client's own text (a name, a path, a number) that a message repeats. */
  static final int QUOTE_LIMIT = 40;

  /** {@code text}, cut to {@value #QUOTE_LIMIT} characters with "..." when longer: replies never echo input whole. */
  static String quote(String text) {
    if (text == null) {
      return "";
    }
    return text.length() <= QUOTE_LIMIT ? text : text.substring(0, QUOTE_LIMIT) + "...";
  }
}
