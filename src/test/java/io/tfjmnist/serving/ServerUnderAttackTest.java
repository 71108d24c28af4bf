package io.tfjmnist.serving;

import static io.tfjmnist.serving.ServingFixtures.flat;
import static io.tfjmnist.serving.ServingFixtures.get;
import static io.tfjmnist.serving.ServingFixtures.pixels;
import static io.tfjmnist.serving.ServingFixtures.post;
import static io.tfjmnist.serving.ServingFixtures.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The attacks of issue 14, each mounted on 127.0.0.1 with a bounded number of connections and a
 * bounded time, each followed by a good request that must be answered promptly.
 */
class ServerUnderAttackTest {
  private static final String GOOD_PREDICT = "{\"instances\": [" + flat(new float[784]) + "]}";

  /** A good request's round trip in ms; it must succeed. */
  private static long goodRequestMillis(URI base) {
    long t0 = System.nanoTime();
    get(base, "v1/models/mnist").expect(200);
    return (System.nanoTime() - t0) / 1_000_000;
  }

  // ---- slow connections ------------------------------------------------------------------

  @Test
  void elevenHundredDrippingConnectionsLeaveAGoodRequestAnsweredWithinOneSecond() throws Exception {
    int attackers = 1100;
    long fds = maxFileDescriptors();
    // each attacker holds two descriptors in this JVM (client and server side), plus jars and TF
    Assumptions.assumeTrue(fds < 0 || fds >= 2L * attackers + 1000,
        "needs " + (2 * attackers + 1000) + " file descriptors (ulimit -n); this JVM may open " + fds);
    try (ModelServer server = ModelServer.start(ServedModel.fromWeights("mnist", 1, ServingFixtures.random(), 1),
        ServingFixtures.localConfig())) { // the defaults: 1,024 connections, 20 s request timeout
      URI base = server.uri();
      goodRequestMillis(base); // warm: JIT, the client's connection pool
      List<Socket> drips = new ArrayList<>();
      long attackEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(12);
      try {
        for (int i = 0; i < attackers && System.nanoTime() < attackEnd; i++) {
          Socket s = new Socket();
          try {
            s.connect(new InetSocketAddress("127.0.0.1", server.port()), 2000);
            s.setSoTimeout(100);
            s.getOutputStream().write("GET /v1/models/mnist HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Drip: "
                .getBytes(StandardCharsets.US_ASCII));
            drips.add(s);
          } catch (IOException e) {
            s.close(); // the server may already refuse or close some: that is its defence
          }
        }
        int opened = drips.size();
        assertTrue(opened >= 1000, "the attack opened " + opened + " connections");
        // keep dripping one header byte per connection every 500 ms while good requests come in
        List<Long> goodMillis = new ArrayList<>();
        for (int round = 0; round < 4 && System.nanoTime() < attackEnd; round++) {
          drip(drips);
          goodMillis.add(goodRequestMillis(base));
          Thread.sleep(500);
        }
        long worst = goodMillis.stream().mapToLong(Long::longValue).max().orElseThrow();
        assertTrue(worst < 1000, "good requests during the attack took " + goodMillis + " ms");
        assertTrue(server.connectionsEvicted() > 0, "the slowest connections were closed to make room");
        post(base, "v1/models/mnist:predict", GOOD_PREDICT).expect(200);
      } finally {
        for (Socket s : drips) {
          s.close();
        }
      }
      // 1,100 connections closing at once is work too; the server must still answer
      assertTrue(goodRequestMillis(base) < 5000);
    }
  }

  private static void drip(List<Socket> sockets) {
    for (Socket s : sockets) {
      if (!s.isClosed()) {
        try {
          s.getOutputStream().write('a');
        } catch (IOException e) {
          closeQuietly(s);
        }
      }
    }
  }

