package io.tfjmnist.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.TfjMnistException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.BundleHeaderProto;
import org.tensorflow.proto.DataType;

class CheckpointIndexTest {

  private static final String VAR = "/.ATTRIBUTES/VARIABLE_VALUE";

  private static void assertEntry(CheckpointIndex idx, String key, DataType dtype, long... shape) {
    CheckpointIndex.Entry e = idx.entry(key);
    assertEquals(dtype, e.dtype(), key);
    assertArrayEquals(shape, e.shape(), key + " has shape " + e.shapeString());
  }

  @Test
  void subclassedMlpIndex() {
    CheckpointIndex idx = CheckpointIndex.open(CheckpointFixtures.subclassedMlp());
    assertEquals(2, idx.numShards());
    assertEquals(BundleHeaderProto.Endianness.LITTLE, idx.header().getEndianness());
    assertEquals(1, idx.header().getVersion().getProducer());
    assertEquals(18, idx.entries().size());
    assertEntry(idx, "dense_1/kernel" + VAR, DataType.DT_FLOAT, 784, 64);
    assertEntry(idx, "dense_1/bias" + VAR, DataType.DT_FLOAT, 64);
    assertEntry(idx, "dense_2/kernel" + VAR, DataType.DT_FLOAT, 64, 64);
    assertEntry(idx, "pred_layer/kernel" + VAR, DataType.DT_FLOAT, 64, 10);
    assertEntry(idx, "pred_layer/bias" + VAR, DataType.DT_FLOAT, 10);
    assertEntry(idx, "dense_1/kernel/.OPTIMIZER_SLOT/optimizer/rms" + VAR, DataType.DT_FLOAT, 784, 64);
    assertEntry(idx, "optimizer/iter" + VAR, DataType.DT_INT64);
    assertEntry(idx, "optimizer/rho" + VAR, DataType.DT_FLOAT);
    assertEntry(idx, CheckpointIndex.OBJECT_GRAPH_KEY, DataType.DT_STRING);
    // Both shards are used and every entry lies inside its shard.
    assertEquals(2, idx.entries().stream().mapToInt(CheckpointIndex.Entry::shardId).distinct().count());
    for (CheckpointIndex.Entry e : idx.entries()) {
      assertTrue(e.offset() + e.size() <= idx.dataFile(e.shardId()).toFile().length(), e.key());
    }
    // Keys come sorted, as the table stores them.
    List<String> sorted = new ArrayList<>(idx.keys());
    sorted.sort(null);
    assertEquals(sorted, idx.keys());
  }

  @Test
  void sequentialAdamIndex() {
    CheckpointIndex idx = CheckpointIndex.open(CheckpointFixtures.sequentialAdam());
    assertEquals(1, idx.numShards());
    assertEntry(idx, "layer_with_weights-0/kernel" + VAR, DataType.DT_FLOAT, 784, 32);
    assertEntry(idx, "layer_with_weights-0/bias" + VAR, DataType.DT_FLOAT, 32);
    assertEntry(idx, "layer_with_weights-1/kernel" + VAR, DataType.DT_FLOAT, 32, 32);
    assertEntry(idx, "layer_with_weights-2/kernel" + VAR, DataType.DT_FLOAT, 32, 32);
    assertEntry(idx, "layer_with_weights-3/kernel" + VAR, DataType.DT_FLOAT, 32, 10);
    assertEntry(idx, "layer_with_weights-3/bias/.OPTIMIZER_SLOT/optimizer/v" + VAR, DataType.DT_FLOAT, 10);
    assertEntry(idx, "optimizer/iter" + VAR, DataType.DT_INT64);
    assertEntry(idx, "optimizer/beta_1" + VAR, DataType.DT_FLOAT);
    assertEntry(idx, "optimizer/learning_rate" + VAR, DataType.DT_FLOAT);
    assertEquals(30, idx.entries().size());
  }

