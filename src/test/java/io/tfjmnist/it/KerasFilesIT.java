package io.tfjmnist.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tfjmnist.data.Dataset;
import io.tfjmnist.testing.Cli;
import io.tfjmnist.testing.PythonTf;
import io.tfjmnist.testing.Cli.Outcome;
import io.tfjmnist.testing.TestData;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keras 3 files both ways with real Python TensorFlow (Keras 3), from fresh Python runs:
 * Python writes {@code .weights.h5} / {@code .keras} (the quickstart's MyModel and a Sequential CNN,
 * a few dozen Adam steps) and the packaged jar's {@code parity}/{@code eval} must reproduce
 * Python's own outputs on 1,000 test images (max |Δ| ≤ 1e-6, every argmax equal); the jar writes
 * them and Python's plain {@code load_weights} / {@code keras.saving.load_model} must agree the same
 * way, restore Adam's step count, and {@code predict.py} must print the jar's digit.
 *
 * <p>Python is found through {@code TFJ_MNIST_PYTHON} (system property or environment); without it
 * the tests are skipped, unless {@code TFJ_MNIST_REQUIRE_PYTHON=1}.
 */
class KerasFilesIT {
  private static final Path SCRIPTS = Path.of("python-reference").toAbsolutePath();
  private static final int COUNT = 1000;
  private static String python;

  @TempDir
  Path dir;

  /** Python from {@link PythonTf}: skipped with the reason, or failed under TFJ_MNIST_REQUIRE_PYTHON=1. */
  @BeforeEach
  void requirePython() {
    python = PythonTf.require().python().toString();
  }

  @Test
  void javaReadsWhatPythonWrites() throws Exception {
    python("keras3_files.py", "write", "--model", "mymodel", "--steps", "30", "--weights", "py.weights.h5",
        "--keras", "py.keras", "--golden", "py.json");
    python("keras3_files.py", "write", "--model", "sequential", "--steps", "30", "--keras", "seq.keras",
        "--golden", "seq.json");
    for (String[] c : List.of(new String[] {"py.weights.h5", "py.json"}, new String[] {"py.keras", "py.json"},
        new String[] {"seq.keras", "seq.json"})) {
      assertParity(c[0], c[1]);
    }
    // A Sequential model's weights converted by the jar load into Python's Sequential CNN unchanged.
    Outcome x = jar("export", "--weights", "seq.keras", "--out", "seq-java.weights.h5");
    assertEquals(0, x.exitCode(), x.err());
    python("keras3_files.py", "read", "--model", "sequential", "--weights", "seq-java.weights.h5", "--golden",
        "seq-back.json");
    assertParity("seq.keras", "seq-back.json");

    // eval on the same 1,000 images gives Python's accuracy, from either file.
    double pythonAccuracy = accuracy(dir.resolve("py.json"));
    for (String f : List.of("py.weights.h5", "py.keras")) {
      Outcome e = jar("eval", "--weights", f, "--test-size", Integer.toString(COUNT), "--data-dir", data());
      assertEquals(0, e.exitCode(), e.err());
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("Test Accuracy: ([0-9.]+)").matcher(e.out());
      assertTrue(m.find(), e.out());
      assertEquals(pythonAccuracy * 100, Double.parseDouble(m.group(1)), 1e-3, f + ": " + e.out());
    }
  }

