package io.tfjmnist.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.images.decoding.ImageDecoder;
import io.tfjmnist.images.decoding.JpegInfo;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Decoding is budgeted by its cost (pixels x scans), so a crafted progressive JPEG with hundreds
 * of scans is refused from its markers, and decode slots are shared fairly between clients, so one
 * client's queue of costly images does not hold up another's request.
 */
class DecodeFairnessTest {
  /** A progressive JPEG of {@code w x h} whose last scan is repeated until it has {@code scans} scans. */
  static byte[] progressiveJpeg(int w, int h, int scans) throws IOException {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        // blocks of one grey: scans of a few bytes each, so the bomb is small, as crafted ones are
        img.getRaster().setSample(x, y, 0, ((x / 64) + (y / 64)) % 2 == 0 ? 32 : 224);
      }
    }
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
      writer.setOutput(ios);
      ImageWriteParam p = writer.getDefaultWriteParam();
      p.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
      writer.write(null, new IIOImage(img, null, null), p);
    } finally {
      writer.dispose();
    }
    byte[] b = out.toByteArray();
    int have = JpegInfo.scanCount(b);
    if (scans <= have) {
      return b;
    }
    int lastSos = -1;
    for (int i = b.length - 2; i >= 0; i--) {
      if ((b[i] & 0xff) == 0xFF && (b[i + 1] & 0xff) == 0xDA) {
        lastSos = i;
        break;
      }
    }
    int eoi = b.length - 2;
    ByteArrayOutputStream bomb = new ByteArrayOutputStream();
    bomb.write(b, 0, eoi);
    for (int k = have; k < scans; k++) {
      bomb.write(b, lastSos, eoi - lastSos);
    }
    bomb.write(b, eoi, 2);
    return bomb.toByteArray();
  }

  @Test
  void scansAreCountedFromTheMarkers() throws Exception {
    assertEquals(1, JpegInfo.scanCount(ServingFixtures.imageFile(new float[784], 4, true, "jpeg")), "baseline: one scan");
    assertEquals(1, JpegInfo.scanCount(ServingFixtures.imageFile(new float[784], 4, true, "png")), "not a JPEG");
    int progressive = JpegInfo.scanCount(progressiveJpeg(200, 200, 0));
    assertTrue(progressive > 1 && progressive <= 12, "libjpeg's progressive script: " + progressive);
    assertEquals(496, JpegInfo.scanCount(progressiveJpeg(200, 200, 496)));
    // Bytes that are not a marker before the first scan: libjpeg skips them and decodes every scan,
    // so each must still be counted.
    byte[] b = progressiveJpeg(200, 200, 0);
    int sos = 2;
    while (!((b[sos] & 0xff) == 0xFF && (b[sos + 1] & 0xff) == 0xDA)) {
      sos++;
    }
    ByteArrayOutputStream junk = new ByteArrayOutputStream();
    junk.write(b, 0, sos);
    junk.write(new byte[] {0x12, 0x34, 0x56});
    junk.write(b, sos, b.length - sos);
    assertEquals(progressive, JpegInfo.scanCount(junk.toByteArray()), "extraneous bytes before the first scan");
  }

  @Test
  void aScanBombIsRefusedBeforeDecodingAndARealProgressivePhotoIsNot() throws Exception {
    AtomicInteger decoded = new AtomicInteger();
    DecodeBudget budget = new DecodeBudget((bytes, where) -> {
      decoded.incrementAndGet();
      return new float[784];
    }, 12_000_000, 24_000_000, 1L << 30, 2, 10_000, () -> { });
    ApiException e = assertThrows(ApiException.class,
        () -> budget.forRequest(() -> false).decode(progressiveJpeg(3400, 3400, 496), "instances[0]"));
    assertEquals(400, e.status());
    assertTrue(e.getMessage().contains("instances[0] is a JPEG of 3400x3400 pixels in 496 scans"), e.getMessage());
    assertEquals(0, decoded.get(), "refused from its markers, not decoded");
    budget.forRequest(() -> false).decode(progressiveJpeg(3400, 3400, 0), "instances[0]");
    assertEquals(1, decoded.get(), "a progressive photo of the same size decodes");
  }

  @Test
  void aFreeSlotGoesToTheClientWithTheFewestDecodesRunning() throws Exception {
    FairSlots slots = new FairSlots(1);
    FairSlots.Ticket a1 = slots.enter("a");
    assertTrue(a1.await(100));
    List<FairSlots.Ticket> aQueue = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      aQueue.add(slots.enter("a"));
    }
    FairSlots.Ticket b = slots.enter("b"); // arrives after five of a's
    assertTrue(!b.await(50), "the one slot is a's");
    a1.close();
    assertTrue(!aQueue.get(0).await(50), "a already ran one: b is next despite arriving later");
    assertTrue(b.await(100));
    b.close();
    assertTrue(aQueue.get(0).await(100), "then a's queue, in order");
    aQueue.forEach(FairSlots.Ticket::close);
    assertEquals(0, slots.waitingCount());
  }

  @Test
  void waitingTooLongForADecodeTurnIs503Not408() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    DecodeBudget budget = new DecodeBudget((bytes, where) -> {
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new float[784];
    }, 12_000_000, 24_000_000, 1L << 30, 1, 300, () -> { });
    byte[] png = ServingFixtures.imageFile(new float[784], 1, true, "png");
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<?> holder = pool.submit(() -> budget.forRequest("a", () -> false, () -> false).decode(png, "instances[0]"));
      Thread.sleep(100);
      ApiException e = assertThrows(ApiException.class,
          () -> budget.forRequest("b", () -> false, () -> false).decode(png, "instances[0]"));
      assertEquals(503, e.status(), e.getMessage());
      ApiException stopped = assertThrows(ApiException.class,
          () -> budget.forRequest("c", () -> false, () -> true).decode(png, "instances[0]"));
      assertEquals(503, stopped.status(), "past the stop timeout: 503, not the client's fault");
      release.countDown();
      holder.get(10, TimeUnit.SECONDS);
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  /** One raw POST from a given loopback address (a "client"); returns the status and the time it took. */
  static long[] postFrom(String localAddress, int port, String body) throws IOException {
    long t0 = System.nanoTime();
    try (Socket s = new Socket(InetAddress.getByName("127.0.0.1"), port, InetAddress.getByName(localAddress), 0)) {
      s.setSoTimeout(60_000);
      byte[] b = body.getBytes(StandardCharsets.US_ASCII);
      OutputStream o = s.getOutputStream();
      o.write(("POST /v1/models/mnist:predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          + "Connection: close\r\nContent-Length: " + b.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      o.write(b);
      o.flush();
      InputStream in = s.getInputStream();
      String head = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
      in.readAllBytes();
      return new long[] {Integer.parseInt(head.substring(9, 12)), System.nanoTime() - t0};
    }
  }

  static String b64(byte[] image, int copies) {
    String one = "{\"b64\": \"" + Base64.getEncoder().encodeToString(image) + "\"}";
    StringBuilder sb = new StringBuilder("{\"instances\": [");
    for (int i = 0; i < copies; i++) {
      sb.append(i == 0 ? "" : ",").append(one);
    }
    return sb.append("]}").toString();
  }

  @Test
  void withTwelveScanBombsQueuedAGoodRequestIsAnsweredInUnderASecond() throws Exception {
    // Another client (another loopback address) sends 12 scan bombs at once: 3400x3400 in 496 scans, 35 KB each.
    byte[] bomb = progressiveJpeg(3400, 3400, 496);
    System.out.printf("scan bomb: %d bytes%n", bomb.length);
    assertTrue(bomb.length < 2_000_000, "a small file: " + bomb.length);
    byte[] good = ServingFixtures.imageFile(ServingFixtures.pixels(0), 1, false, "png");
    try (ModelServer server = ModelServer.start(ServedModel.fromWeights("mnist", 1, ServingFixtures.random(), 1),
        ServingFixtures.localConfig())) {
      postFrom("127.0.0.3", server.port(), b64(good, 1)); // warm
      ExecutorService attackers = Executors.newFixedThreadPool(12);
      try {
        List<Future<long[]>> bombs = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
          bombs.add(attackers.submit(() -> postFrom("127.0.0.2", server.port(), b64(bomb, 1))));
        }
        Thread.sleep(200);
        long[] answer = postFrom("127.0.0.3", server.port(), b64(good, 1));
        double seconds = answer[1] / 1e9;
        System.out.printf("good b64 request with 12 scan bombs queued: %d in %.3f s%n", answer[0], seconds);
        assertEquals(200, answer[0]);
        assertTrue(seconds < 1.0, "answered in " + seconds + " s");
        for (Future<long[]> f : bombs) {
          assertEquals(400, f.get(60, TimeUnit.SECONDS)[0], "a scan bomb is refused from its markers");
        }
      } finally {
        attackers.shutdownNow();
      }
    }
  }
}
