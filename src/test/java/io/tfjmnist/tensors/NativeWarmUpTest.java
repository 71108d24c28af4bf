package io.tfjmnist.tensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import javax.imageio.ImageIO;
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
}
