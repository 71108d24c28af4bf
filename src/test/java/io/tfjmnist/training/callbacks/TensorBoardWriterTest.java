package io.tfjmnist.training.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.checkpoint.CheckpointIndex;
import io.tfjmnist.checkpoint.Crc32c;
import io.tfjmnist.testing.TestData;
import io.tfjmnist.training.EpochLogs;
import io.tfjmnist.training.TrainingConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.GraphDef;

/** A fake two-epoch run written as TensorBoard event files and read back record by record. */
class TensorBoardWriterTest {
  @TempDir
  Path dir;

  private static final TrainingConfig CONFIG = TrainingConfig.quickstartDefaults().withEpochs(2);

  private Map<String, Map<Long, Float>> byTag(Path file) {
    Map<String, Map<Long, Float>> out = new TreeMap<>();
    for (EventFileReader.Scalar s : EventFileReader.scalars(file)) {
      out.computeIfAbsent(s.tag(), t -> new TreeMap<>()).put(s.step(), s.value());
    }
    return out;
  }

  @Test
  void writesKerasTagsAndStepsIntoTrainAndValidation() {
    Path train;
    Path validation;
    try (TensorBoardWriter tb = new TensorBoardWriter(dir.resolve("logs"))) {
      assertNull(tb.validationFile(), "validation/ appears only with test results");
      FakeRun.run(List.of(tb), CONFIG, 250, 0.25f, 0.125f);
      train = tb.trainFile();
      validation = tb.validationFile();
    }
    assertEquals(dir.resolve("logs").resolve("train"), train.getParent());
    assertEquals(dir.resolve("logs").resolve("validation"), validation.getParent());
    assertTrue(train.getFileName().toString().matches("events\\.out\\.tfevents\\.\\d{10}\\.[A-Za-z0-9._-]+\\.\\d+\\.v2"),
        train.getFileName().toString());

    List<Event> events = EventFileReader.read(train);
    assertEquals("brain.Event:2", events.get(0).getFileVersion());
    assertTrue(events.get(0).getWallTime() > 1.6e9);

    Map<String, Map<Long, Float>> t = byTag(train);
    assertEquals(List.of("batch_accuracy", "batch_loss", "epoch_accuracy", "epoch_learning_rate", "epoch_loss"),
        List.copyOf(t.keySet()));
    // Global steps 1..500, every 100th: 100, 200 of epoch 1 (steps 100, 200) and 300, 400, 500 of epoch 2.
    assertEquals(List.of(100L, 200L, 300L, 400L, 500L), List.copyOf(t.get("batch_loss").keySet()));
    assertEquals(FakeRun.batchLoss(1, 200), t.get("batch_loss").get(200L));
    assertEquals(FakeRun.batchLoss(2, 50), t.get("batch_loss").get(300L));
    assertEquals(FakeRun.batchAccuracy(2, 250), t.get("batch_accuracy").get(500L));
    EpochLogs e1 = FakeRun.logs(1, 0.25f);
    EpochLogs e2 = FakeRun.logs(2, 0.125f);
    assertEquals(Map.of(0L, e1.loss(), 1L, e2.loss()), t.get("epoch_loss"));
    assertEquals(Map.of(0L, e1.accuracy(), 1L, e2.accuracy()), t.get("epoch_accuracy"));
    assertEquals(Map.of(0L, 0.001f, 1L, 0.001f), t.get("epoch_learning_rate"));

    Map<String, Map<Long, Float>> v = byTag(validation);
    assertEquals(Map.of(0L, 0.25f, 1L, 0.125f), v.get("epoch_loss"));
    assertEquals(Map.of(0L, e1.testAccuracy(), 1L, e2.testAccuracy()), v.get("epoch_accuracy"));
    assertEquals(2, v.size());
  }

  @Test
  void epochScalarsAreOnDiskBeforeClose() {
    try (TensorBoardWriter tb = new TensorBoardWriter(dir, 0)) {
      FakeRun.run(List.of(tb), CONFIG, 10, 0.5f);
      // flushed at the epoch end, still open
      assertEquals(Map.of(0L, 1f), byTag(tb.trainFile()).get("epoch_loss"));
      assertTrue(byTag(tb.trainFile()).keySet().stream().noneMatch(k -> k.startsWith("batch_")), "frequency 0: no batch scalars");
    }
  }

