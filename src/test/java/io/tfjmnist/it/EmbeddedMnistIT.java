package io.tfjmnist.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar target/tfj-mnist.jar train} with no flags about data, an empty home folder (no
 * Keras or tfj-mnist cache) and a download URL nothing answers: MNIST comes from the copy in the
 * jar; Fashion-MNIST, which is not packaged, reaches the (failing) download and says so.
 */
class EmbeddedMnistIT {
  @TempDir
  Path dir;

  private record Run(int exit, String out, String err) {}

  private Run jar(String... args) throws Exception {
    Files.createDirectories(dir.resolve("home"));
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Duser.home=" + dir.resolve("home"), "-jar", TestData.jar().toAbsolutePath().toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
        .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
    Map<String, String> env = pb.environment();
    env.remove("TFJ_MNIST_DATA");
    env.remove("KERAS_HOME");
    env.put("TFJ_MNIST_BASE_URL", "http://127.0.0.1:9/");
    Process p = pb.start();
    assertTrue(p.waitFor(600, TimeUnit.SECONDS), "timed out: " + cmd);
    return new Run(p.exitValue(), Files.readString(dir.resolve("out.txt")), Files.readString(dir.resolve("err.txt")));
  }

  @Test
  void trainFindsThePackagedMnistOffline() throws Exception {
    Run r = jar("train", "--epochs", "1", "--train-size", "2000", "--test-size", "500", "-q");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().lines().anyMatch(l -> l.matches("Epoch 1, Loss: \\S+, Accuracy: \\S+, Test Loss: \\S+, Test Accuracy: \\S+")),
        r.out());
    assertTrue(Files.isRegularFile(dir.resolve("mnist.index")), "weights named after the data set");
    assertTrue(!r.err().contains("127.0.0.1:9"), "no download was attempted: " + r.err());
  }

  @Test
  void fashionMnistIsNotPackaged() throws Exception {
    Run r = jar("train", "--dataset", "fashion_mnist", "--epochs", "1", "-q");
    assertEquals(1, r.exit(), r.err());
    assertTrue(r.err().contains("Found no fashion_mnist data") && r.err().contains("downloading http://127.0.0.1:9/"), r.err());
    assertTrue(r.err().contains("Give the data folder with --data-dir DIR."), "the CLI names its flag: " + r.err());
  }
}
