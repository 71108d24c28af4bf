package io.tfjmnist.training;

import io.tfjmnist.checkpoint.CheckpointIndex;
import io.tfjmnist.keras.WeightsCheckpoint;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.model.WeightSpec;
import io.tfjmnist.model.layers.Activation;
import io.tfjmnist.model.layers.Dense;
import io.tfjmnist.model.layers.Flatten;
import io.tfjmnist.optimizers.Adam;
import io.tfjmnist.training.EpochLogs;
import io.tfjmnist.optimizers.OptimizerState;
import io.tfjmnist.training.TrainingConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Numbered checkpoints, the state file written last, and recovery from every kind of interrupted save. */
class CheckpointManagerTest {
  /** A small model so that each save is a few kilobytes: Flatten -> Dense(10, softmax). */
  private static final ModelArchitecture ARCH = tiny();
  private static final TrainingConfig CONFIG = TrainingConfig.quickstartDefaults();
  private static final int STEPS = 1875;

  @TempDir
  Path dir;

  private static ModelArchitecture tiny() {
    long[] input = {28, 28, 1};
    Flatten f = new Flatten("flatten", input);
    return new ModelArchitecture("Tiny", input, List.of(f, new Dense("d", 10, Activation.SOFTMAX, f.outputShape()[0])));
  }

  private static ModelWeights weights(int k) {
    return ModelWeights.glorotUniform(ARCH, k);
  }

  private static OptimizerState state(int k) {
    Map<String, float[]> m = new LinkedHashMap<>();
    Map<String, float[]> v = new LinkedHashMap<>();
    for (WeightSpec s : ARCH.weights()) {
      float[] a = new float[(int) s.size()];
      java.util.Arrays.fill(a, k);
      m.put(s.path(), a);
      v.put(s.path(), a);
    }
    return new OptimizerState((long) k * STEPS, m, v);
  }

  private static TrainingProgress progress(int epochs) {
    List<EpochLogs> history = new ArrayList<>();
    for (int e = 1; e <= epochs; e++) {
      history.add(new EpochLogs(e, 1f / e, 0.9f, 0.1f / e, 0.95f, STEPS, 1000, 10));
    }
    return TrainingProgress.atEpochEnd(CONFIG, "mnist", epochs, STEPS, history);
  }

  /** Saves checkpoints for epochs 1..n. */
  private CheckpointManager saveEpochs(int n) {
    CheckpointManager m = new CheckpointManager(dir);
    for (int k = 1; k <= n; k++) {
      m.save(weights(k), state(k), Adam.kerasDefaults(), progress(k));
    }
    return m;
  }

  private List<String> files() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private List<String> stateLines(String key) throws Exception {
    return Files.readAllLines(dir.resolve("checkpoint")).stream().filter(l -> l.startsWith(key + ":")).toList();
  }

  @Test
  void keepsTheLastThreeAndListsThemInTheStateFile() throws Exception {
    CheckpointManager m = saveEpochs(5);
    assertEquals(List.of("checkpoint",
        "ckpt-3.data-00000-of-00001", "ckpt-3.index", "ckpt-3.json",
        "ckpt-4.data-00000-of-00001", "ckpt-4.index", "ckpt-4.json",
        "ckpt-5.data-00000-of-00001", "ckpt-5.index", "ckpt-5.json"), files(), "nothing else, no temporaries");
    assertEquals(List.of("model_checkpoint_path: \"ckpt-5\""), stateLines("model_checkpoint_path"));
    assertEquals(List.of("all_model_checkpoint_paths: \"ckpt-3\"", "all_model_checkpoint_paths: \"ckpt-4\"",
        "all_model_checkpoint_paths: \"ckpt-5\""), stateLines("all_model_checkpoint_paths"));
    assertEquals(3, stateLines("all_model_checkpoint_timestamps").size());
    assertEquals(List.of(dir.resolve("ckpt-3"), dir.resolve("ckpt-4"), dir.resolve("ckpt-5")),
        m.checkpoints().stream().map(p -> p.toAbsolutePath()).toList());
    // What Python's tf.train.latest_checkpoint(dir) and this project's readers resolve.
    assertEquals(dir.resolve("ckpt-5").toAbsolutePath().normalize(), CheckpointIndex.resolvePrefix(dir));

    CheckpointManager.Checkpoint latest = m.latest().orElseThrow();
    assertEquals(dir.resolve("ckpt-5").toAbsolutePath().normalize(), latest.prefix());
    assertEquals(5, latest.progress().completedEpochs());
    assertEquals(5L * STEPS, latest.progress().globalStep());
    assertEquals(5, latest.progress().history().size());

    CheckpointManager.Restored r = m.restoreLatest(ARCH).orElseThrow();
    assertEquals(0.0, r.weights().maxAbsDifference(weights(5)));
    assertEquals(5L * STEPS, r.optimizerState().iterations());
    assertArrayEquals(state(5).m("d/kernel"), r.optimizerState().m("d/kernel"));
  }

