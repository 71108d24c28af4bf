package io.tfjmnist.inference;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.images.decoding.ImageDecoder;
import io.tfjmnist.images.decoding.PhotoBuffers;
import io.tfjmnist.images.preprocessing.PreprocessedImage;
import io.tfjmnist.images.preprocessing.Preprocessing;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.modelfiles.ModelFiles;
import io.tfjmnist.tensors.JpegTurbo;
import io.tfjmnist.tensors.NativeWarmUp;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
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
  /** The model's first run, started by {@link #prepareFor} while photos are decoded; null: none. */
  private volatile CompletableFuture<Void> firstRun;

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
    if (NativeWarmUp.loading()) {
      // Reading a TF checkpoint waits for the natives too, leaving a core idle: the Java path the
      // photos take next (the decoder's classes, the preprocessing's) is loaded there meanwhile.
      Thread java = new Thread(() -> {
        JpegTurbo.loadClasses();
        preprocessing.warmUp();
      }, "java-warm-up");
      java.setDaemon(true);
      java.start();
    }
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

  /**
   * Starts, while the model is still being built ({@link #fromCheckpoint}), its first run on
   * {@code images} blank images on a daemon thread of its own, as soon as it is built. A session's
   * first run of a shape costs far more than the next (TF's graph optimisation and executor, oneDNN
   * choosing and compiling its kernels for that batch size, the first touch of its buffers); made
   * while the first batch of photos is still being decoded, it is off the path of that batch,
   * which otherwise waits for it with the decoding done. Purely an optimisation: its result and
   * any failure are dropped (a model that cannot run fails again on the real batch). Returns at once;
   * does nothing for a model that is already built or when one was started before.
   */
  public void prepareFor(int images) {
    if (model.isDone() || firstRun != null || images < 1) {
      return;
    }
    int n = Math.min(images, BATCH);
    int size = PreprocessedImage.SIDE * PreprocessedImage.SIDE;
    firstRun = model.thenAcceptAsync(m -> m.probabilities(new float[n * size], n), r -> {
      Thread t = new Thread(r, "model-first-run");
      t.setDaemon(true);
      t.start();
    });
  }

  public Preprocessing preprocessing() {
    return preprocessing;
  }

  /** A file's digit, with what the model saw (null where the caller asked for no pictures). */
  public record Classified(Path file, PreprocessedImage image, Prediction prediction) {}

  /** One file's outcome: classified, or the one-sentence reason it could not be. */
  public record Outcome(Path file, Classified result, String error) {
    public boolean ok() {
      return error == null;
    }
  }

  public Classified classify(Path file) {
    PreprocessedImage img = preprocessing.apply(file);
    return new Classified(file, img, model().predict(img.input()));
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
    return model().predict(img.input());
  }

  /**
   * Classifies images of 784 floats already in MNIST form (28x28 row-major, white ink 1.0 on
   * black 0.0) in one model call: {@link ProbabilityModel#predict(List)}.
   */
  public List<Prediction> classify(List<float[]> images) {
    if (images.isEmpty()) {
      return List.of();
    }
    ProbabilityModel m = model();
    awaitFirstRun(); // it does what this run's first would: running both would do it twice
    return m.predict(images);
  }

  /** Waits for a first run {@link #prepareFor} started, if any; its failure is dropped (see there). */
  private void awaitFirstRun() {
    CompletableFuture<Void> run = firstRun;
    if (run != null) {
      try {
        run.join();
      } catch (CompletionException | CancellationException e) {
        // Dropped: a model that cannot run fails again on the real batch.
      }
    }
  }

  /**
   * Classifies many files: each is decoded and preprocessed on its own (a bad file becomes an
   * {@link Outcome} with its error, the others go on), and the model runs in batches. A model
   * still being built ({@link #fromCheckpoint}) is waited for only once the first batch is decoded.
   * Every outcome keeps what the model saw ({@link Classified#image()}), pictures included.
   */
  public List<Outcome> classifyAll(List<Path> files) {
    List<Outcome> out = new ArrayList<>(files.size());
    classifyAll(files, true, out::add);
    return out;
  }

  /**
   * Classifies many files as {@link #classifyAll(List)} does, handing each outcome to {@code each}
   * in the files' order as soon as its batch is done, so that a folder of any size needs memory for
   * one batch only. Decoding and preprocessing run on all cores ({@value #BATCH} files at a time).
   *
   * @param keepPictures false: a {@link Classified} holds no {@link PreprocessedImage}
   *     ({@code image()} is null) and each decoded picture (about 4 bytes a pixel) is dropped as
   *     soon as its 784 floats are made, for callers that draw no figure
   */
  public void classifyAll(List<Path> files, boolean keepPictures, Consumer<Outcome> each) {
    prepareFor(files.size()); // the first batch's size: a later, smaller last batch costs little
    for (int start = 0; start < files.size(); start += BATCH) {
      List<Path> chunk = files.subList(start, Math.min(files.size(), start + BATCH));
      String[] errors = new String[chunk.size()];
      PreprocessedImage[] pictures = new PreprocessedImage[chunk.size()];
      float[][] inputs = new float[chunk.size()][];
      // Decoding and preprocessing a photo costs far more than the model; spread it over the cores.
      IntStream.range(0, chunk.size()).parallel().forEach(i -> {
        // These few threads (the caller and the common pool's, one per core) decode photo after
        // photo: they keep their buffers between photos instead of leaving megabytes behind each.
        PhotoBuffers.reuseOnThisThread();
        try {
          PreprocessedImage img = preprocessing.apply(chunk.get(i));
          inputs[i] = img.input();
          pictures[i] = keepPictures ? img : null;
        } catch (TfjMnistException e) {
          errors[i] = e.getMessage();
        } catch (RuntimeException e) { // a decoder bug must not take the other files down with it
          errors[i] = "Could not read " + chunk.get(i) + ": " + e.getClass().getSimpleName() + ": " + e.getMessage();
        }
      });
      List<float[]> ok = new ArrayList<>();
      for (float[] input : inputs) {
        if (input != null) {
          ok.add(input);
        }
      }
      Iterator<Prediction> predictions = classify(ok).iterator();
      for (int i = 0; i < chunk.size(); i++) {
        each.accept(errors[i] != null
            ? new Outcome(chunk.get(i), null, errors[i])
            : new Outcome(chunk.get(i), new Classified(chunk.get(i), pictures[i], predictions.next()), null));
      }
    }
    model(); // a model that failed to build fails the call even when no file could be decoded
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

  /**
   * Closes the model, waiting for it if it is still being built (a model that failed holds nothing),
   * and for a first run {@link #prepareFor} started, which must not find its session closed.
   */
  @Override
  public void close() {
    awaitFirstRun();
    ProbabilityModel m;
    try {
      m = model.join();
    } catch (CompletionException e) {
      return;
    }
    m.close();
  }
}
