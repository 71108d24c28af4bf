package io.tfjmnist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.testing.Cli;
import io.tfjmnist.testing.Cli.Outcome;
import io.tfjmnist.testing.TestData;
import io.tfjmnist.training.callbacks.CsvLogger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One spelling per idea, one exit code per kind of mistake, every file announced (issue 15). */
class ConsistencyCliTest {
  @TempDir
  Path dir;

  private static String[] train(String... extra) {
    List<String> a = new ArrayList<>(List.of("train", "--data-dir", TestData.mnistDataDir().toString(),
        "--train-size", "500", "--test-size", "200", "--shuffle-buffer", "500", "--quiet", "--deterministic"));
    a.addAll(List.of(extra));
    return a.toArray(String[]::new);
  }

  private static void assertUsageError(Outcome o, String fragment) {
    assertEquals(2, o.exitCode(), o.err());
    List<String> lines = o.errLines();
    assertTrue(lines.get(0).startsWith("error: ") && lines.get(0).contains(fragment),
        "expected 'error: …" + fragment + "…', got " + lines);
    assertFalse(o.err().contains("\tat "), o.err());
  }

  @Test
  void everyBadFlagValueExitsTwo() {
    assertUsageError(Cli.run("train", "--train-size", "0"), "--train-size must be at least 1, got 0.");
    assertUsageError(Cli.run("eval", "--test-size", "-5"), "--test-size must be at least 1, got -5.");
    assertUsageError(Cli.run("train", "--dataset", "bogus"), "Unknown dataset 'bogus': use mnist or fashion_mnist.");
    assertUsageError(Cli.run("show", "--dataset", "cifar10"), "cifar10");
    assertUsageError(Cli.run("predict", "x.png", "--preprocess", "foo"), "Unknown preprocessing 'foo'");
    assertUsageError(Cli.run("train", "--validation-split", "-0.1"), "--validation-split must be at least 0 and below 1, got -0.1.");
    assertUsageError(Cli.run("train", "--weights", "w.h5"), "Keras 3 weights files must end in .weights.h5, a whole model in .keras");
    assertUsageError(Cli.run("train", "--validation-split", "1"), "--validation-split");
    assertUsageError(Cli.run("train", "--early-stopping", "x:y"), "--early-stopping");
    assertUsageError(Cli.run("train", "--restore-best-weights"), "--restore-best-weights needs --early-stopping");
    assertUsageError(Cli.run("train", "--resume"), "--resume needs --checkpoint-dir");
  }

  @Test
  void typosGetSuggestions() {
    assertUsageError(Cli.run("evaluate", "--weights", "mnist"), "unknown command 'evaluate'; did you mean eval?");
    assertUsageError(Cli.run("train", "--epoch", "2"), "did you mean --epochs?");
    assertUsageError(Cli.run("predict", "x.png", "--preproces", "mnist"), "did you mean --preprocess?");
  }

  @Test
  void predictAcceptsServesSpellingOfPreprocessing() {
    // Parsed as the same flag: a bad value is refused under its own name, a good one reaches the checkpoint.
    assertUsageError(Cli.run("predict", "x.png", "--preprocessing", "foo"), "Invalid value for option '--preprocessing'");
    Outcome ok = Cli.run("predict", "x.png", "--preprocessing", "predict-py", "--weights", dir.resolve("none").toString());
    assertEquals(1, ok.exitCode(), ok.err());
    assertTrue(ok.errLines().get(0).contains("No checkpoint index found"), ok.err());
    assertFalse(Cli.run("predict", "--help").out().contains("--preprocessing"), "one spelling in --help");
    String serveHelp = Cli.run("serve", "--help").out();
    assertTrue(serveHelp.contains("--preprocess=") && !serveHelp.contains("--preprocessing"), "serve spells it as predict does");
  }

  @Test
  void validationRunsNameTheirColumnsLikeKeras() throws Exception {
    Outcome val = Cli.run(train("--epochs", "1", "--weights", dir.resolve("v/mnist").toString(),
        "--validation-split", "0.2", "--history", dir.resolve("val.csv").toString()));
    assertEquals(0, val.exitCode(), val.err());
    assertEquals(CsvLogger.VALIDATION_HEADER, Files.readAllLines(dir.resolve("val.csv")).get(0));
    assertEquals("epoch,accuracy,loss,val_accuracy,val_loss", CsvLogger.VALIDATION_HEADER);
    assertTrue(val.out().contains("Validation Loss: "), val.out());

    Outcome stopped = Cli.run(train("--epochs", "3", "--weights", dir.resolve("s/mnist").toString(),
        "--validation-split", "0.2", "--early-stopping", "val_loss:0:1000"));
    assertEquals(0, stopped.exitCode(), stopped.err());
    assertTrue(stopped.out().contains("Early stopping after epoch 2: val_loss did not improve for 1 epoch;"), stopped.out());

    Outcome test = Cli.run(train("--epochs", "1", "--weights", dir.resolve("t/mnist").toString(),
        "--history", dir.resolve("test.csv").toString()));
    assertEquals(0, test.exitCode(), test.err());
    assertEquals("epoch,accuracy,loss,test_accuracy,test_loss", Files.readAllLines(dir.resolve("test.csv")).get(0));
  }

