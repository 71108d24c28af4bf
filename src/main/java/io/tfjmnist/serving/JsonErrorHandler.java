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
 * like the API's own errors: the status's reason or the HTTP exception's message, never a stack
 * trace or an exception's text.
 */
final class JsonErrorHandler extends ErrorHandler {
  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    int code = response.getStatus();
    Object cause = request.getAttribute(ERROR_EXCEPTION);
    String message = null;
    if (cause instanceof HttpException http) {
      code = http.getCode();
      message = http.getReason();
    } else if (cause instanceof ApiException api) {
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
    if (HttpStatus.hasNoBody(code) || "HEAD".equals(request.getMethod())) {
      callback.succeeded();
      return true;
    }
    Replies.error(response, callback, code, message);
    return true;
  }
}
