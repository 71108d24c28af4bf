package io.tfjmnist.savedmodel;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.checkpoint.CheckpointIndex;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;

/**
 * How to call one signature of an image-classifier SavedModel, worked out from its SignatureDef
 * alone: which input key takes the images and in what form (a float tensor of some shape holding
 * 784 values per image, or serialized {@code tf.Example}s with a named float feature), and which
 * output holds the class scores (and, for TF Serving {@code classify} signatures, the string
 * {@code classes} output that says which class each score belongs to: classify outputs are sorted
 * by score, not by class).
 *
 * @param key signature key ({@code serving_default})
 * @param methodName {@code tensorflow/serving/predict} or {@code .../classify}
 * @param inputKey the signature's input key (never a graph tensor name)
 * @param inputKind float tensor or serialized Examples
 * @param inputShape the declared input shape, batch first (-1 unknown); empty for Examples
 * @param exampleFeature the float feature to put the pixels in (Example input only), else null
 * @param outputKey the scores output's key
 * @param classesKey the string classes output's key (classify only), else null
 * @param numClasses the scores' last dimension, -1 when the signature leaves it open
 */
public record ServingSignature(String key, String methodName, String inputKey, InputKind inputKind,
    long[] inputShape, String exampleFeature, String outputKey, String classesKey, int numClasses) {

  public enum InputKind { FLOAT_TENSOR, TF_EXAMPLE }

  public static final String DEFAULT_KEY = "serving_default";
  public static final String PREDICT_METHOD = "tensorflow/serving/predict";
  public static final String CLASSIFY_METHOD = "tensorflow/serving/classify";
  /** Marker signature TF2 adds for its init op; never callable. */
  static final String INIT_OP_KEY = "__saved_model_init_op";

  /** Output names in order of preference: what exporters call a classifier's probabilities. */
  private static final List<String> PREFERRED_OUTPUTS =
      List.of("probabilities", "probs", "scores", "predictions", "output_0", "output", "dense", "softmax", "y");

  public ServingSignature {
    inputShape = inputShape.clone();
  }

  @Override
  public long[] inputShape() {
    return inputShape.clone();
  }

  /**
   * Picks the signature {@code requestedKey} (or, when null, {@code serving_default}, or the only
   * callable signature) of {@code mg} and works out how to call it with {@code inputSize} values
   * per image.
   *
   * @param where the model's folder, for messages
   */
  public static ServingSignature discover(MetaGraphDef mg, String requestedKey, int inputSize, String where) {
    Map<String, SignatureDef> all = mg.getSignatureDefMap();
    List<String> callable = new ArrayList<>(new TreeSet<>(all.keySet()));
    callable.remove(INIT_OP_KEY);
    String key = requestedKey;
    if (key == null) {
      if (all.containsKey(DEFAULT_KEY)) {
        key = DEFAULT_KEY;
      } else if (callable.size() == 1) {
        key = callable.get(0);
      } else {
        throw new TfjMnistException("SavedModel " + where + " has no '" + DEFAULT_KEY + "' signature; choose one of "
            + callable + ".");
      }
    }
    SignatureDef sig = all.get(key);
    if (sig == null || key.equals(INIT_OP_KEY)) {
      throw new TfjMnistException("SavedModel " + where + " has no signature '" + key + "'; its signatures are "
          + callable + ".");
    }
    String label = "Signature '" + key + "' of SavedModel " + where;
    if (sig.getInputsCount() != 1) {
      throw new TfjMnistException(label + " takes " + sig.getInputsCount() + " inputs " + new TreeSet<>(sig.getInputsMap().keySet())
          + "; an image classifier signature takes exactly one.");
    }
    Map.Entry<String, TensorInfo> input = sig.getInputsMap().entrySet().iterator().next();
    TensorInfo in = input.getValue();

    if (in.getDtype() == DataType.DT_STRING) {
      String feature = exampleFeature(mg, in, inputSize, label);
      String scores = pickOutput(sig, label, true);
      String classes = sig.getMethodName().equals(CLASSIFY_METHOD) && sig.getOutputsMap().containsKey("classes")
          && sig.getOutputsMap().get("classes").getDtype() == DataType.DT_STRING ? "classes" : null;
      return new ServingSignature(key, sig.getMethodName(), input.getKey(), InputKind.TF_EXAMPLE, new long[0], feature,
          scores, classes, lastDim(sig.getOutputsMap().get(scores)));
    }
    if (in.getDtype() != DataType.DT_FLOAT) {
      throw new TfjMnistException(label + " takes " + CheckpointIndex.dtypeName(in.getDtype()) + " input '" + input.getKey()
          + "'; only float32 images or serialized tf.Example strings are supported.");
    }
    long[] shape = shape(in.getTensorShape());
    if (shape == null) {
      throw new TfjMnistException(label + " does not declare the shape of its input '" + input.getKey()
          + "', so the image layout is unknown.");
    }
    long perImage = 1;
    for (int i = 1; i < shape.length; i++) {
      perImage *= shape[i];
    }
    if (shape.length < 2 || perImage != inputSize || Arrays.stream(shape).skip(1).anyMatch(d -> d <= 0)) {
      throw new TfjMnistException(label + " takes input '" + input.getKey() + "' of shape " + shapeString(shape)
          + ", which does not hold " + inputSize + " values per image (expected e.g. [-1,28,28,1], [-1,28,28] or [-1,784]).");
    }
    String out = pickOutput(sig, label, false);
    return new ServingSignature(key, sig.getMethodName(), input.getKey(), InputKind.FLOAT_TENSOR, shape, null, out, null,
        lastDim(sig.getOutputsMap().get(out)));
  }

  private static String exampleFeature(MetaGraphDef mg, TensorInfo in, int inputSize, String label) {
    List<ExampleFeatures.DenseFeature> features = ExampleFeatures.parsedFrom(mg.getGraphDef(), in.getName());
    List<ExampleFeatures.DenseFeature> floats = features.stream()
        .filter(f -> f.dtype() == DataType.DT_FLOAT).toList();
    for (ExampleFeatures.DenseFeature f : floats) {
      if (f.size() == inputSize) {
        return f.name();
      }
    }
    if (floats.size() == 1) {
      throw new TfjMnistException(label + " parses float feature '" + floats.get(0).name() + "' of shape "
          + shapeString(floats.get(0).shape()) + ", which does not hold " + inputSize + " values per image.");
    }
    throw new TfjMnistException(label + " takes serialized tf.Example input, but no ParseExample op of its graph reads a "
        + inputSize + "-value float feature from it (found " + features.stream().map(ExampleFeatures.DenseFeature::name).toList()
        + "), so the feature name is unknown.");
  }

  /** The float [batch, classes] output most likely to hold class probabilities. */
  private static String pickOutput(SignatureDef sig, String label, boolean examples) {
    List<String> candidates = new ArrayList<>();
    for (Map.Entry<String, TensorInfo> e : sig.getOutputsMap().entrySet()) {
      TensorInfo t = e.getValue();
      long[] s = shape(t.getTensorShape());
      if (t.getDtype() == DataType.DT_FLOAT && (s == null || (s.length == 2 && s[1] != 1))) {
        candidates.add(e.getKey());
      }
    }
    if (candidates.isEmpty()) {
      throw new TfjMnistException(label + " has no float [batch, classes] output (its outputs are "
          + new TreeSet<>(sig.getOutputsMap().keySet()) + ").");
    }
    candidates.sort(Comparator.comparingInt(ServingSignature::preference).thenComparing(Comparator.naturalOrder()));
    return candidates.get(0);
  }

  /** Lower is better: exact preferred names, then preferred prefixes ({@code dense_1}), then others; logits last. */
  private static int preference(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    for (int i = 0; i < PREFERRED_OUTPUTS.size(); i++) {
      if (n.equals(PREFERRED_OUTPUTS.get(i))) {
        return i;
      }
    }
    for (int i = 0; i < PREFERRED_OUTPUTS.size(); i++) {
      if (n.startsWith(PREFERRED_OUTPUTS.get(i))) {
        return PREFERRED_OUTPUTS.size() + i;
      }
    }
    return n.contains("logit") ? 1000 : 500;
  }

  private static int lastDim(TensorInfo t) {
    long[] s = t == null ? null : shape(t.getTensorShape());
    return s == null || s.length == 0 || s[s.length - 1] <= 0 ? -1 : (int) s[s.length - 1];
  }

  /** Dimensions, -1 for unknown ones; null for an unknown rank. */
  static long[] shape(TensorShapeProto p) {
    if (p.getUnknownRank()) {
      return null;
    }
    return p.getDimList().stream().mapToLong(TensorShapeProto.Dim::getSize).toArray();
  }

  static String shapeString(long[] shape) {
    if (shape == null) {
      return "(unknown rank)";
    }
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < shape.length; i++) {
      sb.append(i == 0 ? "" : ",").append(shape[i]);
    }
    return sb.append(']').toString();
  }

  /** {@code serving_default (tensorflow/serving/predict): input 'x' float32 [-1,28,28,1] -> output 'probabilities'}. */
  public String describe() {
    String in = inputKind == InputKind.TF_EXAMPLE
        ? "input '" + inputKey + "' serialized tf.Example (float feature '" + exampleFeature + "')"
        : "input '" + inputKey + "' float32 " + shapeString(inputShape);
    return key + " (" + methodName + "): " + in + " -> output '" + outputKey + "'"
        + (classesKey == null ? "" : " reordered by '" + classesKey + "'")
        + (numClasses > 0 ? " [" + numClasses + " classes]" : "");
  }
}