  @Test
  void everyFileWrittenIsAnnounced() throws Exception {
    Path w = dir.resolve("w/mnist");
    Outcome o = Cli.run(train("--epochs", "1", "--weights", w.toString(),
        "--history", dir.resolve("h.csv").toString(), "--plot-history", dir.resolve("c.png").toString(),
        "--logdir", dir.resolve("logs").toString()));
    assertEquals(0, o.exitCode(), o.err());
    assertTrue(o.out().contains("Saved weights to " + w + ".index and " + w + ".data-00000-of-00001, and the state file "
        + w.resolveSibling("checkpoint")), o.out());
    assertTrue(o.out().contains("Wrote the history to " + dir.resolve("h.csv")), o.out());
    assertTrue(o.out().contains("Wrote the training curves to " + dir.resolve("c.png")), o.out());
    assertTrue(o.out().contains("Wrote TensorBoard event files to " + dir.resolve("logs/train")), o.out());

    Path digit = dir.resolve("digit.png");
    javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(28, 28, java.awt.image.BufferedImage.TYPE_BYTE_GRAY),
        "png", digit.toFile());
    Path figure = dir.resolve("figure.png");
    Outcome p = Cli.run("predict", digit.toString(), "--preprocess", "predict-py", "--weights", w.toString(),
        "--plot", figure.toString()); // predict-py classifies any picture, even a blank one
    assertEquals(0, p.exitCode(), p.err());
    assertTrue(Files.isRegularFile(figure));
    assertTrue(p.errLines().contains("Wrote " + figure), p.err());

    Path export = dir.resolve("export/1");
    Outcome first = Cli.run("export", "--weights", w.toString(), "--out", export.toString());
    assertEquals(0, first.exitCode(), first.err());
    assertTrue(first.out().startsWith("Exported SavedModel to "), first.out());
    Outcome again = Cli.run("export", "--weights", w.toString(), "--out", export.toString());
    assertEquals(1, again.exitCode());
    assertTrue(again.errLines().get(0).contains("pass --overwrite to replace it"), again.err());
  }

  @Test
  void aResumedRunSaysSoBeforeReplayingTheOldEpochs() {
    Path ckpt = dir.resolve("ckpt");
    Outcome first = Cli.run(train("--epochs", "1", "--weights", dir.resolve("w/mnist").toString(),
        "--checkpoint-dir", ckpt.toString()));
    assertEquals(0, first.exitCode(), first.err());
    Outcome resumed = Cli.runMerged(train("--epochs", "2", "--weights", dir.resolve("w/mnist").toString(),
        "--checkpoint-dir", ckpt.toString(), "--resume"));
    assertEquals(0, resumed.exitCode(), resumed.out());
    int resuming = resumed.out().indexOf("Resuming from ");
    int epoch1 = resumed.out().indexOf("Epoch 1, ");
    int epoch2 = resumed.out().indexOf("Epoch 2, ");
    assertTrue(resuming >= 0 && resuming < epoch1 && epoch1 < epoch2, resumed.out());
  }

  @Test
  void restoreBestWeightsSavesTheBestEpochAndSaysWhich() {
    // min_delta 1000: no epoch improves on the first, so training stops after epoch 2 and epoch 1 is the best.
    Path best = dir.resolve("best/mnist");
    Outcome b = Cli.run(train("--epochs", "3", "--weights", best.toString(), "--early-stopping", "loss:0:1000",
        "--restore-best-weights"));
    assertEquals(0, b.exitCode(), b.err());
    assertTrue(b.out().contains("Restoring model weights from the end of the best epoch: 1."), b.out());
    assertEquals(testFigures(b.out(), 1), evalFigures(best));

    Path last = dir.resolve("last/mnist");
    Outcome l = Cli.run(train("--epochs", "3", "--weights", last.toString(), "--early-stopping", "loss:0:1000"));
    assertEquals(0, l.exitCode(), l.err());
    assertTrue(l.out().contains("Keeping the weights of the last epoch (2)"), l.out());
    assertEquals(testFigures(l.out(), 2), evalFigures(last));
  }

  @Test
  void fashionMnistClassesAreNamedInEval() throws Exception {
    Path data = TestData.datasetsDir(); // Fashion-MNIST lives only in ../shared: skipped without it
    Path w = dir.resolve("f/fashion_mnist");
    Outcome t = Cli.run("train", "--dataset", "fashion_mnist", "--data-dir", data.toString(), "--epochs", "1",
        "--train-size", "300", "--test-size", "100", "--quiet", "--weights", w.toString());
    assertEquals(0, t.exitCode(), t.err());
    Outcome e = Cli.run("eval", "--dataset", "fashion_mnist", "--data-dir", data.toString(), "--test-size", "100",
        "--weights", w.toString());
    assertEquals(0, e.exitCode(), e.err());
    assertTrue(e.out().contains("rows: true class, columns: predicted class"), e.out());
    assertFalse(e.out().contains("digit"), e.out());
    assertTrue(e.out().contains("\n0 T-shirt/top ") && e.out().contains("\n9 Ankle boot "), e.out());
  }

  /** "Test Loss: x, Test Accuracy: y" of epoch {@code n} as train printed it. */
  private static String testFigures(String out, int n) {
    String line = out.lines().filter(s -> s.startsWith("Epoch " + n + ", ")).findFirst().orElseThrow();
    return line.replaceAll(".*Test Loss: (\\S+), Test Accuracy: (\\S+)", "$1 $2");
  }

  private static String evalFigures(Path weights) {
    Outcome e = Cli.run("eval", "--data-dir", TestData.mnistDataDir().toString(), "--test-size", "200",
        "--weights", weights.toString());
    assertEquals(0, e.exitCode(), e.err());
    return e.out().lines().findFirst().orElseThrow().replaceAll("Test Loss: (\\S+), Test Accuracy: (\\S+) .*", "$1 $2");
  }
}
