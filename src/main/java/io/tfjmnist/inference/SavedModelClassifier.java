package io.tfjmnist.inference;


import io.tfjmnist.savedmodel.ExampleEncoder;
import io.tfjmnist.savedmodel.SavedModelExporter;
import io.tfjmnist.savedmodel.SavedModelFiles;
import io.tfjmnist.savedmodel.ServingSignature;
import io.tfjmnist.TfjMnistException;
import io.tfjmnist.tensors.Tensors;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.NdArray;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.types.TString;

/**
 * Runs any image-classifier SavedModel (Keras {@code model.save}, {@code tf.saved_model.save}, TF1
 * {@code SavedModelBuilder}, or this project's {@link SavedModelExporter}) on MNIST-style images:
 * 784 floats in [0, 1] per image. The signature decides how images go in and which output comes
 * out ({@link ServingSignature}); the caller always gets {@code [count, classes]} scores in class
 * order.
 *
 * <p>One loaded bundle and session; every call makes its own tensors and runner, so one instance
 * serves many threads, as {@code Session.run} does. Close it to free the native model.
 */
public final class SavedModelClassifier implements ProbabilityModel {
  /** Values per image: 28 x 28 pixels. */
  public static final int INPUT_SIZE = 784;

  private static final java.util.regex.Pattern MISSING_VARIABLE =
      java.util.regex.Pattern.compile("Could not find variable (\\S+?)\\.(\\s|$)");
  private final Path dir;
  private final SavedModelBundle bundle;
  private final SessionFunction function;
  private final ServingSignature signature;

  private SavedModelClassifier(Path dir, SavedModelBundle bundle, ServingSignature signature) {
    this.dir = dir;
    this.bundle = bundle;
    this.signature = signature;
    this.function = bundle.function(signature.key());
  }

  /** Loads {@code dir} (tag {@code serve}) and uses its {@code serving_default} signature. */
  public static SavedModelClassifier open(Path dir) {
    return open(dir, null);
  }

  /** Loads {@code dir} and uses signature {@code signatureKey} (null: {@code serving_default} or the only one). */
  public static SavedModelClassifier open(Path dir, String signatureKey) {
    // Reading the proto first gives precise reasons (missing folder or file, no 'serve' tag and
    // which tags there are) before TF's loader answers with its own, vaguer message.
    SavedModelFiles.metaGraph(SavedModelFiles.read(dir), dir, SavedModelFiles.SERVE_TAG);
    SavedModelBundle bundle;
    try {
      bundle = SavedModelBundle.load(dir.toString(), SavedModelFiles.SERVE_TAG);
    } catch (RuntimeException e) {
      throw new TfjMnistException("TensorFlow could not load SavedModel " + dir + ": " + firstLine(e) + ".", e);
    }
    try {
      ServingSignature sig = ServingSignature.discover(bundle.metaGraphDef(), signatureKey, INPUT_SIZE, dir.toString());
      return new SavedModelClassifier(dir, bundle, sig);
    } catch (RuntimeException e) {
      bundle.close();
      throw e;
    }
  }

  private static String firstLine(Throwable e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return (nl > 0 ? m.substring(0, nl) : m).strip();
  }

  public ServingSignature signature() {
    return signature;
  }

  public Path directory() {
    return dir;
  }

  @Override
  public int inputSize() {
    return INPUT_SIZE;
  }

  /** Scores for {@code count} images packed in {@code flat784s}, row-major {@code [count, classes]}, in class order. */
  @Override
  public float[] probabilities(float[] flat784s, int count) {
    if (count <= 0 || flat784s.length != count * INPUT_SIZE) {
      throw new TfjMnistException("Expected " + (long) count * INPUT_SIZE + " input values for " + count
          + " images, got " + flat784s.length + ".");
    }
    return signature.inputKind() == ServingSignature.InputKind.TF_EXAMPLE
        ? fromExamples(flat784s, count)
        : fromFloats(flat784s, count);
  }