  @Test
  void pythonReadsWhatJavaWrites() throws Exception {
    Outcome t = jar("train", "--epochs", "1", "--train-size", "3200", "--test-size", "100", "--threads", "2",
        "--weights", "java.weights.h5", "--quiet", "--data-dir", data());
    assertEquals(0, t.exitCode(), t.err());
    Outcome x = jar("export", "--weights", "java.weights.h5", "--out", "java.keras");
    assertEquals(0, x.exitCode(), x.err());
    assertTrue(x.out().contains("iterations 100"), x.out()); // 3,200 images / batch 32

    python("keras3_files.py", "read", "--weights", "java.weights.h5", "--golden", "from-weights.json");
    String k = python("keras3_files.py", "read", "--keras", "java.keras", "--golden", "from-keras.json",
        "--expect-iterations", "100");
    assertTrue(k.contains("optimizer iterations: 100"), k);
    assertTrue(k.contains("after one more fit step: optimizer iterations 101"), k);
    assertParity("java.weights.h5", "from-weights.json");
    assertParity("java.keras", "from-keras.json");

    // The original predict.py, reading mnist.weights.h5, prints the digit the jar's predict-py path gives.
    Dataset test = TestData.mnist().test();
    for (int i : new int[] {0, 1}) {
      Path png = dir.resolve("digit" + i + ".png");
      writeInvertedDigit(test, i, png);
      String py = python("predict.py", png.toString(), "--weights", "java.weights.h5", "--no-plot").strip();
      Outcome j = jar("predict", "--weights", "java.weights.h5", "--preprocess", "predict-py", "--json", png.toString());
      assertEquals(0, j.exitCode(), j.err());
      int javaDigit = new ObjectMapper().readTree(j.out().strip()).get("digit").asInt();
      String[] lines = py.split("\\R");
      assertEquals(Integer.toString(javaDigit), lines[lines.length - 1].strip(), "predict.py said:\n" + py);
    }
  }

  private void assertParity(String weights, String golden) throws Exception {
    Outcome p = jar("parity", "--weights", weights, "--golden", golden, "--count", Integer.toString(COUNT),
        "--tolerance", "1e-6", "--data-dir", data());
    assertEquals(0, p.exitCode(), weights + " vs " + golden + ":\n" + p.out() + p.err());
    assertTrue(p.out().contains("argmax agreement " + COUNT + "/" + COUNT), p.out());
    System.out.println("[figures] " + weights + " vs Python " + golden + ": "
        + p.out().lines().filter(l -> l.contains("max |diff|")).findFirst().orElse("").strip());
  }

  private static double accuracy(Path golden) throws IOException {
    JsonNode g = new ObjectMapper().readTree(golden.toFile());
    int right = 0;
    for (int i = 0; i < g.get("labels").size(); i++) {
      right += g.get("labels").get(i).asInt() == g.get("predictions").get(i).asInt() ? 1 : 0;
    }
    return right / (double) g.get("labels").size();
  }

  private Outcome jar(String... args) throws IOException, InterruptedException {
    return Cli.exec(dir, 600, args);
  }

  private static String data() {
    return TestData.datasetsDir().toAbsolutePath().toString();
  }

  /** Runs a python-reference script in the test folder; its output, or a failure with it. */
  private String python(String script, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(python, SCRIPTS.resolve(script).toString()));
    cmd.addAll(List.of(args));
    if (script.equals("keras3_files.py")) {
      cmd.addAll(List.of("--datasets", data()));
      if (List.of(args).contains("write") || List.of(args).contains("read")) {
        cmd.addAll(List.of("--count", Integer.toString(COUNT)));
      }
    }
    ProcessResult r = run(dir, 600, cmd.toArray(String[]::new));
    if (r.code != 0) {
      fail(String.join(" ", cmd) + " exited " + r.code + ":\n" + r.output);
    }
    return r.output;
  }

  private record ProcessResult(int code, String output) {}

  private static ProcessResult run(Path workDir, long timeoutSeconds, String... cmd) throws Exception {
    Path log = Files.createTempFile("python", ".log");
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile());
      pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
      pb.environment().put("MPLBACKEND", "Agg");
      Process p = pb.start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        return new ProcessResult(-1, "timed out after " + timeoutSeconds + " s\n" + Files.readString(log));
      }
      return new ProcessResult(p.exitValue(), Files.readString(log));
    } finally {
      Files.deleteIfExists(log);
    }
  }

  /** Test digit {@code i} as dark ink on white paper, which predict.py's preprocessing inverts back. */
  private static void writeInvertedDigit(Dataset test, int i, Path png) throws IOException {
    BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
    for (int r = 0; r < 28; r++) {
      for (int c = 0; c < 28; c++) {
        img.getRaster().setSample(c, r, 0, 255 - test.pixel(i, r, c));
      }
    }
    ImageIO.write(img, "png", png.toFile());
  }
}
