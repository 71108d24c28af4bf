package io.tfjmnist.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.keras.WeightsCheckpoint;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.optimizers.Adam;
import io.tfjmnist.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A folder given where a checkpoint prefix is expected: its one checkpoint is found, whatever its prefix. */
class CheckpointFolderTest {
  private static final ModelArchitecture ARCH = ModelArchitecture.quickstartCnn();

  @TempDir
  Path dir;

  private void saveWithoutStateFile(String prefix, long seed) throws Exception {
    WeightsCheckpoint.save(dir.resolve(prefix), ModelWeights.glorotUniform(ARCH, seed), null, Adam.kerasDefaults());
    Files.deleteIfExists(dir.resolve("checkpoint"));
  }

  @Test
  void theOneCheckpointIsFoundWhateverItsPrefix() throws Exception {
    saveWithoutStateFile("w1", 7);
    assertEquals(dir.resolve("w1").toAbsolutePath().normalize(), CheckpointIndex.resolvePrefix(dir));
    ModelWeights loaded = WeightsCheckpoint.load(dir, ARCH).weights();
    assertEquals(0.0, ModelWeights.glorotUniform(ARCH, 7).maxAbsDifference(loaded));

    Cli.Outcome inspect = Cli.run("inspect", dir.toString());
    assertEquals(0, inspect.exitCode(), inspect.err());
    assertTrue(inspect.out().contains("dense") || inspect.out().contains("kernel"), inspect.out());
  }

  @Test
  void severalAreListedByName() throws Exception {
    saveWithoutStateFile("w1", 1);
    saveWithoutStateFile("best", 2);
    TfjMnistException e = assertThrows(TfjMnistException.class, () -> CheckpointIndex.resolvePrefix(dir));
    assertEquals("Directory " + dir.toAbsolutePath().normalize() + " holds 2 checkpoints (best, w1) and no"
        + " checkpoint state file naming the latest: give one as a prefix, such as "
        + dir.toAbsolutePath().normalize().resolve("best") + ".", e.getMessage());

    Cli.Outcome inspect = Cli.run("inspect", dir.toString());
    assertEquals(1, inspect.exitCode());
    assertTrue(inspect.errLines().get(0).contains("holds 2 checkpoints (best, w1)"), inspect.err());
  }

  @Test
  void anEmptyFolderSaysSoTruthfully() {
    TfjMnistException e = assertThrows(TfjMnistException.class, () -> CheckpointIndex.resolvePrefix(dir));
    assertTrue(e.getMessage().contains("holds no checkpoint (no .index file)"), e.getMessage());
  }
}
