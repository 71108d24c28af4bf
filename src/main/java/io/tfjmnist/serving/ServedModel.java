package io.tfjmnist.serving;

import io.tfjmnist.checkpoint.WeightsFormat;
import io.tfjmnist.TfjMnistException;
import io.tfjmnist.images.preprocessing.Preprocessing;
import io.tfjmnist.inference.DigitClassifier;
import io.tfjmnist.inference.ProbabilityModel;
import io.tfjmnist.inference.SavedModelClassifier;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelGraph;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.modelfiles.ModelFiles;
import io.tfjmnist.savedmodel.SavedModelInspector;
import io.tfjmnist.savedmodel.ServingSignature;
import io.tfjmnist.savedmodel.SignatureInfo;
import io.tfjmnist.savedmodel.TensorSpecInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.DataType;

/**
 * One loaded model as the server exposes it: TF Serving's name and version, the signature that
 * {@code /metadata} describes, and the {@link ProbabilityModel} that answers (the Java graph of
 * {@link DigitClassifier}, or a SavedModel). The server owns it and closes it on shutdown.
 *
 * @param name the model name in URLs ({@code /v1/models/NAME})
 * @param version the version reported and accepted in {@code /versions/N}
 * @param signature the served SignatureDef, as {@code /metadata} reports it (one input, one output)
 * @param model the probabilities; shared by all request threads, so it must be thread-safe
 * @param loadSeconds how long loading took (weights, graph, session, one warm-up run)
 * @param source where it came from, for the start-up log line
 * @param policy how the model's session runs are sized (chosen at load, see {@link RunSize}): exact
 *     or not, padded how, at most how many images
 */