  private float[] fromFloats(float[] flat, int count) {
    long[] shape = signature.inputShape();
    if (shape[0] > 0 && shape[0] < count && count % shape[0] == 0) {
      // A signature traced for a fixed batch (tf.saved_model.save traces the batch it saw): feed it
      // that many images at a time.
      int b = (int) shape[0];
      float[] out = null;
      for (int from = 0; from < count; from += b) {
        float[] p = fromFloats(java.util.Arrays.copyOfRange(flat, from * INPUT_SIZE, (from + b) * INPUT_SIZE), b);
        if (out == null) {
          out = new float[p.length / b * count];
        }
        System.arraycopy(p, 0, out, from * (p.length / b), p.length);
      }
      return out;
    }
    if (shape[0] > 0 && shape[0] != count) {
      throw new TfjMnistException("Signature '" + signature.key() + "' of SavedModel " + dir + " takes exactly "
          + shape[0] + " images per call, got " + count + ".");
    }
    shape[0] = count;
    try (Tensor x = Tensors.floats(shape, flat);
        Result r = call(Map.of(signature.inputKey(), x))) {
      return scores(r, count);
    }
  }

  private float[] fromExamples(float[] flat, int count) {
    byte[][] examples = new byte[count][];
    for (int i = 0; i < count; i++) {
      examples[i] = ExampleEncoder.encode(signature.exampleFeature(), flat, i * INPUT_SIZE, INPUT_SIZE);
    }
    try (TString x = TString.tensorOfBytes(NdArrays.vectorOfObjects(examples));
        Result r = call(Map.of(signature.inputKey(), x))) {
      float[] scores = scores(r, count);
      return signature.classesKey() == null ? scores : byClass(scores, r, count);
    }
  }

  private Result call(Map<String, Tensor> inputs) {
    try {
      return function.call(inputs);
    } catch (RuntimeException e) {
      java.util.regex.Matcher missing = MISSING_VARIABLE.matcher(String.valueOf(e.getMessage()));
      if (missing.find()) {
        // tf.saved_model.save of a Keras 3 model: its variables share names (my_model/kernel three
        // times), so a TF1-style session (TF Java, Python's tf.compat.v1 loader alike) cannot
        // bind them. Only TF2's object-based tf.saved_model.load can run it.
        throw new TfjMnistException("SavedModel " + dir + " cannot run in a TensorFlow session: its signature '"
            + signature.key() + "' reads variable '" + missing.group(1) + "', which the session does not hold"
            + " (Python's TF1 loader fails the same way). tf.saved_model.save of a Keras 3 model writes such"
            + " SavedModels; export the model with Keras 3's model.export(DIR) instead.", e);
      }
      throw new TfjMnistException("SavedModel " + dir + " failed to run signature '" + signature.key() + "': "
          + firstLine(e) + ".", e);
    }
  }

  private float[] scores(Result r, int count) {
    Tensor t = r.get(signature.outputKey()).orElseThrow(() -> new TfjMnistException("SavedModel " + dir
        + " signature '" + signature.key() + "' returned no output '" + signature.outputKey() + "'."));
    float[] out = Tensors.toFloats(t);
    if (out.length % count != 0 || (signature.numClasses() > 0 && out.length != count * signature.numClasses())) {
      throw new TfjMnistException("SavedModel " + dir + " output '" + signature.outputKey() + "' has shape "
          + t.shape() + ", not [" + count + ", classes].");
    }
    return out;
  }

  /**
   * A classify signature returns scores sorted high to low, with the class label of each in the
   * string output {@code classes}; put each score back at its class's index.
   */
  private float[] byClass(float[] sorted, Result r, int count) {
    TString classes = (TString) r.get(signature.classesKey()).orElseThrow(() -> new TfjMnistException("SavedModel "
        + dir + " signature '" + signature.key() + "' returned no output '" + signature.classesKey() + "'."));
    NdArray<byte[]> labels = classes.asBytes();
    int n = sorted.length / count;
    if (labels.size() != sorted.length) {
      throw new TfjMnistException("SavedModel " + dir + " output '" + signature.classesKey() + "' has shape "
          + classes.shape() + " but '" + signature.outputKey() + "' has " + sorted.length + " values.");
    }
    float[] out = new float[sorted.length];
    for (int i = 0; i < count; i++) {
      boolean[] filled = new boolean[n];
      for (int j = 0; j < n; j++) {
        String label = new String(labels.getObject(i, j), StandardCharsets.UTF_8);
        int c;
        try {
          c = Integer.parseInt(label.strip());
        } catch (NumberFormatException e) {
          c = -1;
        }
        if (c < 0 || c >= n || filled[c]) {
          throw new TfjMnistException("SavedModel " + dir + " output '" + signature.classesKey() + "' gives class label '"
              + label + "', which is not a distinct class index 0.." + (n - 1) + ".");
        }
        filled[c] = true;
        out[i * n + c] = sorted[i * n + j];
      }
    }
    return out;
  }

  @Override
  public void close() {
    bundle.close();
  }
}
