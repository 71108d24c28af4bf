package io.tfjmnist.images.preprocessing;

import io.tfjmnist.images.decoding.DecodedImage;
import java.util.function.BooleanSupplier;

/**
 * Runs a preprocessing on synthetic photos so that the JIT compiles its loops (Pillow's resize,
 * the ARGB view, the {@code mnist} planes and framing) before the real photos arrive. Without it a
 * run's first few hundred photos go through interpreted and C1-profiled code at two to four times
 * the steady cost per photo; worth doing only on a core that would otherwise wait, as one does while
 * TF's native library loads.
 *
 * <p>The photo has what the real path needs to take its usual branches: libjpeg-turbo's interleaved
 * RGB form ({@link DecodedImage#ofJpegSamples}), light paper with uneven lighting and grain, and one
 * dark stroke (a ring) that the {@code mnist} steps find as a digit.
 */
public final class PreprocessingWarmUp {
  private PreprocessingWarmUp() {}

  /**
   * Preprocesses a synthetic {@code width x height} photo while {@code keepGoing} says so (asked
   * before each photo), at most {@code max} times; returns how many photos it preprocessed.
   */
  public static int run(Preprocessing preprocessing, int width, int height, BooleanSupplier keepGoing, int max) {
    byte[] rgb = photo(width, height);
    int done = 0;
    while (done < max && keepGoing.getAsBoolean()) {
      // A new image each time: its views are made on first use, and making them is part of the path.
      preprocessing.apply(DecodedImage.ofJpegSamples("warm-up photo", width, height, 3, rgb));
      done++;
    }
    return done;
  }

  /** Interleaved RGB samples of the synthetic photo. */
  static byte[] photo(int width, int height) {
    byte[] rgb = new byte[width * height * 3];
    double cx = width / 2.0;
    double cy = height / 2.0;
    double radius = Math.min(width, height) / 4.0;
    double pen = Math.max(1.5, Math.min(width, height) / 30.0);
    for (int y = 0, k = 0; y < height; y++) {
      for (int x = 0; x < width; x++, k += 3) {
        int grain = (int) ((x * 7919L + y * 104729L) * 2654435761L >>> 29) & 7; // cheap fixed noise, 0..7
        int v = 215 - 40 * x / width - 20 * y / height + grain;
        if (Math.abs(Math.hypot(x - cx, y - cy) - radius) < pen) {
          v = 40 + grain;
        }
        rgb[k] = (byte) v;
        rgb[k + 1] = (byte) (v - 4);
        rgb[k + 2] = (byte) (v - 10);
      }
    }
    return rgb;
  }
}
