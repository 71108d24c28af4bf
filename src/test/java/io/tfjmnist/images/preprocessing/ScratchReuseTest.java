package io.tfjmnist.images.preprocessing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.images.decoding.DecodedImage;
import io.tfjmnist.images.decoding.ImageDecoder;
import io.tfjmnist.images.decoding.PhotoBuffers;
import io.tfjmnist.testing.PhotoSynth;
import io.tfjmnist.testing.TestImages;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The per-thread buffers the photo paths reuse (the decoder's samples, the resampler's blocks, the
 * mnist planes) never carry one photo into another: every output, in any order, on any thread,
 * equals what a thread that has never decoded anything makes of the same file (a fresh thread has
 * fresh buffers, as a fresh JVM has). Threads keep buffers only when they ask
 * ({@link PhotoBuffers}); these tests ask on threads of their own. Photos: a large one, above the size a thread keeps, then
 * medium and small ones (which fit in what the large ones left), colour and grey.
 */
class ScratchReuseTest {
  private static final List<byte[]> PHOTOS = new ArrayList<>();
  private static final List<Outputs> FRESH = new ArrayList<>();

  /** What a file gives: per preprocessing, model input, grey panel and original, as arrays. */
  private record Outputs(float[][] inputs, int[][] panels, int[][] originals) {}

  @BeforeAll
  static void photos() throws Exception {
    PhotoSynth.Options large = new PhotoSynth.Options(1100, 1150, 40, 60, 6.0, 0.3, true);
    PhotoSynth.Options small = new PhotoSynth.Options(60, 90, 5, 20, 6.0, 0.3, true);
    PHOTOS.add(PhotoSynth.jpeg(PhotoSynth.photoOf(PhotoSynth.scribble(1), 1, large), 0.85f));
    for (int i = 2; i < 8; i++) {
      BufferedImage photo = PhotoSynth.photoOf(PhotoSynth.scribble(i), i, i % 2 == 0 ? PhotoSynth.Options.DEFAULT : small);
      PHOTOS.add(PhotoSynth.jpeg(i % 3 == 0 ? grey(photo) : photo, 0.85f));
    }
    for (byte[] photo : PHOTOS) {
      FRESH.add(onFreshThread(() -> outputs(photo)));
    }
  }

  @AfterAll
  static void clear() {
    PHOTOS.clear();
    FRESH.clear();
  }

  @Test
  void oneThreadLargeThenSmallAndBackMatchesFreshThreads() throws Exception {
    onReusingThread(() -> {
      for (int round = 0; round < 2; round++) {
        for (int i = 0; i < PHOTOS.size(); i++) {
          assertSame(FRESH.get(i), outputs(PHOTOS.get(i)), "photo " + i + ", round " + round);
        }
      }
    });
  }

  /**
   * Only a thread that asks keeps its buffers: elsewhere (a server's or a caller's many threads)
   * each decode gets samples of its own, while a reusing thread decodes photo after photo into one
   * array.
   */
  @Test
  void onlyThreadsThatAskKeepTheirBuffers() throws Exception {
    byte[][][] samples = new byte[2][2][];
    Runnable twoDecodes = () -> {
      int k = PhotoBuffers.reusedOnThisThread() ? 1 : 0;
      // A medium photo, then a small one that fits in the buffer the medium one left.
      samples[k][0] = ImageDecoder.decode(PHOTOS.get(3), "medium").interleavedPixels().samples();
      samples[k][1] = ImageDecoder.decode(PHOTOS.get(2), "small").interleavedPixels().samples();
    };
    onFreshThread(() -> {
      twoDecodes.run();
      return null;
    });
    onReusingThread(twoDecodes);
    assertTrue(samples[0][0] != samples[0][1], "a thread that did not ask kept its decode buffer");
    assertTrue(samples[1][0] == samples[1][1], "a reusing thread decoded into a new array");
  }

