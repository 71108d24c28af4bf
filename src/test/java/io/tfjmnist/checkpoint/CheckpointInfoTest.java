package io.tfjmnist.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.DataType;

/** What {@code inspect} lists of a TF checkpoint: its tensors and its object graph. */
class CheckpointInfoTest {

  @Test
  void subclassedCheckpoint() {
    CheckpointInfo info = CheckpointInfo.inspect(CheckpointFixtures.subclassedMlp());
    assertEquals(2, info.shards());
    assertArrayEquals(new long[] {784, 64}, info.tensor("dense_1/kernel/.ATTRIBUTES/VARIABLE_VALUE").orElseThrow().shape());
    assertEquals(DataType.DT_INT64, info.tensor("optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE").orElseThrow().dtype());
    String text = String.join("\n", info.describe());
    assertTrue(text.contains("pred_layer/kernel/.OPTIMIZER_SLOT/optimizer/rms/.ATTRIBUTES/VARIABLE_VALUE float32 [64,10]"), text);
    assertTrue(text.contains("VARIABLE_VALUE: pred_layer/kernel/.ATTRIBUTES/VARIABLE_VALUE (3_layer_mlp_1/predictions/kernel)"),
        text);
    assertTrue(text.contains("slot rms of #5 dense_1/kernel: #16"), text);
  }

  @Test
  void sequentialCheckpointListsEveryAliasOfANode() {
    String text = String.join("\n", CheckpointInfo.inspect(CheckpointFixtures.sequentialAdam()).describe());
    assertTrue(text.contains("layer_with_weights-3/kernel/.ATTRIBUTES/VARIABLE_VALUE float32 [32,10]"), text);
    assertTrue(text.contains("  #2 layer_with_weights-0\n      also: layer-1"), text);
  }

  /** A SavedModel's variables are a checkpoint too; TF1's is name-based. */
  @Test
  void nameBasedCheckpointHasNoObjectGraph() {
    CheckpointInfo vars = CheckpointInfo.inspect(io.tfjmnist.savedmodel.Fixtures.tf1Softmax());
    assertEquals(List.of("(no object graph: a name-based checkpoint)"), vars.objectGraph());
  }
}