public record ServedModel(String name, long version, SignatureInfo signature, ProbabilityModel model,
    double loadSeconds, String source, BatchPolicy policy) implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ServedModel.class);

  public ServedModel {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(signature, "signature");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(policy, "policy");
    if (name.isEmpty() || name.contains("/") || name.contains(":")) {
      throw new TfjMnistException("Model name '" + name + "' must be non-empty and hold no '/' or ':'.");
    }
    if (signature.inputs().size() != 1 || signature.outputs().isEmpty()) {
      throw new TfjMnistException("Signature '" + signature.key() + "' must take one input and give at least one output.");
    }
    if (version < 0) {
      throw new TfjMnistException("Model version must be 0 or more, got " + version + ".");
    }
  }

  /**
   * The quickstart CNN's signature, with the keys and tensors {@code export} writes ({@code input}
   * -> {@code probabilities}), so a client works unchanged against TF Serving running that export.
   */
  public static SignatureInfo quickstartSignature(ModelArchitecture arch) {
    long[] in = arch.inputShape();
    long[] inputShape = new long[in.length + 1];
    inputShape[0] = -1;
    System.arraycopy(in, 0, inputShape, 1, in.length);
    return new SignatureInfo(ServingSignature.DEFAULT_KEY, ServingSignature.PREDICT_METHOD,
        List.of(new TensorSpecInfo(ModelGraph.INPUT, ModelGraph.INPUT + ":0", DataType.DT_FLOAT, inputShape)),
        List.of(new TensorSpecInfo(ModelGraph.PROBABILITIES, ModelGraph.PROBABILITIES + ":0", DataType.DT_FLOAT,
            new long[] {-1, arch.numClasses()})));
  }

  /**
   * Loads a checkpoint of the quickstart CNN ({@code train}'s output or Python's {@code save_weights})
   * into one {@link DigitClassifier}: one graph, one session for all requests.
   *
   * @param tfThreads TF intra/inter-op threads; 0 = TF's default
   * @param exact whether an image's probabilities must not depend on its batch-mates (see
   *     {@link #fromWeights(String, long, ModelWeights, int, boolean)})
   */
  public static ServedModel fromCheckpoint(String name, long version, Path prefix, int tfThreads, boolean exact) {
    return fromCheckpoint(name, version, prefix, null, tfThreads, exact);
  }

  /**
   * As {@link #fromCheckpoint(String, long, Path, int, boolean)}, a weights-only file read as the
   * model {@code architecture} (a {@code .keras} or Keras config JSON) describes; null for none.
   */
  public static ServedModel fromCheckpoint(String name, long version, Path prefix, Path architecture, int tfThreads,
      boolean exact) {
    long t0 = System.nanoTime();
    ModelWeights weights = ModelFiles.read(prefix, architecture).weights(); // checkpoint, .weights.h5, .h5 or .keras
    return classifier(name, version, weights, tfThreads, exact, t0, describe(prefix));
  }

  private static String describe(Path file) {
    return WeightsFormat.detect(file) == WeightsFormat.TF_CHECKPOINT ? "checkpoint " + file
        : WeightsFormat.detect(file).description() + " " + file;
  }

  /** Serves in-memory weights (tests, benchmarks) with exact batching. */
  public static ServedModel fromWeights(String name, long version, ModelWeights weights, int tfThreads) {
    return fromWeights(name, version, weights, tfThreads, true);
  }

  /**
   * Serves in-memory weights. With {@code exact}, the cheapest {@link BatchPolicy} that keeps every
   * image's probabilities independent of its batch-mates on this CPU is measured here, at load (see
   * {@link RunSize}); without, calls of any size run the training graph's forward pass.
   */
  public static ServedModel fromWeights(String name, long version, ModelWeights weights, int tfThreads, boolean exact) {
    return classifier(name, version, weights, tfThreads, exact, System.nanoTime(), "in-memory weights");
  }

  private static ServedModel classifier(String name, long version, ModelWeights weights, int tfThreads,
      boolean exact, long t0, String source) {
    ConfigProto config = tfThreads > 0 ? threads(tfThreads) : null;
    SignatureInfo signature = quickstartSignature(weights.architecture());
    if (!exact) {
      return loaded(name, version, signature, DigitClassifier.of(weights, config), t0, source, 0, false);
    }
    // the probe's runs are also the warm-up: the first runs allocate TF's kernels
    DigitClassifier plain = DigitClassifier.of(weights, config);
    RunSize.Chosen<ProbabilityModel> chosen;
    try {
      chosen = RunSize.choose(plain, r -> DigitClassifier.forRunsOf(weights, config, r));
    } catch (RuntimeException e) {
      plain.close();
      throw e;
    }
    LOG.debug("Batch policy: {}", chosen.policy().describe());
    return new ServedModel(name, version, signature, chosen.model(), (System.nanoTime() - t0) / 1e9, source,
        chosen.policy());
  }

  /**
   * Loads version folder {@code v} of a TF Serving base path (see {@link VersionFolders}): its
   * SavedModel (signature {@code serving_default} or the only one), else its model file, served as
   * version {@code v.number()}.
   */
  public static ServedModel fromVersionFolder(String name, VersionFolders.Version v, int tfThreads, boolean exact) {
    return VersionFolders.isSavedModel(v.dir()) ? fromSavedModel(name, v.number(), v.dir(), null, exact)
        : fromCheckpoint(name, v.number(), VersionFolders.modelFile(v.dir()), tfThreads, exact);
  }

  /** A SavedModel served with exact batching: see {@link #fromSavedModel(String, long, Path, String, boolean)}. */
  public static ServedModel fromSavedModel(String name, long version, Path dir, String signatureKey) {
    return fromSavedModel(name, version, dir, signatureKey, true);
  }

  /**
   * Loads a SavedModel directory and serves signature {@code signatureKey} (null: {@code
   * serving_default} or the only one); {@code /metadata} reports that SignatureDef as written.
   * With {@code exact}, runs are sized by the cheapest policy that keeps every image's
   * probabilities independent of its batch-mates, measured at load (see {@link RunSize}).
   */
  public static ServedModel fromSavedModel(String name, long version, Path dir, String signatureKey, boolean exact) {
    long t0 = System.nanoTime();
    SavedModelClassifier classifier = SavedModelClassifier.open(dir, signatureKey);
    try {
      ServingSignature calling = classifier.signature();
      SignatureInfo described = SavedModelInspector.inspectSavedModel(dir).serving().signature(calling.key())
          .orElseThrow(() -> new TfjMnistException("SavedModel " + dir + " lost signature '" + calling.key() + "'."));
      long[] in = calling.inputShape();
      // a SavedModel exported with a fixed batch size takes exactly that many images per call
      int fixedBatch = calling.inputKind() == ServingSignature.InputKind.FLOAT_TENSOR && in.length > 0 && in[0] > 0
          ? (int) in[0] : 0;
      return loaded(name, version, described, classifier, t0, "SavedModel " + dir, fixedBatch, exact);
    } catch (RuntimeException e) {
      classifier.close();
      throw e;
    }
  }

  /** Wraps an already-built model (tests), with exact batching, warming it up once. */
  public static ServedModel of(String name, long version, SignatureInfo signature, ProbabilityModel model) {
    return loaded(name, version, signature, model, System.nanoTime(), "in-memory model", 0, true);
  }

  private static ServedModel loaded(String name, long version, SignatureInfo signature, ProbabilityModel model,
      long t0, String source, int fixedBatch, boolean exact) {
    try {
      BatchPolicy policy;
      if (fixedBatch > 0) {
        policy = new BatchPolicy(BatchPolicy.Kind.FIXED_BATCH, fixedBatch, fixedBatch,
            "the SavedModel takes batches of exactly " + fixedBatch + " images", 0);
        model.probabilities(new float[fixedBatch * model.inputSize()], fixedBatch); // warm-up
      } else if (exact) {
        policy = RunSize.choose(model); // its runs are also the warm-up
      } else {
        policy = BatchPolicy.anySize(MicroBatcher.MAX_RUN);
        model.probabilities(new float[model.inputSize()], 1); // warm-up: the first run allocates TF's kernels
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      return new ServedModel(name, version, signature, model, seconds, source, policy);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** {@code n} threads per op; with 1, TF also runs the ops on the calling thread (no hand-off to a pool). */
  private static ConfigProto threads(int n) {
    return ConfigProto.newBuilder().setIntraOpParallelismThreads(n).setInterOpParallelismThreads(n == 1 ? -1 : n).build();
  }

  /** The signature's input key, as named-input requests spell it. */
  public String inputKey() {
    return signature.inputs().get(0).key();
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
