package io.tfjmnist.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.keras.WeightsCheckpoint;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SIGTERM while a {@code b64} image request is being decoded: with time left before the stop
 * timeout it is finished and answered 200 (it used to get a false 408 "the client closed the
 * connection"); past the stop timeout it gets 503.
 */
class SigtermImageRequestTest {
  @TempDir
  Path dir;

  @ParameterizedTest
  @CsvSource({"10, 200", "0, 503"})
  void anImageRequestInFlightAtSigterm(int stopTimeoutSeconds, int expected) throws Exception {
    Path prefix = dir.resolve("mnist");
    WeightsCheckpoint.save(prefix, ServingFixtures.random(), null, null);
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), ServeMain.class.getName(),
        "--weights", prefix.toString(), "--port", "0", "--host", "127.0.0.1",
        "--stop-timeout", Integer.toString(stopTimeoutSeconds));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(dir.resolve("stderr.txt").toFile());
    pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    Process p = pb.start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      URI base = null;
      Pattern listening = Pattern.compile("Listening on (http://127\\.0\\.0\\.1:\\d+/)");
      for (String line; base == null && (line = out.readLine()) != null; ) {
        Matcher m = listening.matcher(line);
        if (m.find()) {
          base = URI.create(m.group(1));
        }
      }
      assertTrue(base != null, Files.readString(dir.resolve("stderr.txt")));
      // Hundreds of small PNGs: seconds of decoding and preprocessing, one image at a time.
      String png = Base64.getEncoder().encodeToString(ServingFixtures.imageFile(ServingFixtures.pixels(0), 2, false, "png"));
      StringBuilder body = new StringBuilder("{\"instances\": [");
      int images = 400; // about 8 s of decoding on a busy 2-core machine
      for (int i = 0; i < images; i++) {
        body.append(i == 0 ? "" : ",").append("{\"b64\": \"").append(png).append("\"}");
      }
      long t0 = System.nanoTime();
      CompletableFuture<HttpResponse<String>> inFlight = ServingFixtures.HTTP.sendAsync(
          HttpRequest.newBuilder(base.resolve("v1/models/mnist:predict")).timeout(Duration.ofSeconds(60))
              .POST(HttpRequest.BodyPublishers.ofString(body.append("]}").toString())).build(),
          HttpResponse.BodyHandlers.ofString());
      long decodedBefore = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (decodedBefore < 100 && System.nanoTime() < deadline) { // decoding has begun
        Thread.sleep(20);
        decodedBefore = (long) ModelServerApiTest.value(ServingFixtures.get(base, "metrics").body(),
            "tfj_serving_decoded_images_total");
      }
      assertFalse(inFlight.isDone(), "the request must still be in flight at SIGTERM");
      p.destroy(); // SIGTERM
      HttpResponse<String> answer = inFlight.get(60, TimeUnit.SECONDS);
      System.out.printf("stop timeout %d s: SIGTERM after %d images decoded; answered %d after %.1f s%n",
          stopTimeoutSeconds, decodedBefore, answer.statusCode(), (System.nanoTime() - t0) / 1e9);
      assertEquals(expected, answer.statusCode(), answer.body());
      if (expected == 200) {
        assertEquals(images, ServingFixtures.rows(ServingFixtures.JSON.readTree(answer.body())).length);
      } else {
        assertTrue(answer.body().contains("did not finish within the stop timeout"), answer.body());
      }
      assertFalse(answer.body().contains("client closed"), answer.body());
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the server exits after SIGTERM");
    } finally {
      p.destroyForcibly();
    }
  }
}
