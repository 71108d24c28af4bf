package io.tfjmnist.serving;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Writes whole responses (status, type, length, body) in one non-blocking write. */
final class Replies {
  static final String JSON = "application/json";
  private static final JsonFactory FACTORY = new JsonFactory();

  private Replies() {}

  static void send(Response response, Callback callback, int status, String contentType, byte[] body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  static void json(Response response, Callback callback, int status, String json) {
    send(response, callback, status, JSON, json.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code {"error": "message"}}, TF Serving's error shape. */
  static void error(Response response, Callback callback, int status, String message) {
    if (response.isCommitted()) {
      callback.failed(new IllegalStateException("response already committed: " + message));
      return;
    }
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    send(response, callback, status, JSON, errorBody(message));
  }

  static byte[] errorBody(String message) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + message.length());
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("error", message);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** {@code {"predictions": [[...], ...]}} or {@code {"outputs": [[...], ...]}}: one row of class scores per image. */
  static byte[] predictions(boolean columnar, float[] probs, int count) {
    int classes = probs.length / count;
    StringBuilder sb = new StringBuilder(32 + probs.length * 14);
    sb.append(columnar ? "{\"outputs\": [" : "{\"predictions\": [");
    for (int i = 0; i < count; i++) {
      sb.append(i == 0 ? "[" : ", [");
      for (int c = 0; c < classes; c++) {
        if (c > 0) {
          sb.append(", ");
        }
        sb.append(probs[i * classes + c]);
      }
      sb.append(']');
    }
    sb.append("]}");
    return sb.toString().getBytes(StandardCharsets.US_ASCII);
  }
}
