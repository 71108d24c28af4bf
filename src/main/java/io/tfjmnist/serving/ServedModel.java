package io.tfjmnist.serving;

import io.tfjmnist.savedmodel.KerasModelFiles;
import io.tfjmnist.checkpoint.WeightsFormat;
import io.tfjmnist.TfjMnistException;
import io.tfjmnist.images.Preprocessing;
import io.tfjmnist.inference.DigitClassifier;
import io.tfjmnist.inference.ProbabilityModel;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelGraph;
import io.tfjmnist.model.ModelWeights;
import java.nio.file.Path;
import java.util.Objects;
import org.tensorflow.proto.ConfigProto;

/**
 * One loaded model as the server exposes it: TF Serving's name and version, the signature that
 * {@code /metadata} describes, and the {@link ProbabilityModel} that answers (the Java graph of
 * {@link DigitClassifier}, or a SavedModel). The server owns it and closes it on shutdown.
 *
 * @param name the model name in URLs ({@code /v1/models/NAME})
 * @param version the version reported and accepted in {@code /versions/N}
 * @param signature what {@code /metadata} reports
 * @param model the probabilities; shared by all request threads, so it must be thread-safe
 * @param loadSeconds how long loading took (weights, graph, session, one warm-up run)
 * @param source where it came from, for the start-up log line
 * @param maxBatch the most images one call of the model may take (0: no limit)
 */
public record ServedModel(String name, long version, ModelSignature signature, ProbabilityModel model,
    double loadSeconds, String source, int maxBatch) implements AutoCloseable {

  public ServedModel {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(signature, "signature");
    Objects.requireNonNull(model, "model");
    if (name.isEmpty() || name.contains("/") || name.contains(":")) {
      throw new TfjMnistException("Model name '" + name + "' must be non-empty and hold no '/' or ':'.");
    }
    if (version < 0) {
      throw new TfjMnistException("Model version must be 0 or more, got " + version + ".");
    }
  }

  /**
   * The quickstart CNN's signature, with the keys {@code export} writes ({@code input} ->
   * {@code probabilities}), so a client works unchanged against TF Serving running that export.
   */
  public static ModelSignature quickstartSignature(ModelArchitecture arch) {
    long[] in = arch.inputShape();
    long[] inputShape = new long[in.length + 1];
    inputShape[0] = -1;
    System.arraycopy(in, 0, inputShape, 1, in.length);
    return new ModelSignature(ModelSignature.DEFAULT_KEY, ModelSignature.PREDICT_METHOD, ModelGraph.INPUT, "DT_FLOAT",
        ModelGraph.INPUT + ":0", inputShape, ModelGraph.PROBABILITIES, ModelGraph.PROBABILITIES + ":0",
        new long[] {-1, arch.numClasses()});
  }

  /**
   * Loads a checkpoint of the quickstart CNN ({@code train}'s output or Python's {@code save_weights})
   * into one {@link DigitClassifier}: one graph, one session for all requests.
   *
   * @param tfThreads TF intra/inter-op threads; 0 = TF's default
   */
  public static ServedModel fromCheckpoint(String name, long version, Path prefix, int tfThreads) {
    long t0 = System.nanoTime();
    ModelWeights weights = KerasModelFiles.loadWeights(prefix); // checkpoint, .weights.h5, .h5 or .keras
    ModelArchitecture arch = weights.architecture();
    DigitClassifier classifier = DigitClassifier.of(weights, tfThreads > 0 ? threads(tfThreads) : null);
    return loaded(name, version, quickstartSignature(arch), classifier, t0, describe(prefix), 0);
  }

  private static String describe(Path file) {
    return WeightsFormat.detect(file) == WeightsFormat.TF_CHECKPOINT ? "checkpoint " + file
        : WeightsFormat.detect(file).description() + " " + file;
  }

  /** Serves in-memory weights (tests, benchmarks). */
  public static ServedModel fromWeights(String name, long version, ModelWeights weights, int tfThreads) {
    long t0 = System.nanoTime();
    DigitClassifier classifier = DigitClassifier.of(weights, tfThreads > 0 ? threads(tfThreads) : null);
    return loaded(name, version, quickstartSignature(weights.architecture()), classifier, t0, "in-memory weights", 0);
  }

  /**
   * Loads a SavedModel directory. See {@link SavedModelSource}: the one place that knows the
   * SavedModel classes.
   */
  public static ServedModel fromSavedModel(String name, long version, Path dir, String signatureKey) {
    long t0 = System.nanoTime();
    SavedModelSource.Opened opened = SavedModelSource.open(dir, signatureKey);
    return loaded(name, version, opened.signature(), opened.model(), t0, "SavedModel " + dir, opened.maxBatch());
  }

  /** Wraps an already-built model (tests), warming it up once. */
  public static ServedModel of(String name, long version, ModelSignature signature, ProbabilityModel model) {
    return loaded(name, version, signature, model, System.nanoTime(), "in-memory model", 0);
  }

  private static ServedModel loaded(String name, long version, ModelSignature signature, ProbabilityModel model,
      long t0, String source, int maxBatch) {
    try {
      model.probabilities(new float[model.inputSize()], 1); // warm-up: the first run allocates TF's kernels
      double seconds = (System.nanoTime() - t0) / 1e9;
      return new ServedModel(name, version, signature, model, seconds, source, maxBatch);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** {@code n} threads per op; with 1, TF also runs the ops on the calling thread (no hand-off to a pool). */
  private static ConfigProto threads(int n) {
    return ConfigProto.newBuilder().setIntraOpParallelismThreads(n).setInterOpParallelismThreads(n == 1 ? -1 : n).build();
  }

  /** Values per image (784). */
  public int inputSize() {
    return model.inputSize();
  }

  @Override
  public void close() {
    model.close();
  }
}
