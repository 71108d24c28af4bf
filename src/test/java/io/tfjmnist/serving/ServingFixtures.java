package io.tfjmnist.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tfjmnist.data.Dataset;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.testing.TestData;
import io.tfjmnist.training.Trainer;
import io.tfjmnist.training.TrainingConfig;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Shared by the serving tests: a quickly trained model (1 epoch on 3,000 MNIST images, trained
 * once per JVM), MNIST test images as JSON, and a real HTTP client bound to 127.0.0.1.
 */
final class ServingFixtures {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();
  private static ModelWeights trained;

  private ServingFixtures() {}

  /** Weights that classify MNIST well enough (about 90 %), trained once per test JVM. */
  static synchronized ModelWeights trained() {
    if (trained == null) {
      trained = new Trainer(TrainingConfig.quickstartDefaults().withEpochs(1))
          .fit(ModelArchitecture.quickstartCnn(), TestData.mnist().train().take(3000), null, List.of()).weights();
    }
    return trained;
  }

  static ModelWeights random() {
    return ModelWeights.glorotUniform(ModelArchitecture.quickstartCnn(), 3);
  }

  /** A server on 127.0.0.1 with a free port. */
  static ServeConfig localConfig() {
    return ServeConfig.defaults().withHost("127.0.0.1").withPort(0);
  }

  static Dataset testImages() {
    return TestData.mnist().test();
  }

  /** MNIST test image {@code i} as 784 floats in [0, 1]. */
  static float[] pixels(int i) {
    Dataset test = testImages();
    float[] x = new float[784];
    for (int r = 0; r < 28; r++) {
      for (int c = 0; c < 28; c++) {
        x[r * 28 + c] = test.pixel(i, r, c) / 255f;
      }
    }
    return x;
  }

  /** As a JSON 28x28 nested list. */
  static String rows28(float[] x) {
    StringBuilder sb = new StringBuilder("[");
    for (int r = 0; r < 28; r++) {
      sb.append(r == 0 ? "[" : ",[");
      for (int c = 0; c < 28; c++) {
        sb.append(c == 0 ? "" : ",").append(x[r * 28 + c]);
      }
      sb.append(']');
    }
    return sb.append(']').toString();
  }

  /** As a JSON 28x28x1 nested list. */
  static String rows28x1(float[] x) {
    StringBuilder sb = new StringBuilder("[");
    for (int r = 0; r < 28; r++) {
      sb.append(r == 0 ? "[" : ",[");
      for (int c = 0; c < 28; c++) {
        sb.append(c == 0 ? "[" : ",[").append(x[r * 28 + c]).append(']');
      }
      sb.append(']');
    }
    return sb.append(']').toString();
  }

  /** As a flat JSON list of 784. */
  static String flat(float[] x) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < x.length; i++) {
      sb.append(i == 0 ? "" : ",").append(x[i]);
    }
    return sb.append(']').toString();
  }

  /** The image as a greyscale picture file: dark ink on white paper if {@code paper}, else MNIST's white on black. */
  static byte[] imageFile(float[] x, int scale, boolean paper, String format) {
    BufferedImage img = new BufferedImage(28 * scale, 28 * scale, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < 28 * scale; y++) {
      for (int xx = 0; xx < 28 * scale; xx++) {
        int v = Math.round(x[(y / scale) * 28 + xx / scale] * 255);
        if (paper) {
          v = 255 - v;
        }
        img.getRaster().setSample(xx, y, 0, v);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(img, format, out)) {
        throw new IllegalStateException("no " + format + " writer");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  record Reply(int status, String contentType, String body, HttpResponse<String> raw) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (" + status + "): " + body, e);
      }
    }

    String error() {
      JsonNode e = json().get("error");
      if (e == null || !e.isTextual()) {
        throw new AssertionError("no \"error\" string in " + body);
      }
      return e.asText();
    }

    Reply expect(int code) {
      assertEquals(code, status, () -> "HTTP status; body: " + body);
      return this;
    }
  }

  static Reply get(URI base, String path) {
    return send(HttpRequest.newBuilder(base.resolve(path)).GET());
  }

  static Reply post(URI base, String path, String body) {
    return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  static Reply send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> r = HTTP.send(request.timeout(Duration.ofSeconds(20)).build(),
          HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Class probabilities of a predictions/outputs row. */
  /** Every row of a predict reply's {@code predictions}, read with Float.parseFloat (Float.toString's digits read back as the same float32). */
  static float[][] rows(JsonNode reply) {
    JsonNode p = reply.get("predictions");
    float[][] out = new float[p.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = new float[p.get(i).size()];
      for (int c = 0; c < out[i].length; c++) {
        out[i][c] = Float.parseFloat(p.get(i).get(c).asText());
      }
    }
    return out;
  }

  static float[] row(JsonNode predictions, int i) {
    JsonNode r = predictions.get(i);
    float[] p = new float[r.size()];
    for (int c = 0; c < p.length; c++) {
      p[c] = (float) r.get(c).asDouble();
    }
    return p;
  }

  static int argmax(float[] p) {
    int best = 0;
    for (int i = 1; i < p.length; i++) {
      if (p[i] > p[best]) {
        best = i;
      }
    }
    return best;
  }

  static String fmt(String template, Object... args) {
    return String.format(Locale.ROOT, template, args);
  }
}