  @Test
  void aNewManagerContinuesTheNumbering() throws Exception {
    saveEpochs(2);
    Path p = new CheckpointManager(dir).save(weights(3), state(3), Adam.kerasDefaults(), progress(3));
    assertEquals("ckpt-3", p.getFileName().toString());
    assertEquals(List.of("all_model_checkpoint_paths: \"ckpt-1\"", "all_model_checkpoint_paths: \"ckpt-2\"",
        "all_model_checkpoint_paths: \"ckpt-3\""), stateLines("all_model_checkpoint_paths"));
  }

  @Test
  void crashBeforeTheSidecarLeavesThePreviousCheckpointLatest() throws Exception {
    CheckpointManager m = saveEpochs(2);
    // A save of ckpt-3 that died after its bundle: no sidecar, state file untouched.
    WeightsCheckpoint.save(dir.resolve("staging").resolve("ckpt-3"), weights(3), state(3), Adam.kerasDefaults());
    Files.move(dir.resolve("staging/ckpt-3.data-00000-of-00001"), dir.resolve("ckpt-3.data-00000-of-00001"));
    Files.move(dir.resolve("staging/ckpt-3.index"), dir.resolve("ckpt-3.index"));
    Files.createDirectories(dir.resolve(".ckpt-3.staging-1-2"));
    // A temporary of a writer that is gone (a process that has ended): a live writer's would be kept.
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Files.writeString(dir.resolve(".ckpt-3.json.tmp-" + gone.pid() + "-2"), "{");
    Files.writeString(dir.resolve(".ckpt-3.json.tmp-" + ProcessHandle.current().pid() + "-2"), "{");
    deleteTree(dir.resolve("staging"));

    assertEquals(2, m.latest().orElseThrow().progress().completedEpochs());
    assertEquals(0.0, m.restoreLatest(ARCH).orElseThrow().weights().maxAbsDifference(weights(2)));

    // The next save takes a fresh number and clears the debris.
    Path p = m.save(weights(4), state(4), Adam.kerasDefaults(), progress(3));
    assertEquals("ckpt-4", p.getFileName().toString());
    assertEquals(List.of(".ckpt-3.json.tmp-" + ProcessHandle.current().pid() + "-2"),
        files().stream().filter(f -> f.startsWith("ckpt-3") || f.startsWith(".")).toList(),
        "the debris is cleared, except a live writer's temporary");
    assertEquals(List.of("all_model_checkpoint_paths: \"ckpt-1\"", "all_model_checkpoint_paths: \"ckpt-2\"",
        "all_model_checkpoint_paths: \"ckpt-4\""), stateLines("all_model_checkpoint_paths"));
  }

