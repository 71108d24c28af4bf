package io.tfjmnist.serving;

import static io.tfjmnist.serving.ServingFixtures.flat;
import static io.tfjmnist.serving.ServingFixtures.get;
import static io.tfjmnist.serving.ServingFixtures.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.keras.WeightsCheckpoint;
import io.tfjmnist.cli.ServeCommand;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code serve} as a command: its flags, and a real process stopped by SIGTERM. */
class ServeCommandTest {
  private static int run(StringWriter err, String... args) {
    CommandLine cl = new CommandLine(new ServeCommand());
    cl.setErr(new PrintWriter(err, true));
    cl.setOut(new PrintWriter(new StringWriter(), true));
    return cl.execute(args);
  }

  @Test
  void badFlagsAreUsageErrors() {
    for (String[] args : List.of(new String[] {"--port", "70000"}, new String[] {"--max-batch", "0"},
        new String[] {"--weights", "a", "--saved-model", "b"}, new String[] {"--model", "a", "--weights", "b"},
        new String[] {"--signature", "x"},
        new String[] {"--preprocess", "blur"}, new String[] {"--preprocessing", "blur"}, new String[] {"--model-name", "a/b"}, new String[] {"--nope"})) {
      StringWriter err = new StringWriter();
      assertEquals(2, run(err, args), String.join(" ", args) + ": " + err);
    }
  }

  @Test
  void sigtermStopsTheServerCleanlyAfterInFlightRequests(@TempDir Path dir) throws Exception {
    Path prefix = dir.resolve("mnist");
    WeightsCheckpoint.save(prefix, ServingFixtures.random(), null, null);
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), ServeMain.class.getName(),
        "--weights", prefix.toString(), "--port", "0", "--host", "127.0.0.1", "--stop-timeout", "10");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(dir.resolve("stderr.txt").toFile());
    pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    long t0 = System.nanoTime();
    Process p = pb.start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      List<String> lines = new ArrayList<>();
      URI base = null;
      Pattern listening = Pattern.compile("Listening on (http://127\\.0\\.0\\.1:\\d+/)");
      for (String line; base == null && (line = out.readLine()) != null; ) {
        lines.add(line);
        Matcher m = listening.matcher(line);
        if (m.find()) {
          base = URI.create(m.group(1));
        }
      }
      assertTrue(base != null, "no 'Listening on' line: " + lines + "\n" + Files.readString(dir.resolve("stderr.txt")));
      double startSeconds = (System.nanoTime() - t0) / 1e9;
      assertTrue(startSeconds < 30, "started in " + startSeconds + " s");
      assertTrue(lines.get(0).startsWith("Serving model 'mnist' version 1 (checkpoint "), lines.get(0));
      get(base, "v1/models/mnist").expect(200);

      // a large request in flight when SIGTERM arrives still gets its answer
      StringBuilder big = new StringBuilder("{\"inputs\": [");
      for (int i = 0; i < 2000; i++) {
        big.append(i == 0 ? "" : ",").append(flat(new float[784]));
      }
      CompletableFuture<HttpResponse<String>> inFlight = ServingFixtures.HTTP.sendAsync(
          HttpRequest.newBuilder(base.resolve("v1/models/mnist:predict")).timeout(Duration.ofSeconds(30))
              .POST(HttpRequest.BodyPublishers.ofString(big.append("]}").toString())).build(),
          HttpResponse.BodyHandlers.ofString());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!inFlight.isDone() && System.nanoTime() < deadline
          && ModelServerApiTest.value(get(base, "metrics").body(), "tfj_serving_in_flight_requests") < 2) {
        Thread.sleep(2);
      }
      p.destroy(); // SIGTERM
      HttpResponse<String> answer = inFlight.get(30, TimeUnit.SECONDS);
      assertEquals(200, answer.statusCode(), answer.body());
      assertTrue(answer.body().startsWith("{\"outputs\": [["));
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the server exits after SIGTERM");
      assertEquals(143, p.exitValue(), "killed by SIGTERM, after its shutdown hook ran");
      String err = Files.readString(dir.resolve("stderr.txt"));
      assertTrue(err.contains("serve: stopping") && err.contains("serve: stopped"), err);
      assertTrue(!err.contains("Exception") && !err.contains("Couldn't stop"), err);
    } finally {
      p.destroyForcibly();
    }
  }
}