  @Test
  void savedModelVariablesIndexes() {
    CheckpointIndex cnn = CheckpointIndex.open(CheckpointFixtures.cnnMaxpoolVariables());
    assertEntry(cnn, "layer_with_weights-0/kernel" + VAR, DataType.DT_FLOAT, 3, 3, 1, 32);
    assertEntry(cnn, "layer_with_weights-1/kernel" + VAR, DataType.DT_FLOAT, 5408, 10);
    assertEntry(cnn, "optimizer/_iterations" + VAR, DataType.DT_INT64);
    assertEntry(cnn, "optimizer/_variables/1" + VAR, DataType.DT_FLOAT, 3, 3, 1, 32);

    CheckpointIndex mlp = CheckpointIndex.open(CheckpointFixtures.mlp128Variables());
    assertEquals(2, mlp.numShards());
    assertEntry(mlp, "layer_with_weights-0/kernel" + VAR, DataType.DT_FLOAT, 784, 128);
    assertEntry(mlp, "layer_with_weights-1/kernel" + VAR, DataType.DT_FLOAT, 128, 10);
    assertEntry(mlp, "keras_api/metrics/0/total" + VAR, DataType.DT_FLOAT);

    // TF1 SavedModelBuilder: name-based keys (the graph's variable names), no object graph.
    CheckpointIndex tf1 = CheckpointIndex.open(CheckpointFixtures.tf1SoftmaxVariables());
    assertEquals(List.of("Variable", "Variable_1"), tf1.keys());
    assertEntry(tf1, "Variable", DataType.DT_FLOAT, 784, 10);
    assertEntry(tf1, "Variable_1", DataType.DT_FLOAT, 10);
    assertFalse(tf1.contains(CheckpointIndex.OBJECT_GRAPH_KEY));
  }

  @Test
  void describeListsKeyDtypeShape() {
    List<String> lines = CheckpointIndex.open(CheckpointFixtures.subclassedMlp()).describe();
    assertTrue(lines.contains("dense_1/kernel/.ATTRIBUTES/VARIABLE_VALUE float32 [784,64]"), lines.toString());
    assertTrue(lines.contains("optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE int64 []"), lines.toString());
    assertTrue(lines.contains("_CHECKPOINTABLE_OBJECT_GRAPH string []"), lines.toString());
    assertEquals(List.of("Variable float32 [784,10]", "Variable_1 float32 [10]"),
        CheckpointIndex.open(CheckpointFixtures.tf1SoftmaxVariables()).describe());
  }

  @Test
  void acceptsEverySpellingOfTheCheckpoint() {
    Path prefix = CheckpointFixtures.subclassedMlp();
    Path dir = prefix.getParent();
    List<Path> spellings = List.of(
        prefix,
        dir.resolve("path_to_my_weights.index"),
        dir.resolve("path_to_my_weights.data-00001-of-00002"),
        dir); // via its `checkpoint` state file
    for (Path p : spellings) {
      assertEquals(prefix, CheckpointIndex.open(p).prefix(), p.toString());
    }
    Path savedModel = CheckpointFixtures.dir().resolve("savedmodels/keras-cnn-maxpool-tf2.11");
    assertEquals(CheckpointFixtures.cnnMaxpoolVariables(), CheckpointIndex.open(savedModel).prefix());
  }

  // ---------------------------------------------------------------------------------------------
  // Broken inputs.

