package io.tfjmnist.images.preprocessing;

import io.tfjmnist.images.decoding.DecodedImage;
import io.tfjmnist.images.decoding.ImageDecoder;

import io.tfjmnist.TfjMnistException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How an image file becomes the model's 28x28 input, selectable by name on the command line.
 *
 * <ul>
 *   <li>{@code mnist} (the default): prepares a photo of a digit the way MNIST's own digits were
 *       prepared, so real photos of digits on paper are recognised; see {@link MnistPreprocessing}.
 *   <li>{@code predict-py}: exactly what the original Python {@code predict.py} did, {@code Image.open(p)
 *       .resize((28, 28)).convert('L')} then {@code (255 - x) / 255.0}, byte for byte with
 *       Pillow; see {@link PredictPyPreprocessing}. It only works for images that already look like
 *       MNIST (dark digit filling a light square).
 * </ul>
 *
 * <p>{@code seed} is still accepted for {@code predict-py}: it was that value's name before "seed"
 * was kept for the random seed alone.
 */
public enum Preprocessing {
  MNIST("mnist", "normalise a photo like MNIST: ink on paper, cropped, 20 px box, centred by mass") {
    @Override
    public PreprocessedImage apply(DecodedImage image) {
      return MnistPreprocessing.apply(image);
    }
  },
  PREDICT_PY("predict-py", "exactly the Python original's predict.py: Pillow resize to 28x28, greyscale, 255 - x") {
    @Override
    public PreprocessedImage apply(DecodedImage image) {
      return PredictPyPreprocessing.apply(image);
    }
  };

  /** The default preprocessing: the one that works on real photos. */
  public static final Preprocessing DEFAULT = MNIST;

  private final String id;
  private final String description;

  Preprocessing(String id, String description) {
    this.id = id;
    this.description = description;
  }

  /**
   * Runs this preprocessing once on {@link ImageDecoder#sample}, which needs neither a file nor TF's
   * natives: the classes of the path every photo takes (decoded views, resize, framing, AWT's
   * image classes) are then loaded and initialised before the first photo instead of by it. Done
   * on a core that would otherwise wait for the natives, it is off a run's critical path; it
   * changes nothing else and throws nothing (a failure here is met again, and reported, on a real
   * photo).
   */
  public void warmUp() {
    try {
      apply(ImageDecoder.sample());
    } catch (RuntimeException ignored) {
      // Purely an optimisation: the real photos report whatever this met.
    }
  }

  /** The old name of {@link #PREDICT_PY}, still accepted. */
  private static final String PREDICT_PY_ALIAS = "seed";

  /** The name used on the command line: {@code mnist} or {@code predict-py}. */
  public String id() {
    return id;
  }

  public String description() {
    return description;
  }

  /** Preprocesses a decoded image. */
  public abstract PreprocessedImage apply(DecodedImage image);

  /** Decodes and preprocesses an image file. */
  public PreprocessedImage apply(Path imageFile) {
    return apply(ImageDecoder.decode(imageFile));
  }

  /** Looks a preprocessing up by its name, ignoring case. */
  public static Preprocessing byName(String name) {
    String wanted = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
    if (wanted.equals(PREDICT_PY_ALIAS)) {
      return PREDICT_PY;
    }
    for (Preprocessing p : values()) {
      if (p.id.equals(wanted)) {
        return p;
      }
    }
    throw new TfjMnistException("Unknown preprocessing '" + name + "'; choose one of " + String.join(", ", ids()) + ".");
  }

  /** All names, default first. */
  public static List<String> ids() {
    return Arrays.stream(values()).map(Preprocessing::id).toList();
  }

  @Override
  public String toString() {
    return id;
  }
}
