package io.tfjmnist.serving;

import static io.tfjmnist.serving.ServingFixtures.flat;
import static io.tfjmnist.serving.ServingFixtures.get;
import static io.tfjmnist.serving.ServingFixtures.pixels;
import static io.tfjmnist.serving.ServingFixtures.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.inference.DigitClassifier;
import io.tfjmnist.inference.ProbabilityModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What a production server must survive: slow clients, broken HTTP, and shutdown under load. */
class ServerRobustnessTest {

  @Test
  void slowClientsHoldConnectionsNotThreadsAndAreCutAtTheIdleTimeout() throws Exception {
    ServeConfig config = ServingFixtures.localConfig().withMaxThreads(10).withIdleTimeoutMillis(1000);
    try (ModelServer server = ModelServer.start(ServedModel.fromWeights("mnist", 1, ServingFixtures.random(), 1), config)) {
      URI base = server.uri();
      List<Socket> stalled = new ArrayList<>();
      try {
        // three times more stalled clients than request threads: half-sent bodies and half-sent headers
        for (int i = 0; i < 30; i++) {
          Socket s = new Socket("127.0.0.1", server.port());
          s.setSoTimeout(6000);
          String partial = i % 2 == 0
              ? "POST /v1/models/mnist:predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5000\r\n\r\n{\"instances\": [[0,"
              : "GET /v1/models/mnist HTTP/1.1\r\nHost: 127.0";
          s.getOutputStream().write(partial.getBytes(StandardCharsets.US_ASCII));
          s.getOutputStream().flush();
          stalled.add(s);
        }
        Thread.sleep(200);
        long t0 = System.nanoTime();
        get(base, "v1/models/mnist").expect(200);
        post(base, "v1/models/mnist:predict", "{\"instances\": [" + flat(new float[784]) + "]}").expect(200);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 900, "normal requests were served at once despite 30 stalled clients (" + ms + " ms)");

        // every stalled connection is closed by the server after the 1 s idle timeout
        long t1 = System.nanoTime();
        for (Socket s : stalled) {
          String answer = readUntilClosed(s);
          if (!answer.isEmpty()) {
            assertTrue(answer.startsWith("HTTP/1.1 408") || answer.startsWith("HTTP/1.1 400")
                || answer.startsWith("HTTP/1.1 500"), answer);
            assertFalse(answer.contains("\tat "), answer);
          }
        }
        long closedMs = (System.nanoTime() - t1) / 1_000_000;
        assertTrue(closedMs < 5000, "stalled clients were cut within the idle timeout (" + closedMs + " ms)");
        get(base, "healthz").expect(200);
      } finally {
        for (Socket s : stalled) {
          s.close();
        }
      }
    }
  }

  private static String readUntilClosed(Socket s) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    InputStream in = s.getInputStream();
    byte[] buf = new byte[4096];
    try {
      for (int n; (n = in.read(buf)) >= 0; ) {
        out.write(buf, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server kept a stalled connection open for 6 s", e);
    } catch (IOException e) {
      // connection reset: closed by the server
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  private static String raw(int port, String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(5000);
      OutputStream o = s.getOutputStream();
      o.write(request.getBytes(StandardCharsets.ISO_8859_1));
      o.flush();
      return readUntilClosed(s);
    }
  }

  @Test
  void brokenHttpGetsAClean4xx() throws Exception {
    try (ModelServer server = ModelServer.start(ServedModel.fromWeights("mnist", 1, ServingFixtures.random(), 1),
        ServingFixtures.localConfig())) {
      String garbage = raw(server.port(), "HELLO THERE\r\n\r\n");
      assertTrue(garbage.startsWith("HTTP/1.1 505"), garbage); // Jetty reads it as HTTP/0.9
      String badHeader = raw(server.port(), "GET /healthz HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n");
      assertTrue(badHeader.startsWith("HTTP/1.1 400"), badHeader);
      assertTrue(badHeader.contains("{\"error\":"), badHeader);
      String bigHeader = raw(server.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n");
      assertTrue(bigHeader.startsWith("HTTP/1.1 431"), bigHeader);
      String badLength = raw(server.port(), "POST /v1/models/mnist:predict HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n");
      assertTrue(badLength.startsWith("HTTP/1.1 400"), badLength);
      for (String r : List.of(garbage, badHeader, bigHeader, badLength)) {
        assertFalse(r.contains("\tat ") || r.contains("Exception"), r);
      }
      // still serving
      get(server.uri(), "healthz").expect(200);
    }
  }

  @Test
  void aPortInUseIsAClearErrorAndTheModelIsClosed() {
    try (ModelServer first = ModelServer.start(ServedModel.fromWeights("mnist", 1, ServingFixtures.random(), 1),
        ServingFixtures.localConfig())) {
      SlowModel model = new SlowModel();
      model.delayMillis = 0;
      ServedModel second = ServedModel.of("mnist", 1, ServedModel.quickstartSignature(ServingFixtures.random().architecture()), model);
      io.tfjmnist.TfjMnistException e = org.junit.jupiter.api.Assertions.assertThrows(io.tfjmnist.TfjMnistException.class,
          () -> ModelServer.start(second, ServingFixtures.localConfig().withPort(first.port())));
      assertTrue(e.getMessage().startsWith("Cannot listen on 127.0.0.1:" + first.port()), e.getMessage());
      assertTrue(e.getMessage().contains("another server"), e.getMessage());
      assertTrue(model.closed, "the model is not leaked");
    }
  }

  /** A real model whose calls take a while, recording when it is closed. */
  static final class SlowModel implements ProbabilityModel {
    final DigitClassifier inner = DigitClassifier.of(ServingFixtures.random());
    final CountDownLatch entered = new CountDownLatch(1);
    volatile boolean callFinished;
    volatile boolean closedAfterCall;
    volatile boolean closed;
    volatile long delayMillis = 1500;

    @Override
    public int inputSize() {
      return inner.inputSize();
    }

    @Override
    public float[] probabilities(float[] flat, int count) {
      if (delayMillis > 0) { // not the calls at load time
        entered.countDown();
      }
      try {
        Thread.sleep(delayMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted");
      }
      float[] p = inner.probabilities(flat, count);
      callFinished = true;
      return p;
    }

    @Override
    public void close() {
      closedAfterCall = callFinished;
      closed = true;
      inner.close();
    }
  }

  @Test
  void shutdownLetsInFlightRequestsFinishAndRefusesNewOnes() throws Exception {
    SlowModel slow = new SlowModel();
    slow.delayMillis = 0; // the warm-up call at load time is quick
    ServedModel model = ServedModel.of("mnist", 1, ServedModel.quickstartSignature(ServingFixtures.random().architecture()), slow);
    slow.delayMillis = 1500;
    ModelServer server = ModelServer.start(model, ServingFixtures.localConfig().withStopTimeoutMillis(10_000));
    URI base = server.uri();
    CompletableFuture<HttpResponse<String>> inFlight = ServingFixtures.HTTP.sendAsync(
        HttpRequest.newBuilder(base.resolve("v1/models/mnist:predict")).timeout(Duration.ofSeconds(20))
            .POST(HttpRequest.BodyPublishers.ofString("{\"instances\": [" + flat(pixels(0)) + "]}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertTrue(slow.entered.await(10, TimeUnit.SECONDS), "the request reached the model");
    Thread.sleep(100);

    long t0 = System.nanoTime();
    Thread closer = new Thread(server::close, "closer");
    closer.start();
    Thread.sleep(300);
    assertTrue(closer.isAlive(), "close() waits for the in-flight request");
    // a new request now, on a new connection too, is answered 503 while the in-flight one finishes
    ServingFixtures.Reply r = get(base, "v1/models/mnist");
    assertEquals(503, r.status(), r.body());
    assertTrue(r.error().contains("shutting down"), r.body());
    try (Socket fresh = new Socket("127.0.0.1", server.port())) {
      fresh.setSoTimeout(5000);
      fresh.getOutputStream().write("GET /v1/models/mnist HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String answer = readUntilClosed(fresh);
      assertTrue(answer.startsWith("HTTP/1.1 503"), answer);
    }

    HttpResponse<String> done = inFlight.get(20, TimeUnit.SECONDS);
    assertEquals(200, done.statusCode(), done.body());
    assertTrue(done.body().startsWith("{\"predictions\": [["), done.body());
    closer.join(20_000);
    assertFalse(closer.isAlive());
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms >= 900 && ms < 8000, "close took " + ms + " ms: it waited for the request, not the whole stop timeout");
    assertTrue(slow.closed, "the model is closed on shutdown");
    assertTrue(slow.closedAfterCall, "and only after the in-flight call finished");
    server.close(); // idempotent
  }

  @Test
  void aRequestLongerThanTheStopTimeoutIsAnswered503AndTheStopIsBounded() throws Exception {
    SlowModel slow = new SlowModel();
    slow.delayMillis = 0;
    ServedModel model = ServedModel.of("mnist", 1, ServedModel.quickstartSignature(ServingFixtures.random().architecture()), slow);
    slow.delayMillis = 3000;
    ModelServer server = ModelServer.start(model, ServingFixtures.localConfig().withStopTimeoutMillis(500));
    CompletableFuture<HttpResponse<String>> inFlight = ServingFixtures.HTTP.sendAsync(
        HttpRequest.newBuilder(server.uri().resolve("v1/models/mnist:predict")).timeout(Duration.ofSeconds(20))
            .POST(HttpRequest.BodyPublishers.ofString("{\"instances\": [" + flat(pixels(0)) + "]}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertTrue(slow.entered.await(10, TimeUnit.SECONDS), "the request reached the model");
    long t0 = System.nanoTime();
    Thread closer = new Thread(server::close, "closer");
    closer.start();
    HttpResponse<String> cut = inFlight.get(20, TimeUnit.SECONDS);
    long answeredMs = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(503, cut.statusCode(), cut.body());
    assertTrue(cut.body().contains("did not finish within the stop timeout of 500 ms"), cut.body());
    assertTrue(answeredMs < 2500, "answered at the stop timeout, not when the model finished: " + answeredMs + " ms");
    closer.join(20_000);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertFalse(closer.isAlive());
    assertTrue(ms < 3000 + 500 + 3000, "the stop waited for the running call only, then stopped: " + ms + " ms");
    assertTrue(slow.closed && slow.closedAfterCall, "the model was closed after its last call returned");
  }
}
