package io.tfjmnist.images.preprocessing;

import io.tfjmnist.images.decoding.DecodedImage;

import java.awt.image.BufferedImage;

/**
 * The default preprocessing: makes a real photo of a digit on paper look like an MNIST digit.
 *
 * <ol>
 *   <li>upright by the EXIF orientation ({@link Orientation});
 *   <li>transparency onto white, then luma ({@link Luma});
 *   <li>a working resolution of at most {@value #WORK_MAX_SIDE} pixels (speed; a digit needs
 *       far fewer) and at least {@value #WORK_MIN_SIDE} (so small inputs keep sub-pixel detail);
 *   <li>ink polarity, inverting only a light background ({@link Polarity});
 *   <li>lighting and paper tint removed ({@link BackgroundFlattening});
 *   <li>paper to 0, ink to 1, edges in between ({@link InkLevels});
 *   <li>specks dropped, the digit kept ({@link InkComponents});
 *   <li>cropped, scaled into a 20x20 box, centred by mass in 28x28 ({@link MnistFraming}).
 * </ol>
 */
final class MnistPreprocessing {
  static final int WORK_MAX_SIDE = 640;
  static final int WORK_MIN_SIDE = 112;

  private MnistPreprocessing() {}

  /**
   * The steps' planes are the thread's {@link PlaneScratch}, each written into the one its input is
   * not in; what the result keeps (input, grey panel) has arrays of its own, and its original, only
   * a figure's, is made when asked for.
   */
  static PreprocessedImage apply(DecodedImage image) {
    PlaneScratch scratch = PlaneScratch.take();
    try {
      int n = image.width() * image.height();
      GrayPlane grey = Luma.upright(image, scratch.planeOtherThan(null, n));
      GrayPlane work = toWorkingSize(grey, scratch);
      // The grey panel holds the working plane's levels, which the polarity's histograms count.
      BufferedImage panel = work.toGrayImage();
      int m = work.size();
      Polarity.Ink ink = Polarity.ink(work, Levels.of(panel), scratch.planeOtherThan(work.v, m), scratch.levels(m));
      GrayPlane flat = BackgroundFlattening.flatten(ink.plane(), ink.levels(), scratch.planeOtherThan(ink.plane().v, m));
      GrayPlane coverage = InkLevels.coverage(flat, image.name(), scratch.planeOtherThan(flat.v, m));
      GrayPlane digit = InkComponents.keepDigit(coverage, scratch);
      float[] input = MnistFraming.frame(digit);
      int orientation = image.exifOrientation();
      return PreprocessedImage.withOriginalOnDemand(Preprocessing.MNIST,
          () -> Orientation.upright(image.image(), orientation), panel, input);
    } finally {
      scratch.release();
    }
  }

  static GrayPlane toWorkingSize(GrayPlane grey) {
    return toWorkingSize(grey, null);
  }

  /** As {@link #toWorkingSize(GrayPlane)}, resized in {@code scratch}'s planes (null: arrays of their own). */
  static GrayPlane toWorkingSize(GrayPlane grey, PlaneScratch scratch) {
    int longer = Math.max(grey.width, grey.height);
    double scale = 1;
    if (longer > WORK_MAX_SIDE) {
      scale = (double) WORK_MAX_SIDE / longer;
    } else if (longer < WORK_MIN_SIDE) {
      scale = (double) WORK_MIN_SIDE / longer;
    }
    if (scale == 1) {
      return grey;
    }
    int w = Math.max(1, (int) Math.round(grey.width * scale));
    int h = Math.max(1, (int) Math.round(grey.height * scale));
    return AreaScaler.resize(grey, 0, 0, grey.width, grey.height, w, h, scratch);
  }
}
