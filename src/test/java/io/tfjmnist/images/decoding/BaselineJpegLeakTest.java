package io.tfjmnist.images.decoding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.testing.PhotoSynth;
import io.tfjmnist.testing.ResidentMemory;
import org.junit.jupiter.api.Test;

/**
 * libjpeg-turbo's path closes every tensor and result it makes: in a child JVM whose heap is fixed
 * and touched up front ({@link ResidentMemory}), 20,000 decodes after a warm-up leave resident
 * memory flat. A leaked input tensor (the file, a few KB) and output tensor (120x120x3 bytes, 43 KB)
 * per decode would add ~0.9 GB; a refused file (libjpeg-turbo's error path) is decoded every tenth
 * time too.
 */
class BaselineJpegLeakTest {

  @Test
  void residentMemoryStaysFlatOverTwentyThousandDecodes() throws Exception {
    long[] kb = ResidentMemory.ofChild(Probe.class, "256m");
    assertEquals(2, kb.length);
    assertTrue(kb[1] - kb[0] < 20_000, "20,000 decodes grew resident memory by " + (kb[1] - kb[0]) + " KB");
  }

  /** The measured workload, in its own JVM. Prints "rss LABEL KB" lines. */
  public static final class Probe {
    public static void main(String[] args) throws Exception {
      byte[] digit = new byte[784];
      for (int i = 300; i < 480; i += 3) {
        digit[i] = (byte) 220;
      }
      PhotoSynth.Options small = new PhotoSynth.Options(60, 60, 30, 30, 6.0, 0.3, true);
      byte[] photo = PhotoSynth.jpeg(PhotoSynth.photoOf(digit, 1, small), 0.85f);
      JpegInfo info = JpegInfo.scan(photo);
      if (!BaselineJpeg.eligible(info) || BaselineJpeg.decode(photo, info, "photo") == null) {
        throw new AssertionError("the photo does not take libjpeg-turbo's path");
      }
      byte[] broken = photo.clone();
      for (int i = 2; i + 1 < broken.length; i++) {
        if ((broken[i] & 0xFF) == 0xFF && (broken[i + 1] & 0xFF) == 0xDA) {
          broken[i + 4] = 9; // a scan of 9 components: libjpeg-turbo refuses it
          break;
        }
      }
      Runnable decodes = () -> {
        for (int i = 0; i < 10_000; i++) {
          if (i % 10 == 0) {
            BaselineJpeg.decode(broken, info, "broken");
          } else {
            BaselineJpeg.decode(photo, info, "photo");
          }
        }
      };
      decodes.run(); // warm-up: the JIT and TF's allocator settle
      ResidentMemory.print("before");
      decodes.run();
      decodes.run();
      ResidentMemory.print("after");
    }

  }
}
