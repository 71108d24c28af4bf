package io.tfjmnist.inference;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.images.ImageDecoder;
import io.tfjmnist.images.PreprocessedImage;
import io.tfjmnist.images.Preprocessing;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.modelfiles.ModelFiles;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;

/**
 * Digits from pictures: decoding and preprocessing ({@link Preprocessing}, the DJL "translator"
 * step) in front of a {@link ProbabilityModel} (the Java graph or any MNIST SavedModel), with
 * {@link Prediction} as the post-processed answer. One instance keeps one model and session and is
 * safe to share between threads: preprocessing is stateless and {@code Session.run} is
 * thread-safe. Closing it closes the model.
 */
public final class ImageClassifier implements AutoCloseable {
  /** Images per session run when classifying many files. */
  static final int BATCH = 256;

  /** Done unless the model is still being built in the background ({@link #fromCheckpoint}). */
  private final CompletableFuture<ProbabilityModel> model;
  private final Preprocessing preprocessing;

  /** Takes ownership of {@code model}. */
  public ImageClassifier(ProbabilityModel model, Preprocessing preprocessing) {
    this(CompletableFuture.completedFuture(checkInput(model)), preprocessing);
  }

  private ImageClassifier(CompletableFuture<ProbabilityModel> model, Preprocessing preprocessing) {
    this.model = model;
    this.preprocessing = preprocessing;
  }

  private static ProbabilityModel checkInput(ProbabilityModel model) {
    if (model.inputSize() != PreprocessedImage.SIDE * PreprocessedImage.SIDE) {
      model.close();
      throw new TfjMnistException("The model takes " + model.inputSize() + " values per image, not 28x28 = 784.");
    }
    return model;
  }

  /**
   * A model from a weights or Keras file, any format {@code ModelFiles.read} reads (TF checkpoint,
   * {@code .weights.h5}, legacy {@code .h5}, {@code .keras}; Java's or Python's).
   * The checkpoint is read here, so a missing or corrupt one fails at once; the TF graph and session
   * are built on a background thread, because that waits for TF's native library (about 1 s to load
   * on 2 cores) while the first images can already be decoded and preprocessed in Java.
   */
  public static ImageClassifier fromCheckpoint(Path prefix, Preprocessing preprocessing) {
    return fromCheckpoint(prefix, null, preprocessing);
  }

  /**
   * As {@link #fromCheckpoint(Path, Preprocessing)}, a weights-only file read as the model
   * {@code architecture} (a {@code .keras} or Keras config JSON) describes; null for none.
   */
  public static ImageClassifier fromCheckpoint(Path prefix, Path architecture, Preprocessing preprocessing) {
    ModelWeights weights = ModelFiles.read(prefix, architecture).weights();
    CompletableFuture<ProbabilityModel> model = new CompletableFuture<>();
    Thread builder = new Thread(() -> {
      try {
        model.complete(checkInput(DigitClassifier.of(weights)));
      } catch (Throwable e) {
        model.completeExceptionally(e);
      }
    }, "model-build");
    builder.setDaemon(true);
    builder.start();
    return new ImageClassifier(model, preprocessing);
  }

  /** Any MNIST classifier SavedModel, through its own serving signature. */
  public static ImageClassifier fromSavedModel(Path dir, String signature, Preprocessing preprocessing) {
    return new ImageClassifier(SavedModelClassifier.open(dir, signature), preprocessing);
  }

  public Preprocessing preprocessing() {
    return preprocessing;
  }

  /** A file's digit, with what the model saw. */
  public record Classified(Path file, PreprocessedImage image, Prediction prediction) {}

  /** One file's outcome: classified, or the one-sentence reason it could not be. */
  public record Outcome(Path file, Classified result, String error) {
    public boolean ok() {
      return error == null;
    }
  }

  public Classified classify(Path file) {
    PreprocessedImage img = preprocessing.apply(file);
    return new Classified(file, img, classifyPixels(img.input()));
  }

