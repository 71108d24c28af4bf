package io.tfjmnist.serving;

import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors that Jetty itself raises (a malformed request line, headers too large, a request
 * rejected during shutdown, an exception escaping a handler) answered as {@code {"error": "..."}}
 * like the API's own errors, in this project's words: never Jetty's parser texts ("Illegal
 * character SPACE=' '", "Bad EOL"), a stack trace or an exception's text. Each is counted in
 * {@code tfj_serving_requests_total} (endpoint "other"), as the API's own answers are.
 */
final class JsonErrorHandler extends ErrorHandler {
  private final ServingMetrics metrics;

  JsonErrorHandler(ServingMetrics metrics) {
    this.metrics = metrics;
  }

  /** The sentence for a status Jetty refused a request with. */
  static String wordsFor(int code) {
    return switch (code) {
      case 400 -> "The request is not valid HTTP/1.1: its request line, headers or body framing are malformed.";
      case 408 -> "The request did not arrive in time.";
      case 413 -> "The request is too large.";
      case 414 -> "The request's URI is too long.";
      case 431 -> "The request's headers are too large.";
      case 501 -> "The request uses a transfer encoding or feature this server does not implement.";
      case 505 -> "The HTTP version is not supported: use HTTP/1.1.";
      default -> HttpStatus.getMessage(code) + ".";
    };
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    int code = response.getStatus();
    Object cause = request.getAttribute(ERROR_EXCEPTION);
    String message = null;
    boolean counted = false;
    if (cause instanceof HttpException http) {
      code = http.getCode();
      message = wordsFor(code); // Jetty's reason is its parser's internal text
    } else if (cause instanceof ApiException api) {
      counted = true; // the API handler counts its own answers
      code = api.status();
      message = api.getMessage();
    }
    if (code < 400) {
      code = 500;
    }
    if (message == null || message.isBlank()) {
      message = HttpStatus.getMessage(code);
    }
    if (code == 503) {
      message = "The server is shutting down.";
    }
    response.setStatus(code);
    if (!counted && metrics != null) {
      metrics.refused(code);
    }
    if (HttpStatus.hasNoBody(code) || "HEAD".equals(request.getMethod())) {
      callback.succeeded();
      return true;
    }
    Replies.error(response, callback, code, message);
    return true;
  }
}
