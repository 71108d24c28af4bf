package io.tfjmnist.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tfjmnist.keras.WeightsFiles;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.optimizers.Adam;
import io.tfjmnist.testing.ChildCli;
import io.tfjmnist.testing.Cli;
import io.tfjmnist.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk, made real by a small tmpfs mounted in a private mount namespace: {@code train} is
 * refused before the first step with one line, and a save that runs out of space mid-way ends with
 * one {@code error:} line naming the user's path and the cause, without TF's hints or hidden names.
 */
class FullDiskTest {
  @TempDir
  Path dir;

  /** A command prefix that mounts a tmpfs of {@code size} at {@code folder} for the command only. */
  static List<String> smallDisk(Path folder, String size) throws Exception {
    Files.createDirectories(folder);
    String f = folder.toAbsolutePath().toString();
    try {
      Process probe = new ProcessBuilder(List.of("unshare", "-rm", "sh", "-c",
          "mount -t tmpfs -o size=" + size + " tmpfs \"$0\"", f)).redirectErrorStream(true).start();
      assumeTrue(probe.waitFor(20, TimeUnit.SECONDS) && probe.exitValue() == 0,
          "cannot mount a private tmpfs here (unshare -rm refused)");
    } catch (java.io.IOException e) {
      assumeTrue(false, "no unshare: " + e.getMessage());
    }
    return List.of("unshare", "-rm", "sh", "-c",
        "mount -t tmpfs -o size=" + size + " tmpfs \"$0\" && shift && exec \"$@\"", f, "--");
  }

  static List<String> errors(Cli.Outcome o) {
    return o.errLines().stream().filter(l -> l.startsWith("error:")).toList();
  }

  @Test
  void trainingIntoAFolderWithoutRoomForOneSaveIsRefusedBeforeTheFirstStep() throws Exception {
    Path small = dir.resolve("small");
    Cli.Outcome o = ChildCli.run(dir.resolve("run"), Map.of(), smallDisk(small, "2m"), 120,
        List.of("train", "--data-dir", TestData.mnistDataDir().toAbsolutePath().toString(), "--train-size", "256",
            "--test-size", "64", "--epochs", "1", "--quiet", "--weights", small.resolve("mnist").toString()));
    assertEquals(1, o.exitCode(), o.err());
    assertEquals(1, errors(o).size(), o.err());
    String line = errors(o).get(0);
    assertTrue(line.contains("Cannot save to " + small.toAbsolutePath()) && line.contains("free, and one save needs"), line);
    assertFalse(o.out().contains("Epoch 1"), o.out());
  }

  @Test
  void aSaveThatRunsOutOfSpaceIsOneLineNamingThePathAndTheCause() throws Exception {
    ModelWeights w = ModelWeights.glorotUniform(ModelArchitecture.quickstartCnn(), 1);
    WeightsFiles.save(dir.resolve("w/m"), w, null, Adam.kerasDefaults());
    Path small = dir.resolve("small");
    List<String> disk = smallDisk(small, "1m");
    List<List<String>> commands = List.of(
        List.of("export", "--weights", dir.resolve("w/m").toString(), "--out", small.resolve("1").toString()),
        List.of("export", "--weights", dir.resolve("w/m").toString(), "--out", small.resolve("m.keras").toString()),
        List.of("export", "--weights", dir.resolve("w/m").toString(), "--out", small.resolve("m.weights.h5").toString()));
    for (List<String> command : commands) {
      Cli.Outcome o = ChildCli.run(dir.resolve("run"), Map.of(), disk, 120, command);
      assertEquals(1, o.exitCode(), command + ": " + o.err());
      List<String> lines = o.errLines().stream().filter(l -> !l.startsWith("warning:")).toList();
      assertEquals(1, lines.size(), command + ": " + o.err());
      String line = lines.get(0);
      String target = command.get(command.size() - 1);
      assertTrue(line.startsWith("error: ") && line.contains(Path.of(target).toAbsolutePath().toString())
          && line.contains("no space left on device"), command + ": " + line);
      assertFalse(line.contains(".tmp-") || line.contains("Hint"), "no hidden names, no TF hints: " + line);
    }
  }
}