  /** Copies the subclassed fixture (index and both shards) into {@code dir}; returns the prefix. */
  static Path copyFixture(Path prefix, Path dir) throws IOException {
    String name = prefix.getFileName().toString();
    try (Stream<Path> files = Files.list(prefix.getParent())) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (f.getFileName().toString().startsWith(name + ".")) {
          Files.copy(f, dir.resolve(f.getFileName()));
        }
      }
    }
    return dir.resolve(name);
  }

  private static TfjMnistException failsToOpen(Path p) {
    TfjMnistException e = assertThrows(TfjMnistException.class, () -> CheckpointIndex.open(p));
    System.out.println("expected error: " + e.getMessage());
    assertTrue(e.getMessage().endsWith("."), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    return e;
  }

  @Test
  void missingIndex(@TempDir Path tmp) {
    TfjMnistException e = failsToOpen(tmp.resolve("mnist"));
    assertTrue(e.getMessage().contains("No checkpoint index found at " + tmp.resolve("mnist.index")),
        e.getMessage());
  }

  @Test
  void directoryWithoutCheckpoint(@TempDir Path tmp) {
    TfjMnistException e = failsToOpen(tmp);
    assertTrue(e.getMessage().contains(tmp.toString()) && e.getMessage().contains("holds no checkpoint"),
        e.getMessage());
  }

  @Test
  void missingDataShard(@TempDir Path tmp) throws IOException {
    Path prefix = copyFixture(CheckpointFixtures.subclassedMlp(), tmp);
    Files.delete(tmp.resolve("path_to_my_weights.data-00001-of-00002"));
    TfjMnistException e = failsToOpen(prefix);
    assertTrue(e.getMessage().contains("missing its data shard path_to_my_weights.data-00001-of-00002"),
        e.getMessage());
  }

  @Test
  void truncatedIndex(@TempDir Path tmp) throws IOException {
    Path prefix = copyFixture(CheckpointFixtures.subclassedMlp(), tmp);
    Path index = CheckpointIndex.indexPath(prefix);
    byte[] bytes = Files.readAllBytes(index);
    Files.write(index, Arrays.copyOf(bytes, bytes.length - 100));
    TfjMnistException e = failsToOpen(prefix);
    assertTrue(e.getMessage().contains(index.toString()) && e.getMessage().contains("truncated"),
        e.getMessage());

    Files.write(index, Arrays.copyOf(bytes, 20));
    e = failsToOpen(index);
    assertTrue(e.getMessage().contains(index.toString()) && e.getMessage().contains("20 bytes"),
        e.getMessage());

    Files.write(index, new byte[0]);
    failsToOpen(index);
  }

  @Test
  void flippedByteFailsBlockChecksum(@TempDir Path tmp) throws IOException {
    Path prefix = copyFixture(CheckpointFixtures.subclassedMlp(), tmp);
    Path index = CheckpointIndex.indexPath(prefix);
    byte[] bytes = Files.readAllBytes(index);
    bytes[40] ^= 0x01; // inside the first data block
    Files.write(index, bytes);
    TfjMnistException e = failsToOpen(prefix);
    assertTrue(e.getMessage().contains(index.toString()) && e.getMessage().contains("checksum"),
        e.getMessage());
  }

  @Test
  void badMagic(@TempDir Path tmp) throws IOException {
    Path prefix = copyFixture(CheckpointFixtures.subclassedMlp(), tmp);
    Path index = CheckpointIndex.indexPath(prefix);
    byte[] bytes = Files.readAllBytes(index);
    bytes[bytes.length - 1] ^= 0x40;
    Files.write(index, bytes);
    TfjMnistException e = failsToOpen(prefix);
    assertTrue(e.getMessage().contains("magic"), e.getMessage());
  }

  @Test
  void notACheckpoint(@TempDir Path tmp) throws IOException {
    Path index = tmp.resolve("notes.index");
    Files.writeString(index, "This is a text file, not a TensorFlow checkpoint index at all.\n".repeat(3),
        StandardCharsets.UTF_8);
    TfjMnistException e = failsToOpen(index);
    assertTrue(e.getMessage().contains(index.toString()) && e.getMessage().contains("not a checkpoint index"),
        e.getMessage());
  }

  @Test
  void unknownKeyIsNamed() {
    CheckpointIndex idx = CheckpointIndex.open(CheckpointFixtures.tf1SoftmaxVariables());
    TfjMnistException e = assertThrows(TfjMnistException.class, () -> idx.entry("W"));
    assertTrue(e.getMessage().contains("no tensor named \"W\""), e.getMessage());
  }

  @Test
  void crc32cMaskRoundTrips() {
    byte[] data = "123456789".getBytes(StandardCharsets.US_ASCII);
    assertEquals(0xe3069283, Crc32c.value(data, 0, data.length)); // the CRC-32C check value
    for (int v : new int[] {0, 1, -1, 0xe3069283, 0x12345678}) {
      assertEquals(v, Crc32c.unmask(Crc32c.mask(v)));
    }
  }
}
