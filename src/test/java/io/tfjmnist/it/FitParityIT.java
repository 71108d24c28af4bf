package io.tfjmnist.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tfjmnist.testing.Cli;
import io.tfjmnist.testing.PythonTf;
import io.tfjmnist.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --model} against Keras 3's own {@code model.fit} on a zoo of four models
 * ({@code python-reference/fit_parity.py}): Python builds each with {@code set_random_seed(G)}, saves
 * it untrained and compiled as {@code .keras} and fits one epoch on {@code shuffle(10000, seed=S).batch(32)};
 * the jar trains the same file with {@code --tf-shuffle G:S} and saves a {@code .keras} that Keras
 * then loads without custom objects. The seeds change from run to run (printed, and named in a
 * failure). The models replay Keras's {@code fit} bit for bit in the Eigen kernels on both sides:
 * every step's loss identical (compared through the running mean Keras logs, formed from Java's step
 * losses in float32 as Keras's {@code Mean} forms it), so the epoch loss is identical too:
 * <ul>
 *   <li>LeNet-like (average pooling, SGD with Nesterov momentum);
 *   <li>the MLP (Rescaling, a bias-free layer, logits with {@code from_logits=True}, RMSprop with momentum);
 *   <li>the CNN with Dropout (Adam): Java draws Keras 3's masks, from the seed Keras drew from Python's
 *       {@code random} after {@code set_random_seed(G)} and the step counter, and starts from weights it
 *       draws with the file's initializers ({@code --fresh-weights}), which are Keras's initial weights;
 *   <li>the Functional model with BatchNormalization (SGD), but for rare steps (see its test).
 * </ul>
 * The default (oneDNN) kernels part from Keras in the last bit within a few steps (TF 2.18 here, 2.21
 * in Python), after which two runs drift apart as any two diverged runs do; their loss and accuracy
 * gaps are measured in docs/training-keras-models.md, not asserted here, as they are a random spread.
 * One epoch on the first {@value #TRAIN_SIZE} of MNIST's training images (the four full epochs took 7.4
 * minutes on a loaded 2-core machine, beyond what CI gives one test; docs/training-keras-models.md has
 * the full-epoch figures and their commands), evaluated on all 10,000 test images. Needs Python with
 * TensorFlow ({@code TFJ_MNIST_PYTHON}) and {@code ../shared}.
 */
class FitParityIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Training images per epoch, the same first ones on both sides: 937 batches of 32 and one of 16. */
  private static final int TRAIN_SIZE = 30_000;
  private static final Pattern EPOCH = Pattern.compile(
      "^Epoch 1, Loss: ([^,]+), Accuracy: ([^,]+), Test Loss: ([^,]+), Test Accuracy: (\\S+)", Pattern.MULTILINE);

  @TempDir
  Path dir;

  private final String seeds = seeds();

  private static String seeds() {
    long now = System.currentTimeMillis();
    return (1 + now % 9973) + ":" + (1 + (now / 9973) % 9967);
  }

  @Test
  void lenetReplaysFitBitForBitInTheEigenKernels() throws Exception {
    Run r = fitAndTrain("lenet", "eigen");
    assertEquals(r.pythonRunning().size(), r.identicalSteps(), r.context() + ": step " + r.firstDifferent() + " differs");
    assertEquals((float) r.pythonEpoch().get("loss").asDouble(), r.javaLoss(), r.context());
  }

  @Test
  void mlpOnLogitsReplaysFitBitForBitInTheEigenKernels() throws Exception {
    Run r = fitAndTrain("mlp", "eigen");
    assertEquals(r.pythonRunning().size(), r.identicalSteps(), r.context() + ": step " + r.firstDifferent() + " differs");
    assertEquals((float) r.pythonEpoch().get("loss").asDouble(), r.javaLoss(), r.context());
  }

  /** Java starts from weights it draws itself ({@code --fresh-weights}), not the file's: Keras's initial weights all the same. */
  @Test
  void cnnWithDropoutReplaysFitBitForBitWithKerasMasksFromFreshWeightsInTheEigenKernels() throws Exception {
    Run r = fitAndTrain("cnn_dropout", "eigen", true);
    assertEquals(r.pythonRunning().size(), r.identicalSteps(), r.context() + ": step " + r.firstDifferent() + " differs");
    assertEquals((float) r.pythonEpoch().get("loss").asDouble(), r.javaLoss(), r.context());
  }

  /**
   * BatchNormalization's moving statistics and its batch statistics' gradient included: TF's graph
   * optimizer rewrites the update of {@code gamma} (a product of two vectors times the learning rate)
   * in Java's graph as in Keras's (docs/training-keras-models.md).
   */
  @Test
  void functionalWithBatchNormalizationReplaysFitBitForBitInTheEigenKernels() throws Exception {
    Run r = fitAndTrain("functional_bn", "eigen");
    assertEquals(r.pythonRunning().size(), r.identicalSteps(), r.context() + ": step " + r.firstDifferent() + " differs");
    assertEquals((float) r.pythonEpoch().get("loss").asDouble(), r.javaLoss(), r.context());
  }

  /**
   * @param pythonRunning the running loss Keras logged after each step
   * @param javaSteps Java's step losses
   * @param javaEpoch Java's epoch line: loss, accuracy, test loss, test accuracy (percent)
   */
  record Run(String model, String kernels, String seeds, List<Float> pythonRunning, List<Float> javaSteps,
      JsonNode pythonEpoch, float[] javaEpoch) {

    /** Steps whose running mean, formed from Java's step losses as Keras's Mean forms it, equals Keras's. */
    int identicalSteps() {
      float[] means = javaRunning();
      int n = 0;
      for (int i = 0; i < Math.min(means.length, pythonRunning.size()); i++) {
        n += Float.floatToIntBits(means[i]) == Float.floatToIntBits(pythonRunning.get(i)) ? 1 : 0;
      }
      return means.length == pythonRunning.size() ? n : 0;
    }

    /** 1-based; -1 when none differs. */
    int firstDifferent() {
      float[] means = javaRunning();
      for (int i = 0; i < Math.min(means.length, pythonRunning.size()); i++) {
        if (Float.floatToIntBits(means[i]) != Float.floatToIntBits(pythonRunning.get(i))) {
          return i + 1;
        }
      }
      return -1;
    }

    /** Keras's {@code Mean(name='loss')} in fit: total += loss * batch, count += batch, result total / count, in float32. */
    private float[] javaRunning() {
      float total = 0;
      float count = 0;
      float[] out = new float[javaSteps.size()];
      for (int i = 0; i < out.length; i++) {
        float batch = Math.min(32, TRAIN_SIZE - 32 * i);
        total += javaSteps.get(i) * batch;
        count += batch;
        out[i] = total / count;
      }
      return out;
    }

    /** Java's epoch loss as Keras reports it: the batch-size-weighted mean (the epoch line's is the mean of batch means). */
    float javaLoss() {
      float[] means = javaRunning();
      return means[means.length - 1];
    }

    double lossGap() {
      double py = pythonEpoch.get("loss").asDouble();
      return Math.abs(javaLoss() - py) / py;
    }

    double accuracyGap() {
      return Math.abs(javaEpoch[3] - pythonEpoch.get("val_accuracy").asDouble() * 100);
    }

    String context() {
      return model + " (" + (kernels == null ? "default" : kernels) + " kernels, --tf-shuffle " + seeds + ")";
    }
  }

  /** Keras's fit, then the jar's train from the same file and seeds, then Keras loading what Java saved. */
  private Run fitAndTrain(String model, String kernels) throws Exception {
    return fitAndTrain(model, kernels, false);
  }

  /** @param fresh whether Java draws the initial weights from the file's initializers ({@code --fresh-weights}) */
  private Run fitAndTrain(String model, String kernels, boolean fresh) throws Exception {
    PythonTf python = PythonTf.require();
    String data = TestData.datasetsDir().toAbsolutePath().toString();
    List<String> kernelArgs = kernels == null ? List.of() : List.of("--kernels", kernels);
    List<String> fit = new ArrayList<>(List.of("--model", model, "--out", dir.toString(), "--tf-shuffle", seeds,
        "--datasets", data, "--train-size", Integer.toString(TRAIN_SIZE)));
    fit.addAll(kernelArgs);
    python.script("fit_parity.py", Duration.ofMinutes(6), fit.toArray(String[]::new)).assertOk();
    JsonNode fitted = JSON.readTree(dir.resolve(model + ".fit.json").toFile());

    Path saved = dir.resolve(model + ".java.keras");
    Path steps = dir.resolve(model + ".java-steps.csv");
    List<String> train = new ArrayList<>(List.of("train", "--model", dir.resolve(model + ".keras").toString(),
        "--tf-shuffle", seeds, "--epochs", "1", "--data-dir", data, "--train-size", Integer.toString(TRAIN_SIZE),
        "--weights", saved.toString(), "--step-log", steps.toString(), "-q"));
    train.addAll(kernelArgs);
    if (fresh) {
      train.add("--fresh-weights");
    }
    Cli.Outcome out = Cli.exec(dir, 600, train.toArray(String[]::new));
    assertEquals(0, out.exitCode(), out.err());
    Matcher m = EPOCH.matcher(out.out());
    assertTrue(m.find(), out.out());
    float[] javaEpoch = new float[4];
    for (int i = 0; i < 4; i++) {
      javaEpoch[i] = (float) Double.parseDouble(m.group(i + 1));
    }

    List<String> check = new ArrayList<>(List.of("--check-java", saved.toString(), "--datasets", data));
    check.addAll(kernelArgs);
    String[] lines = python.script("fit_parity.py", Duration.ofMinutes(3), check.toArray(String[]::new)).assertOk()
        .out().strip().split("\n");
    JsonNode loaded = JSON.readTree(lines[lines.length - 1]);
    JsonNode epoch = fitted.get("epochs").get(0);
    List<Float> running = new ArrayList<>();
    fitted.get("running_losses").forEach(v -> running.add((float) v.asDouble()));
    Run run = new Run(model, kernels, seeds, running, stepLosses(steps), epoch, javaEpoch);
    System.out.printf("[figures] %s: Keras fit loss %.6f, test accuracy %.2f; Java loss %.6f (%.3f %% apart), test accuracy"
        + " %.2f (%.2f points apart); %d of %d steps identical (first different: %d); Keras loads Java's .keras as %s with"
        + " %s at iteration %d, test accuracy %.2f%n", run.context(), epoch.get("loss").asDouble(),
        epoch.get("val_accuracy").asDouble() * 100, run.javaLoss(), run.lossGap() * 100, javaEpoch[3], run.accuracyGap(),
        run.identicalSteps(), running.size(), run.firstDifferent(), loaded.get("class").asText(),
        loaded.get("optimizer").asText(), loaded.get("iterations").asLong(), loaded.get("test_accuracy").asDouble() * 100);

    // Saving back: Keras opens Java's file without custom objects, with the optimizer where Java left it.
    assertEquals(fitted.get("running_losses").size(), loaded.get("iterations").asInt(), "optimizer iterations in Java's .keras");
    // Keras evaluating Java's weights counts the same correct test images as Java's own evaluation did.
    assertEquals(javaEpoch[3], loaded.get("test_accuracy").asDouble() * 100, 0.011, run.context() + ": Keras on Java's .keras");
    return run;
  }

  private static List<Float> stepLosses(Path csv) throws Exception {
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    List<Float> out = new ArrayList<>();
    for (String l : lines.subList(1, lines.size())) {
      out.add(Float.parseFloat(l.split(",")[3]));
    }
    return out;
  }
}
