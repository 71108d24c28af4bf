package io.tfjmnist.tensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import javax.imageio.ImageIO;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link NativeWarmUp#loading} must say "over" once the background load is done (classifyAll's
 * class loading waits on nothing, but a flag stuck at "loading" would send every later run through
 * it), and loading the decoder's classes early must leave the decoder working.
 */
class NativeWarmUpTest {
  @Test
  void loadingEndsAndTheDecoderWorksAfterItsClassesWereLoadedEarly() throws Exception {
    JpegTurbo.loadClasses();
    NativeWarmUp.start();
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (NativeWarmUp.loading() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertFalse(NativeWarmUp.loading(), "the background load still counts as under way after 60 s");
    BufferedImage grey = new BufferedImage(16, 8, BufferedImage.TYPE_BYTE_GRAY);
    ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
    ImageIO.write(grey, "jpg", jpeg);
    JpegTurbo.Pixels p = JpegTurbo.shared().decode(jpeg.toByteArray(), 1);
    assertEquals(16, p.width());
    assertEquals(8, p.height());
  }

  /**
   * A follow-up warm-up runs after the natives on its own thread, and one that throws is dropped
   * there (no uncaught exception), while the decoder it was to warm still works for real, before
   * and after its own warm-up.
   */
  @Test
  void aFailingWarmUpFailsNothingAndTheDecoderWorksAfterItsWarmUp() throws Exception {
    List<Throwable> uncaught = Collections.synchronizedList(new ArrayList<>());
    Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((t, e) -> uncaught.add(e));
    try {
      CountDownLatch failed = new CountDownLatch(1);
      NativeWarmUp.after("failing-warm-up", () -> {
        failed.countDown();
        throw new IllegalStateException("a warm-up that fails");
      });
      CountDownLatch warmed = new CountDownLatch(1);
      NativeWarmUp.after("decoder-warm-up", () -> {
        JpegTurbo.warmUp();
        warmed.countDown();
      });
      assertTrue(failed.await(60, TimeUnit.SECONDS), "the failing warm-up never ran");
      assertTrue(warmed.await(60, TimeUnit.SECONDS), "the decoder's warm-up did not finish");
      Thread.sleep(100); // the failing thread's end, where an uncaught exception would be reported
      assertTrue(uncaught.isEmpty(), "a warm-up's failure escaped: " + uncaught);
    } finally {
      Thread.setDefaultUncaughtExceptionHandler(before);
    }
    BufferedImage colour = new BufferedImage(24, 10, BufferedImage.TYPE_INT_RGB);
    ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
    ImageIO.write(colour, "jpg", jpeg);
    JpegTurbo.Pixels rgb = JpegTurbo.shared().decode(jpeg.toByteArray(), 3);
    JpegTurbo.Pixels grey = JpegTurbo.shared().decode(jpeg.toByteArray(), 1);
    assertEquals(24 * 10 * 3, rgb.samples().length);
    assertEquals(24 * 10, grey.samples().length);
    assertEquals(0, grey.samples()[0], "ImageIO's black is libjpeg-turbo's black");
  }
}
