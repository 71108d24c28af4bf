package io.tfjmnist.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.keras.WeightsCheckpoint;
import io.tfjmnist.keras.WeightsFiles;
import io.tfjmnist.files.CrashPoints;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.optimizers.Adam;
import io.tfjmnist.savedmodel.SavedModelExporter;
import io.tfjmnist.testing.ChildCli;
import io.tfjmnist.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code export --overwrite} killed between its two renames (old folder aside, new folder in) and
 * just after them: the export folder is the complete old or new one for the next reader, which puts
 * a set-aside folder back or removes it, and says so.
 */
class KillDuringExportTest {
  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"export.after-set-aside", "export.after-move-in"})
  void aKilledOverwriteLeavesTheOldOrTheNewExport(String point) throws Exception {
    ModelArchitecture arch = ModelArchitecture.quickstartCnn();
    ModelWeights oldWeights = ModelWeights.glorotUniform(arch, 1);
    ModelWeights newWeights = ModelWeights.glorotUniform(arch, 2);
    Path out = dir.resolve("models/1");
    SavedModelExporter.export(oldWeights, out);
    WeightsFiles.save(dir.resolve("w/new"), newWeights, null, Adam.kerasDefaults());

    Cli.Outcome killed = ChildCli.run(dir.resolve("run"), Map.of("TFJ_MNIST_FAULT", point), 300,
        List.of("export", "--weights", dir.resolve("w/new").toString(), "--out", out.toString(), "--overwrite"));
    assertEquals(CrashPoints.EXIT_STATUS, killed.exitCode(), killed.err());

    Cli.Outcome inspect = Cli.run("inspect", out.toString());
    assertEquals(0, inspect.exitCode(), inspect.err());
    ModelWeights read = WeightsCheckpoint.load(out, arch).weights();
    if (point.equals("export.after-set-aside")) {
      assertTrue(inspect.err().contains("warning: Export folder " + out.toAbsolutePath() + " was missing"), inspect.err());
      assertEquals(0.0, read.maxAbsDifference(oldWeights), "the old export is back");
    } else {
      assertEquals(0.0, read.maxAbsDifference(newWeights), "the new export had moved in");
    }
    assertFalse(Files.exists(dir.resolve("models/.1.old")), "the set-aside folder is gone");
  }
}
