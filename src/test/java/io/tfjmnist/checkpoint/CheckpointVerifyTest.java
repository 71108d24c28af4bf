package io.tfjmnist.checkpoint;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.keras.WeightsCheckpoint;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.optimizers.Adam;
import io.tfjmnist.testing.IndexWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.BundleEntryProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * {@link CheckpointReader#verifyAll}: what {@code inspect} checks before listing a checkpoint,
 * so that it never shows as valid an entry that restoring it ({@code eval}) would refuse.
 */
class CheckpointVerifyTest {
  static final String KERNEL = "model/d1/_kernel/.ATTRIBUTES/VARIABLE_VALUE";

  @TempDir static Path dir;
  static Path good;

  @BeforeAll
  static void save() {
    good = dir.resolve("good/mnist");
    WeightsCheckpoint.save(good, ModelWeights.glorotUniform(ModelArchitecture.quickstartCnn(), 7), null, Adam.kerasDefaults());
  }

  @Test
  void aJavaCheckpointPasses() {
    verifyAll(List.of(good));
  }

  /** Skipped with the reason without ../shared (a failure under TFJ_MNIST_REQUIRE_SHARED=1, as in CI). */
  @Test
  void pythonWrittenCheckpointsPass() {
    verifyAll(List.of(CheckpointFixtures.subclassedMlp(), CheckpointFixtures.sequentialAdam(),
        CheckpointFixtures.cnnMaxpoolVariables(), CheckpointFixtures.mlp128Variables(),
        CheckpointFixtures.tf1SoftmaxVariables()));
  }

  private static void verifyAll(List<Path> prefixes) {
    for (Path p : prefixes) {
      try (CheckpointReader r = CheckpointReader.open(p)) {
        r.verifyAll();
      }
    }
  }

  @Test
  void theTestIndexWriterReproducesAValidIndex() throws IOException {
    Path copy = rewritten("same", entries -> {});
    try (CheckpointReader r = CheckpointReader.open(copy)) {
      r.verifyAll();
    }
    WeightsCheckpoint.load(copy, ModelArchitecture.quickstartCnn());
  }

  @Test
  void anImpossibleShapeIsRefused() throws IOException {
    Path p = rewritten("huge", entries -> entries.put(KERNEL, entries.get(KERNEL).toBuilder()
        .setShape(TensorShapeProto.newBuilder()
            .addDim(TensorShapeProto.Dim.newBuilder().setSize(1099511627776L))
            .addDim(TensorShapeProto.Dim.newBuilder().setSize(1099511627776L)))
        .build()));
    assertRefused(p, "\"" + KERNEL + "\" (float32 [1099511627776,1099511627776]) has more elements than 64 bits can count");
  }

  @Test
  void bytesPastTheEndOfTheDataFileAreRefused() throws IOException {
    Path p = rewritten("offset", entries -> entries.put(KERNEL, entries.get(KERNEL).toBuilder()
        .setOffset(1L << 40).build()));
    assertRefused(p, "\"" + KERNEL + "\" (float32 [21632,128]) needs bytes [1099511627776, ");
  }

  @Test
  void aTensorTheObjectGraphNamesButTheIndexLacksIsRefused() throws IOException {
    Path p = rewritten("missing", entries -> entries.remove(KERNEL));
    assertRefused(p, "has an object graph naming tensor \"" + KERNEL + "\" that its index lacks");
  }

  @Test
  void aSizeThatDoesNotFitTheShapeIsRefused() throws IOException {
    Path p = rewritten("size", entries -> entries.put(KERNEL, entries.get(KERNEL).toBuilder().setSize(12).build()));
    assertRefused(p, "should take 11075584 bytes, but its entry says 12");
  }

  private static void assertRefused(Path prefix, String fragment) {
    TfjMnistException e = assertThrows(TfjMnistException.class, () -> {
      try (CheckpointReader r = CheckpointReader.open(prefix)) {
        r.verifyAll();
      }
    });
    assertTrue(e.getMessage().startsWith("Checkpoint " + prefix.toAbsolutePath() + " is corrupt (1 problem): "), e.getMessage());
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
    assertTrue(e.getMessage().endsWith("."), e.getMessage());
    // eval's path refuses it too.
    assertThrows(TfjMnistException.class, () -> WeightsCheckpoint.load(prefix, ModelArchitecture.quickstartCnn()));
  }

  /** A copy of the good checkpoint whose index has its entries changed by {@code edit}. */
  static Path rewritten(String name, Consumer<Map<String, BundleEntryProto>> edit) throws IOException {
    return rewrite(good, dir.resolve(name), edit);
  }

  /** Copies the checkpoint {@code prefix} into {@code into}, its index entries changed by {@code edit}. */
  public static Path rewrite(Path prefix, Path into, Consumer<Map<String, BundleEntryProto>> edit) throws IOException {
    CheckpointIndex index = CheckpointIndex.open(prefix);
    Map<String, BundleEntryProto> entries = new LinkedHashMap<>();
    index.entries().forEach(e -> entries.put(e.key(), e.proto()));
    edit.accept(entries);
    Files.createDirectories(into);
    Path copy = into.resolve(prefix.getFileName());
    Files.write(CheckpointIndex.indexPath(copy), IndexWriter.write(index.header(), entries));
    for (int shard = 0; shard < index.numShards(); shard++) {
      Files.copy(index.dataFile(shard), CheckpointIndex.dataPath(copy, shard, index.numShards()));
    }
    return copy;
  }
}