  /** Classifies an in-memory picture (a photo of a digit, any size), as if it had been read from a PNG. */
  public Prediction classify(BufferedImage picture) {
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(picture, "png", png)) {
        throw new TfjMnistException("This image type cannot be converted for classification.");
      }
    } catch (IOException e) {
      throw new TfjMnistException("The image could not be encoded: " + e.getMessage(), e);
    }
    PreprocessedImage img = preprocessing.apply(ImageDecoder.decode(png.toByteArray(), "image"));
    return classifyPixels(img.input());
  }

  /** Classifies 784 floats already in MNIST form (28x28 row-major, white ink 1.0 on black 0.0). */
  public Prediction classifyPixels(float[] pixels) {
    return classifyPixels(List.of(pixels)).get(0);
  }

  public List<Prediction> classifyPixels(List<float[]> images) {
    int n = images.size();
    if (n == 0) {
      return List.of();
    }
    int size = model().inputSize();
    float[] flat = new float[n * size];
    for (int i = 0; i < n; i++) {
      float[] img = images.get(i);
      if (img.length != size) {
        throw new TfjMnistException("Image " + i + " has " + img.length + " values; the model expects " + size + ".");
      }
      System.arraycopy(img, 0, flat, i * size, size);
    }
    float[] probs = model().probabilities(flat, n);
    int classes = probs.length / Math.max(1, n);
    List<Prediction> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      float[] p = new float[classes];
      System.arraycopy(probs, i * classes, p, 0, classes);
      out.add(Prediction.of(p));
    }
    return out;
  }

  /**
   * Classifies many files: each is decoded and preprocessed on its own (a bad file becomes an
   * {@link Outcome} with its error, the others go on), and the model runs in batches. A model
   * still being built ({@link #fromCheckpoint}) is waited for only once the first batch is decoded.
   */
  public List<Outcome> classifyAll(List<Path> files) {
    List<Outcome> out = new ArrayList<>(files.size());
    for (int start = 0; start < files.size(); start += BATCH) {
      List<Path> chunk = files.subList(start, Math.min(files.size(), start + BATCH));
      List<PreprocessedImage> images = new ArrayList<>();
      List<Integer> okIndex = new ArrayList<>();
      String[] errors = new String[chunk.size()];
      PreprocessedImage[] prepared = new PreprocessedImage[chunk.size()];
      // Decoding and preprocessing a photo costs far more than the model; spread it over the cores.
      IntStream.range(0, chunk.size()).parallel().forEach(i -> {
        try {
          prepared[i] = preprocessing.apply(chunk.get(i));
        } catch (TfjMnistException e) {
          errors[i] = e.getMessage();
        } catch (RuntimeException e) { // a decoder bug must not take the other files down with it
          errors[i] = "Could not read " + chunk.get(i) + ": " + e.getClass().getSimpleName() + ": " + e.getMessage();
        }
      });
      for (int i = 0; i < chunk.size(); i++) {
        if (prepared[i] != null) {
          images.add(prepared[i]);
          okIndex.add(i);
        }
      }
      List<Prediction> predictions = classifyPixels(images.stream().map(PreprocessedImage::input).toList());
      Prediction[] byIndex = new Prediction[chunk.size()];
      for (int k = 0; k < okIndex.size(); k++) {
        byIndex[okIndex.get(k)] = predictions.get(k);
      }
      for (int i = 0; i < chunk.size(); i++) {
        out.add(errors[i] != null
            ? new Outcome(chunk.get(i), null, errors[i])
            : new Outcome(chunk.get(i), new Classified(chunk.get(i), prepared[i], byIndex[i]), null));
      }
    }
    model(); // a model that failed to build fails the call even when no file could be decoded
    return out;
  }

  /** The model, once built; rethrows what building it threw. */
  private ProbabilityModel model() {
    try {
      return model.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  /** Closes the model, waiting for it if it is still being built (a model that failed holds nothing). */
  @Override
  public void close() {
    ProbabilityModel m;
    try {
      m = model.join();
    } catch (CompletionException e) {
      return;
    }
    m.close();
  }
}
