package io.tfjmnist.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code checkpoint} state file as TF's {@code update_checkpoint_state} and Keras write it. */
class CheckpointStateTest {
  @TempDir
  Path dir;

  @Test
  void readsWhatPythonWrites() {
    CheckpointState s = CheckpointState.parse(List.of(
        "model_checkpoint_path: \"ckpt-3\"",
        "all_model_checkpoint_paths: \"ckpt-2\"",
        "all_model_checkpoint_paths: \"ckpt-3\"",
        "all_model_checkpoint_timestamps: 1700000000.5",
        "all_model_checkpoint_timestamps: 1700000060.25",
        "last_preserved_timestamp: 1699999999.0"));
    assertEquals("ckpt-3", s.latest());
    assertEquals(List.of(new CheckpointState.Entry("ckpt-2", 1700000000.5), new CheckpointState.Entry("ckpt-3", 1700000060.25)),
        s.entries());
    assertEquals(dir.resolve("ckpt-3"), s.latestPrefix(dir));
    assertEquals(Path.of("/abs/mnist"), CheckpointState.resolve(dir, "/abs/mnist"));
  }

  @Test
  void roundTripsWithAndWithoutTimestamps() {
    CheckpointState keras = new CheckpointState("mnist", List.of(new CheckpointState.Entry("mnist", Double.NaN)));
    assertEquals("model_checkpoint_path: \"mnist\"\nall_model_checkpoint_paths: \"mnist\"\n", keras.toText());
    keras.write(dir);
    assertEquals(keras.toText().strip(), read().toText().strip());

    CheckpointState managed = new CheckpointState("a \"q\"", List.of(new CheckpointState.Entry("a \"q\"", 12.5)));
    managed.write(dir);
    assertEquals(managed, read());
  }

  @Test
  void noFileMeansEmpty() {
    CheckpointState s = CheckpointState.read(dir);
    assertNull(s.latest());
    assertEquals(List.of(), s.entries());
    assertEquals(false, Files.exists(dir.resolve(CheckpointState.FILE_NAME)));
  }

  private CheckpointState read() {
    return CheckpointState.read(dir);
  }
}