  @Test
  void aTruncatedNewestIndexFallsBackToThePreviousListedCheckpoint() throws Exception {
    CheckpointManager m = saveEpochs(3);
    Path index = dir.resolve("ckpt-3.index");
    byte[] bytes = Files.readAllBytes(index);
    Files.write(index, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertEquals(2, m.latest().orElseThrow().progress().completedEpochs());
    assertEquals(0.0, m.restoreLatest(ARCH).orElseThrow().weights().maxAbsDifference(weights(2)));
  }

  @Test
  void aTruncatedDataFileOrMissingSidecarAlsoFallsBack() throws Exception {
    CheckpointManager m = saveEpochs(3);
    Path data = dir.resolve("ckpt-3.data-00000-of-00001");
    Files.write(data, java.util.Arrays.copyOf(Files.readAllBytes(data), 100));
    Files.delete(dir.resolve("ckpt-2.json"));
    assertEquals(1, m.latest().orElseThrow().progress().completedEpochs());
  }

  @Test
  void aFlippedDataByteIsCaughtWhenRestoring() throws Exception {
    CheckpointManager m = saveEpochs(2);
    Path data = dir.resolve("ckpt-2.data-00000-of-00001");
    byte[] bytes = Files.readAllBytes(data);
    bytes[bytes.length / 2] ^= 0x40;
    Files.write(data, bytes);
    assertEquals(2, m.latest().orElseThrow().progress().completedEpochs(), "sizes are intact");
    CheckpointManager.Restored r = m.restoreLatest(ARCH).orElseThrow();
    assertEquals("ckpt-1", r.prefix().getFileName().toString(), "the checksum failure falls back");
    assertEquals(1, r.progress().completedEpochs());
  }

  @Test
  void nothingUsableIsAClearError() throws Exception {
    CheckpointManager m = saveEpochs(1);
    Files.delete(dir.resolve("ckpt-1.index"));
    TfjMnistException e = assertThrows(TfjMnistException.class, m::latest);
    assertTrue(e.getMessage().startsWith("No usable checkpoint in " + dir.toAbsolutePath().normalize() + ": "), e.getMessage());
    assertTrue(e.getMessage().endsWith("."), e.getMessage());
  }

  @Test
  void anEmptyOrMissingFolderHasNoCheckpoint() {
    assertEquals(Optional.empty(), new CheckpointManager(dir).latest());
    assertEquals(Optional.empty(), new CheckpointManager(dir.resolve("nope")).restoreLatest(ARCH));
    assertEquals(List.of(), new CheckpointManager(dir.resolve("nope")).checkpoints());
  }

  @Test
  void withoutAStateFileACompleteBundleIsStillFound() throws Exception {
    CheckpointManager m = saveEpochs(1);
    Files.delete(dir.resolve("checkpoint")); // the first save died just before its state file
    assertEquals(1, m.latest().orElseThrow().progress().completedEpochs());
  }

  @Test
  void aBrokenStateFileIsRebuiltFromTheCheckpointsOnDiskAndTheNextSaveKeepsThem() throws Exception {
    byte[][] broken = {new byte[0], "garbage\n\u0000not a proto".getBytes(java.nio.charset.StandardCharsets.UTF_8),
        {(byte) 0xff, (byte) 0xfe, 'x'}, "model_checkpoint_path: \"ckpt-9\"\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)};
    for (byte[] bytes : broken) {
      try (Stream<Path> s = Files.list(dir)) {
        for (Path p : s.toList()) {
          Files.delete(p);
        }
      }
      saveEpochs(2);
      Files.write(dir.resolve("checkpoint"), bytes);
      List<String> notices = new ArrayList<>();
      io.tfjmnist.files.Notices.listen(notices::add);
      try {
        CheckpointManager m = new CheckpointManager(dir);
        assertEquals(2, m.restoreLatest(ARCH).orElseThrow().progress().completedEpochs());
        assertEquals(1, notices.size(), notices.toString());
        assertTrue(notices.get(0).contains("rebuilt it from the checkpoints on disk, keeping ckpt-1, ckpt-2"), notices.get(0));
        m.save(weights(3), state(3), Adam.kerasDefaults(), progress(3));
        assertEquals(List.of("all_model_checkpoint_paths: \"ckpt-1\"", "all_model_checkpoint_paths: \"ckpt-2\"",
            "all_model_checkpoint_paths: \"ckpt-3\""), stateLines("all_model_checkpoint_paths"),
            "no earlier checkpoint deleted for want of a listing");
        assertTrue(Files.exists(dir.resolve("ckpt-1.index")) && Files.exists(dir.resolve("ckpt-2.index")));
      } finally {
        io.tfjmnist.files.Notices.listen(null);
      }
    }
  }

  @Test
  void aRebuiltStateKeepsTheNewestMaxToKeep() throws Exception {
    CheckpointManager m = new CheckpointManager(dir, 5);
    for (int k = 1; k <= 5; k++) {
      m.save(weights(k), state(k), Adam.kerasDefaults(), progress(k));
    }
    Files.write(dir.resolve("checkpoint"), new byte[0]);
    assertEquals(List.of(dir.resolve("ckpt-3"), dir.resolve("ckpt-4"), dir.resolve("ckpt-5")),
        new CheckpointManager(dir, 3).checkpoints().stream().map(p -> p.toAbsolutePath()).toList());
  }

  @Test
  void progressRoundTripsThroughJson() throws Exception {
    List<EpochLogs> history = List.of(new EpochLogs(1, 0.13f, 0.96f, Float.NaN, Float.NaN, 1875, 5, 0));
    TrainingProgress p = TrainingProgress.midEpoch(CONFIG.withBatchSize(64), "fashion_mnist", 1, 700, 938,
        12.5f, 700f, 43000f, 44800f, history);
    TrainingProgress back = TrainingProgress.fromJson(p.toJson(), "test");
    assertEquals(p, back);
    assertEquals(938L + 700, back.globalStep());
    String json = p.toJsonString();
    for (String key : List.of("completedEpochs", "stepInEpoch", "globalStep", "seed", "shuffleBuffer", "batchSize",
        "lossTotal", "lossCount", "correct", "count", "history", "dataset", "created")) {
      assertTrue(json.contains("\"" + key + "\""), key);
    }
    assertTrue(Pattern.compile("\"created\" : \"\\d{4}-\\d\\d-\\d\\dT").matcher(json).find(), json);
    assertEquals(null, p.incompatibility(CONFIG.withBatchSize(64), "fashion_mnist"));
    assertTrue(p.incompatibility(CONFIG, "fashion_mnist").contains("batch size 64"));
    assertThrows(TfjMnistException.class, () -> TrainingProgress.fromJson("{\"completedEpochs\": -1}".getBytes(), "x.json"));
    assertThrows(TfjMnistException.class, () -> TrainingProgress.fromJson("not json".getBytes(), "x.json"));
  }

  private static void deleteTree(Path p) throws Exception {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }
}