  private static long maxFileDescriptors() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      return unix.getMaxFileDescriptorCount();
    }
    return -1;
  }

  @Test
  void aRequestThatKeepsDrippingIsCutAtTheRequestTimeoutNotOnlyWhenIdle() throws Exception {
    ServeConfig config = ServingFixtures.localConfig().withIdleTimeoutMillis(30_000).withRequestTimeoutMillis(1500);
    try (ModelServer server = ModelServer.start(ServedModel.fromWeights("mnist", 1, ServingFixtures.random(), 1), config)) {
      String[] partials = {
          "GET /v1/models/mnist HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Drip: ", // headers that never end
          "POST /v1/models/mnist:predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\n[", // a body
          ""}; // a connection that says nothing at all
      List<Socket> sockets = new ArrayList<>();
      for (String partial : partials) {
        Socket s = new Socket("127.0.0.1", server.port());
        s.setSoTimeout(50);
        s.getOutputStream().write(partial.getBytes(StandardCharsets.US_ASCII));
        sockets.add(s);
      }
      long t0 = System.nanoTime();
      long[] closedAt = new long[sockets.size()];
      // a byte every 200 ms: far below the 30 s idle timeout, so only the request deadline can cut them
      while (System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(6)) {
        boolean allClosed = true;
        for (int i = 0; i < sockets.size(); i++) {
          if (closedAt[i] == 0) {
            if (i < 2 && !writeByte(sockets.get(i)) || isClosedByPeer(sockets.get(i))) {
              closedAt[i] = System.nanoTime();
            } else {
              allClosed = false;
            }
          }
        }
        if (allClosed) {
          break;
        }
        Thread.sleep(200);
      }
      for (int i = 0; i < sockets.size(); i++) {
        assertTrue(closedAt[i] != 0, "connection " + i + " was still open after 6 s");
        long ms = (closedAt[i] - t0) / 1_000_000;
        assertTrue(ms >= 1200 && ms < 4000, "connection " + i + " was closed after " + ms + " ms (deadline 1500 ms)");
        sockets.get(i).close();
      }
      assertTrue(server.connectionsTimedOut() >= 3, "timed out: " + server.connectionsTimedOut());
      assertTrue(goodRequestMillis(server.uri()) < 1000);
    }
  }

  private static boolean writeByte(Socket s) {
    try {
      s.getOutputStream().write('a');
      s.getOutputStream().flush();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean isClosedByPeer(Socket s) {
    try {
      InputStream in = s.getInputStream();
      byte[] buf = new byte[4096];
      while (true) {
        int n = in.read(buf);
        if (n < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing
    }
  }

  // ---- decoding budget -------------------------------------------------------------------

  /** A one-bit PNG of w x h white pixels: a few KB that declare w*h pixels. */
  static byte[] bitmapPng(int w, int h) throws IOException {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_BINARY);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  private static String b64Request(byte[] png, int copies) {
    String one = "{\"b64\": \"" + Base64.getEncoder().encodeToString(png) + "\"}";
    return "{\"instances\": [" + String.join(", ", java.util.Collections.nCopies(copies, one)) + "]}";
  }

  @Test
  void posterSizedImagesAreRefusedFromTheirHeaderWithoutDecoding() throws Exception {
    byte[] bomb = bitmapPng(7000, 7000);
    assertTrue(bomb.length < 100_000, "the attack is a small upload: " + bomb.length + " bytes");
    String body = b64Request(bomb, 1);
    try (ModelServer server = ModelServer.start(ServedModel.fromWeights("mnist", 1, ServingFixtures.random(), 1),
        ServingFixtures.localConfig())) {
      URI base = server.uri();
      ExecutorService pool = Executors.newFixedThreadPool(10);
      try {
        long t0 = System.nanoTime();
        List<Future<ServingFixtures.Reply>> replies = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
          replies.add(pool.submit(() -> post(base, "v1/models/mnist:predict", body)));
        }
        for (Future<ServingFixtures.Reply> f : replies) {
          ServingFixtures.Reply r = f.get(30, TimeUnit.SECONDS).expect(400);
          assertTrue(r.error().contains("7000x7000 pixels (49.0 megapixels), more than the limit of 12.0 megapixels"
              + " per image"), r.error());
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 5000, "ten poster-sized images were refused in " + ms + " ms, without decoding");
        assertEquals(0, server.metrics().decodedCount(), "nothing was decoded");
        assertTrue(goodRequestMillis(base) < 1000);
        post(base, "v1/models/mnist:predict", GOOD_PREDICT).expect(200);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void aRequestsImagesTogetherAreCapped() throws Exception {
    byte[] photo = ServingFixtures.imageFile(pixels(0), 35, true, "png"); // 980x980: 0.96 MP each
    ServeConfig config = ServingFixtures.localConfig().withImagePixelLimits(1_500_000, 2_500_000);
    try (ModelServer server = ModelServer.start(ServedModel.fromWeights("mnist", 1, ServingFixtures.random(), 1), config)) {
      post(server.uri(), "v1/models/mnist:predict", b64Request(photo, 2)).expect(200);
      ServingFixtures.Reply r = post(server.uri(), "v1/models/mnist:predict", b64Request(photo, 3)).expect(400);
      assertTrue(r.error().contains("The images up to instances[2] declare 2.9 megapixels together, more than the"
          + " limit of 2.5 megapixels per request"), r.error());
      assertEquals(4, server.metrics().decodedCount(), "the third image of the refused request was not decoded");
    }
  }

  @Test
  void decodingIsBoundedByCoresAndHeapAndStopsWhenTheClientLeaves() throws Exception {
    java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger decoded = new java.util.concurrent.atomic.AtomicInteger();
    PredictParser.ImageInput slow = (bytes, name) -> {
      most.accumulateAndGet(running.incrementAndGet(), Math::max);
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      running.decrementAndGet();
      decoded.incrementAndGet();
      return new float[784];
    };
    byte[] png = bitmapPng(100, 100);
    // 2 cores: at most two decodes at once, whatever the number of requests
    DecodeBudget budget = new DecodeBudget(slow, 1_000_000, 10_000_000, 1L << 30, 2, 10_000, () -> {});
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        fs.add(pool.submit(() -> {
          PredictParser.ImageInput in = budget.forRequest(() -> false);
          for (int k = 0; k < 5; k++) {
            in.decode(png, "instances[" + k + "]");
          }
          return null;
        }));
      }
      for (Future<?> f : fs) {
        f.get(30, TimeUnit.SECONDS);
      }
      assertEquals(40, decoded.get());
      assertEquals(2, most.get(), "decodes at once");
    } finally {
      pool.shutdownNow();
    }

    // a heap too small for an image refuses it (413) instead of running out of memory
    DecodeBudget small = new DecodeBudget(slow, 12_000_000, 24_000_000, 64L << 20, 2, 10_000, () -> {});
    assertTrue(small.effectiveImagePixels() < 1_000_000, "64 MB of heap: " + small.effectiveImagePixels());
    ApiException tooBig = org.junit.jupiter.api.Assertions.assertThrows(ApiException.class,
        () -> small.forRequest(() -> false).decode(bitmapPng(1000, 1000), "instances[0]"));
    assertEquals(413, tooBig.status());
    assertTrue(tooBig.getMessage().contains("this server's memory allows"), tooBig.getMessage());

    // a client that has gone: the next image is not decoded
    decoded.set(0);
    boolean[] gone = {false};
    PredictParser.ImageInput in = budget.forRequest(() -> gone[0]);
    in.decode(png, "instances[0]");
    gone[0] = true;
    ApiException left = org.junit.jupiter.api.Assertions.assertThrows(ApiException.class,
        () -> in.decode(png, "instances[1]"));
    assertEquals(408, left.status());
    assertEquals(1, decoded.get());
  }

  @Test
  void aClientThatDisconnectsStopsTheDecodingOfItsRequest() throws Exception {
    // 60 photos of 1.6 MP: seconds of decoding on this machine; the client leaves right after sending
    byte[] photo = ServingFixtures.imageFile(pixels(0), 45, true, "png");
    String body = b64Request(photo, 60);
    ServeConfig config = ServingFixtures.localConfig().withImagePixelLimits(2_000_000, 200_000_000);
    try (ModelServer server = ModelServer.start(ServedModel.fromWeights("mnist", 1, ServingFixtures.random(), 1), config)) {
      try (Socket s = new Socket("127.0.0.1", server.port())) {
        OutputStream o = s.getOutputStream();
        byte[] b = body.getBytes(StandardCharsets.US_ASCII);
        o.write(("POST /v1/models/mnist:predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + b.length
            + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        o.write(b);
        o.flush();
        long t0 = System.nanoTime();
        while (server.metrics().decodedCount() == 0 && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(20)) {
          Thread.sleep(5);
        }
        assertTrue(server.metrics().decodedCount() > 0, "decoding started");
      }
      long atClose = server.metrics().decodedCount();
      Thread.sleep(3000);
      long after = server.metrics().decodedCount();
      assertTrue(after < 60, "decoding went on after the client left: " + atClose + " decoded when it closed, "
          + after + " of 60 three seconds later");
      long stable = server.metrics().decodedCount();
      Thread.sleep(1000);
      assertEquals(stable, server.metrics().decodedCount(), "no more images are decoded for the gone client");
      assertTrue(goodRequestMillis(server.uri()) < 1000);
    }
  }

  // ---- answers independent of batching ---------------------------------------------------

  @Tag("kernel-paths")
  @Test
  void anImageGetsBitIdenticalProbabilitiesAloneOrWithOthers() throws Exception {
    try (ModelServer server = ModelServer.start(ServedModel.fromWeights("mnist", 1, ServingFixtures.trained(), 1),
        ServingFixtures.localConfig())) {
      URI base = server.uri();
      int probe = 3;
      float[] alone = rows(post(base, "v1/models/mnist:predict",
          "{\"instances\": [" + flat(pixels(probe)) + "]}").expect(200).json())[0];
      for (int n : new int[] {2, 64, 257}) {
        // the probe first, in the middle and last: every position of a run, and the 257th image,
        // which is a chunk of its own after the first 256
        for (int at : new int[] {0, n / 2, n - 1}) {
          StringBuilder sb = new StringBuilder("{\"instances\": [");
          for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ",").append(flat(pixels(i == at ? probe : 100 + i)));
          }
          float[][] rows = rows(post(base, "v1/models/mnist:predict", sb.append("]}").toString()).expect(200).json());
          for (int c = 0; c < 10; c++) {
            assertEquals(Float.floatToIntBits(alone[c]), Float.floatToIntBits(rows[at][c]),
                "class " + c + " of the image at " + at + " of " + n + ": " + rows[at][c] + " vs alone " + alone[c]);
          }
        }
      }
      // identical requests at the same moment (merged into one run, or not) get identical answers
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<float[][]>> fs = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
          fs.add(pool.submit(() -> rows(post(base, "v1/models/mnist:predict",
              "{\"instances\": [" + flat(pixels(probe)) + "]}").expect(200).json())));
        }
        for (Future<float[][]> f : fs) {
          float[] r = f.get(30, TimeUnit.SECONDS)[0];
          for (int c = 0; c < 10; c++) {
            assertEquals(Float.floatToIntBits(alone[c]), Float.floatToIntBits(r[c]));
          }
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  // ---- error bodies ----------------------------------------------------------------------

  @Test
  void errorBodiesUseTheProjectsWordsAndQuoteInputShortly() throws Exception {
    try (ModelServer server = ModelServer.start(ServedModel.fromWeights("mnist", 1, ServingFixtures.random(), 1),
        ServingFixtures.localConfig())) {
      URI base = server.uri();
      String huge = "x".repeat(5_000_000);
      List<ServingFixtures.Reply> replies = List.of(
          post(base, "v1/models/mnist:predict", "{\"signature_name\": \"" + huge + "\", \"instances\": ["
              + flat(new float[784]) + "]}").expect(400),
          post(base, "v1/models/mnist:predict", "{\"junk\": " + "[".repeat(100) + "]".repeat(100) + "}").expect(400),
          post(base, "v1/models/mnist:predict", "{\"instances\": [" + huge + "]}").expect(400),
          post(base, "v1/models/mnist:predict", "{\"inputs\": {\"" + huge + "\": [1]}}").expect(400),
          post(base, "v1/models/mnist:predict", "{\"instances\": [[1e999" + "9".repeat(2000) + "]]}").expect(400),
          post(base, "v1/models/mnist:predict", "{\"instances\": [}").expect(400),
          get(base, "v1/models/" + huge.substring(0, 5000)).expect(404));
      for (ServingFixtures.Reply r : replies) {
        String e = r.error();
        assertTrue(r.body().length() < 400, "a short reply: " + r.body().length() + " characters: "
            + r.body().substring(0, Math.min(300, r.body().length())));
        for (String internal : List.of("Feature", "Constraints", "Exception", "Error", "jackson", "getMax")) {
          assertFalse(e.contains(internal), e);
        }
      }
      assertTrue(replies.get(1).error().contains("nests lists or objects more than 64 levels deep"),
          replies.get(1).error());
    }
  }

  @Test
  void aBodySentToAnEndpointThatDoesNotReadItClosesTheConnectionExplicitly() throws Exception {
    try (ModelServer server = ModelServer.start(ServedModel.fromWeights("mnist", 1, ServingFixtures.random(), 1),
        ServingFixtures.localConfig())) {
      // the body arrives after the answer: Jetty cannot drain it and must close the connection, and
      // the answer has to say so, or a keep-alive client reuses a dead connection (the old flaky 405)
      try (Socket s = new Socket("127.0.0.1", server.port())) {
        s.setSoTimeout(5000);
        s.getOutputStream().write("POST /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        String head = readHead(s.getInputStream());
        assertTrue(head.startsWith("HTTP/1.1 405"), head);
        assertTrue(head.toLowerCase(java.util.Locale.ROOT).contains("connection: close"), head);
      }
      for (int i = 0; i < 20; i++) { // what the flaky test did, repeatedly, on one client's kept-alive connections
        post(server.uri(), "v1/models/mnist", "{}").expect(405);
        post(server.uri(), "metrics", "{}").expect(405);
        post(server.uri(), "", "{}").expect(405);
      }
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      out.write(b);
      if (out.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
        break;
      }
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }
}