  @Test
  void interleavedOnThreadsMatchesFreshThreads() throws Exception {
    List<Integer> order = new ArrayList<>();
    for (int r = 0; r < 4; r++) {
      for (int i = 0; i < PHOTOS.size(); i++) {
        order.add(i);
      }
    }
    Collections.shuffle(order, new Random(24));
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<Outputs>> done = new ArrayList<>();
      for (int i : order) {
        done.add(pool.submit(() -> {
          PhotoBuffers.reuseOnThisThread();
          return outputs(PHOTOS.get(i));
        }));
      }
      for (int k = 0; k < order.size(); k++) {
        assertSame(FRESH.get(order.get(k)), done.get(k).get(), "photo " + order.get(k) + ", task " + k);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * A decoded image kept past later decodes on its thread (into the same, reused buffer), or read
   * from another thread, still shows its own pixels, and so do the originals kept by results.
   */
  @Test
  void keptImagesAndResultsOutliveTheBuffer() throws Exception {
    onReusingThread(() -> {
      try {
        keptImagesAndResults();
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    });
  }

  private static void keptImagesAndResults() throws InterruptedException {
    // The medium photo, then a small one that overwrites the start of the buffer it was decoded into.
    DecodedImage medium = ImageDecoder.decode(PHOTOS.get(2), "medium");
    PreprocessedImage mediumPy = Preprocessing.PREDICT_PY.apply(medium);
    PreprocessedImage mediumMnist = Preprocessing.MNIST.apply(medium);
    outputs(PHOTOS.get(3));
    assertSame(FRESH.get(2), outputsOf(medium), "the kept decoded image");
    assertArrayEquals(FRESH.get(2).originals()[0], argb(mediumPy.original()), "predict-py's kept original");
    assertArrayEquals(FRESH.get(2).originals()[1], argb(mediumMnist.original()), "mnist's kept original");

    DecodedImage small = ImageDecoder.decode(PHOTOS.get(5), "small");
    Outputs[] elsewhere = new Outputs[1];
    Thread other = new Thread(() -> elsewhere[0] = outputsOf(small));
    other.start();
    other.join();
    assertSame(FRESH.get(5), elsewhere[0], "read on another thread");
  }

  /**
   * Every mnist step writes all of its output: the thread's planes filled with garbage (NaN, and
   * ones in the mask) change nothing, down to a speck inside the digit's box that the mask drops.
   */
  @Test
  void garbageInTheThreadsPlanesChangesNothing() throws Exception {
    onReusingThread(ScratchReuseTest::garbageInThePlanes);
  }

  private static void garbageInThePlanes() {
    GrayPlane coverage = new GrayPlane(60, 60);
    for (int y = 10; y < 50; y++) {
      for (int x = 10; x < 16; x++) {
        coverage.set(x, y, 1f); // an "L": its stem
        coverage.set(y, 44 + x - 10, 1f); // and its foot
      }
    }
    coverage.set(35, 25, 0.9f); // a speck inside the L's box, far from its strokes
    coverage.set(20, 30, 0.3f); // and a faint one
    GrayPlane expected = InkComponents.keepDigit(coverage);
    PlaneScratch scratch = dirtyScratch();
    GrayPlane reused;
    try {
      reused = InkComponents.keepDigit(coverage, scratch);
    } finally {
      scratch.release();
    }
    assertEquals(expected.width, reused.width);
    assertArrayEquals(expected.v, java.util.Arrays.copyOf(reused.v, reused.size()));

    dirtyScratch().release(); // the thread's own planes, left dirty for the next photo
    assertSame(FRESH.get(2), outputs(PHOTOS.get(2)), "after garbage in the planes");
  }

  /** The thread's plane scratch, taken, with NaN in both planes and ones in the levels. */
  private static PlaneScratch dirtyScratch() {
    PlaneScratch scratch = PlaneScratch.take();
    int n = 1 << 19;
    float[] a = scratch.planeOtherThan(null, n);
    java.util.Arrays.fill(a, Float.NaN);
    java.util.Arrays.fill(scratch.planeOtherThan(a, n), Float.NaN);
    java.util.Arrays.fill(scratch.levels(n), (byte) 1);
    return scratch;
  }

  /** The mnist path's luma, read from the JPEG's bytes with the orientation applied by index, is the colour view's. */
  @Test
  void lumaFromDecodedBytesEqualsLumaOfTheUprightColours() {
    BufferedImage photo = PhotoSynth.photoOf(PhotoSynth.scribble(9), 9, new PhotoSynth.Options(60, 90, 5, 20, 6.0, 0.3, true));
    for (boolean grey : new boolean[] {false, true}) {
      byte[] plain = PhotoSynth.jpeg(grey ? grey(photo) : photo, 0.85f);
      for (int o = 1; o <= 8; o++) {
        byte[] file = o == 1 ? plain : TestImages.insertSegment(plain, 0xE1, TestImages.exifOrientation(o));
        DecodedImage d = ImageDecoder.decode(file, "o" + o);
        assertEquals(o, d.exifOrientation());
        GrayPlane fromBytes = Luma.upright(d, new float[d.width() * d.height() + 7]);
        GrayPlane fromColours = Luma.ofArgb(Orientation.upright(d.image(), o));
        assertEquals(fromColours.width, fromBytes.width, "orientation " + o);
        assertEquals(fromColours.height, fromBytes.height, "orientation " + o);
        assertArrayEquals(fromColours.v, java.util.Arrays.copyOf(fromBytes.v, fromBytes.size()),
            "grey " + grey + ", orientation " + o);
      }
    }
  }

  private static Outputs outputs(byte[] photo) {
    return outputsOf(ImageDecoder.decode(photo, "photo"));
  }

  private static Outputs outputsOf(DecodedImage d) {
    Preprocessing[] all = {Preprocessing.PREDICT_PY, Preprocessing.MNIST};
    float[][] inputs = new float[2][];
    int[][] panels = new int[2][];
    int[][] originals = new int[2][];
    for (int k = 0; k < 2; k++) {
      PreprocessedImage p = all[k].apply(d);
      inputs[k] = p.input().clone();
      BufferedImage g = p.gray();
      panels[k] = g.getRaster().getSamples(0, 0, g.getWidth(), g.getHeight(), 0, (int[]) null);
      originals[k] = argb(p.original());
    }
    return new Outputs(inputs, panels, originals);
  }

  private static int[] argb(BufferedImage image) {
    return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
  }

  private static void assertSame(Outputs expected, Outputs actual, String what) {
    for (int k = 0; k < 2; k++) {
      assertArrayEquals(expected.inputs()[k], actual.inputs()[k], what + ": input " + k);
      assertArrayEquals(expected.panels()[k], actual.panels()[k], what + ": panel " + k);
      assertArrayEquals(expected.originals()[k], actual.originals()[k], what + ": original " + k);
    }
  }

  /** Runs {@code work} on a new thread that keeps its photo buffers, rethrowing what it throws. */
  private static void onReusingThread(Runnable work) throws Exception {
    onFreshThread(() -> {
      PhotoBuffers.reuseOnThisThread();
      work.run();
      return null;
    });
  }

  /** Runs {@code work} on a new thread, rethrowing what it throws, assertion errors included. */
  private static <T> T onFreshThread(java.util.concurrent.Callable<T> work) throws Exception {
    AtomicReference<T> out = new AtomicReference<>();
    AtomicReference<Throwable> failed = new AtomicReference<>();
    Thread t = new Thread(() -> {
      try {
        out.set(work.call());
      } catch (Throwable e) {
        failed.set(e);
      }
    });
    t.start();
    t.join();
    if (failed.get() instanceof Error e) {
      throw e;
    }
    if (failed.get() instanceof Exception e) {
      throw e;
    }
    return out.get();
  }

  private static BufferedImage grey(BufferedImage rgb) {
    BufferedImage g = new BufferedImage(rgb.getWidth(), rgb.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
    g.getGraphics().drawImage(rgb, 0, 0, null);
    return g;
  }
}
