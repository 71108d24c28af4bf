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
}
