package io.tfjmnist.images.preprocessing;

import io.tfjmnist.images.decoding.DecodedImage;
import io.tfjmnist.images.decoding.PillowConvert;
import io.tfjmnist.images.decoding.PillowImage;

import java.awt.image.BufferedImage;

/**
 * The Python original, bit for bit:
 * <pre>
 *   img = Image.open(p).resize((28, 28)).convert('L')
 *   x = (255 - np.array(img)) / 255.0        # float64, then float32 in the model
 * </pre>
 * Pillow's resize and convert are reproduced by {@link PillowResize} and {@link PillowConvert}
 * on the pixels as Pillow opens them ({@link PillowImage}). Like Pillow, it ignores EXIF
 * orientation and, for RGBA, drops alpha after resizing (a transparent background counts as
 * whatever colour the transparent pixels store, often black).
 */
final class PredictPyPreprocessing {
  private PredictPyPreprocessing() {}

  static PreprocessedImage apply(DecodedImage image) {
    int side = PreprocessedImage.SIDE;
    PillowImage.Interleaved interleaved = image.interleavedPixels();
    PillowImage small = interleaved != null
        ? PillowResize.resize(interleaved, side, side)
        : PillowResize.resize(image.pixels(), side, side);
    byte[] l = PillowConvert.toL(small);
    float[] input = new float[side * side];
    BufferedImage gray = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
    for (int i = 0; i < l.length; i++) {
      int v = l[i] & 0xFF;
      input[i] = (float) ((255 - v) / 255.0);
      gray.getRaster().setSample(i % side, i / side, 0, v);
    }
    return PreprocessedImage.withOriginalOnDemand(Preprocessing.PREDICT_PY, image::image, gray, input);
  }
}