  @Test
  void noTestSetMeansNoValidationFolder() {
    try (TensorBoardWriter tb = new TensorBoardWriter(dir)) {
      FakeRun.run(List.of(tb), CONFIG, 3, Float.NaN);
    }
    assertTrue(Files.isDirectory(dir.resolve("train")));
    assertTrue(Files.notExists(dir.resolve("validation")));
  }

  /**
   * Event files frame each record with the masked CRC32C TF computes ({@link Crc32c}), the same
   * function TF's tensor bundles store for every tensor. TF is the oracle: every CRC it wrote into
   * Python's checkpoints must be what {@link Crc32c#masked} gives for the tensor's bytes.
   */
  @Test
  void theFramingsCrcIsTheOneTensorFlowWrites() throws Exception {
    Path prefix = TestData.fixturesDir().resolve("checkpoints/keras-sequential-adam-tf2/cp.ckpt");
    CheckpointIndex index = CheckpointIndex.open(prefix);
    int checked = 0;
    for (CheckpointIndex.Entry e : index.entries()) {
      if (e.size() == 0 || e.dtype() == org.tensorflow.proto.DataType.DT_STRING) {
        continue; // the header, and string tensors (whose CRC also covers their length prefixes)
      }
      byte[] shard = Files.readAllBytes(CheckpointIndex.dataPath(index.prefix(), e.shardId(), index.numShards()));
      assertEquals(e.crc32c(), Crc32c.masked(shard, (int) e.offset(), (int) e.size()), e.key());
      checked++;
    }
    assertTrue(checked >= 4, "tensors checked: " + checked);
  }

  @Test
  void theTrainingGraphGoesToTrainAtStepZero() {
    GraphDef graph;
    try (org.tensorflow.Graph g = new org.tensorflow.Graph()) {
      org.tensorflow.op.Ops.create(g).withName("answer").constant(42f);
      graph = g.toGraphDef();
    }
    Path file;
    try (TensorBoardWriter tb = new TensorBoardWriter(dir)) {
      tb.onGraphBuilt(graph);
      FakeRun.run(List.of(tb), CONFIG, 3, 0.5f);
      file = tb.trainFile();
    }
    List<Event> withGraph = EventFileReader.read(file).stream().filter(Event::hasGraphDef).toList();
    assertEquals(1, withGraph.size());
    assertEquals(0L, withGraph.get(0).getStep());
    assertEquals(graph, parse(withGraph.get(0).getGraphDef().toByteArray()));
  }

  private static GraphDef parse(byte[] bytes) {
    try {
      return GraphDef.parseFrom(bytes);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void twoWritersInOneSecondGetDistinctFiles() {
    try (TensorBoardWriter a = new TensorBoardWriter(dir); TensorBoardWriter b = new TensorBoardWriter(dir)) {
      assertTrue(!a.trainFile().equals(b.trainFile()));
      assertEquals(2, EventFileReader.eventFiles(dir.resolve("train")).size());
    }
    assertEquals(Set.of("brain.Event:2"), EventFileReader.eventFiles(dir.resolve("train")).stream()
        .map(f -> EventFileReader.read(f).get(0).getFileVersion()).collect(Collectors.toSet()));
  }

  @Test
  void aLogdirThatIsAFileIsRefusedWithOneSentence() throws Exception {
    Path file = Files.writeString(dir.resolve("logs"), "not a folder");
    TfjMnistException e = assertThrows(TfjMnistException.class, () -> new TensorBoardWriter(file).close());
    assertTrue(e.getMessage().startsWith("Cannot create the TensorBoard log folder " + file.toAbsolutePath()), e.getMessage());
  }

  /**
   * The writer's session is made before the training session, and TF sizes its one intra-op pool
   * from the first session a process makes: it asks for the training's threads (TF's default when
   * none), never 1, which left training a single thread; and it makes no GPU device, whose
   * allocator's options are likewise the first session's.
   */
  @Test
  void itsSessionLeavesTheProcessWidePoolsToTheTraining() {
    for (int threads : new int[] {0, 1, 3}) {
      var config = TensorBoardWriter.sessionConfig(threads);
      assertEquals(threads, config.getIntraOpParallelismThreads(), "training with --threads " + threads);
      assertTrue(config.getUsePerSessionThreads(), "its own inter-op thread, not the process's pool");
      assertEquals(0, config.getDeviceCountOrDefault("GPU", -1));
    }
  }
}
