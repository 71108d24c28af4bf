package io.tfjmnist.serving;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
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

  /**
   * {@code {"predictions": [[...], ...]}} or {@code {"outputs": [[...], ...]}}: one row of class
   * scores per image, spaced as TF Serving spaces them ({@code ", "}, {@code ": "}); each float is
   * written as {@link Float#toString} writes it (Jackson's float writer), the shortest decimal that
   * reads back as the same float32.
   */
  static byte[] predictions(boolean columnar, float[] probs, int count) {
    int classes = probs.length / count;
    ByteArrayOutputStream out = new ByteArrayOutputStream(32 + probs.length * 14);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.setPrettyPrinter(TfServingSpacing.INSTANCE);
      g.writeStartObject();
      g.writeFieldName(columnar ? "outputs" : "predictions");
      g.writeStartArray();
      for (int i = 0; i < count; i++) {
        g.writeStartArray();
        for (int c = 0; c < classes; c++) {
          g.writeNumber(probs[i * classes + c]);
        }
        g.writeEndArray();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** One line, with TF Serving's spaces after commas and colons. */
  private static final class TfServingSpacing extends MinimalPrettyPrinter {
    static final TfServingSpacing INSTANCE = new TfServingSpacing();

    @Override
    public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(": ");
    }

    @Override
    public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
      g.writeRaw(", ");
    }

    @Override
    public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(", ");
    }
  }
}
