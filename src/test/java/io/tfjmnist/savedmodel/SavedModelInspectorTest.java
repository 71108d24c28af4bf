package io.tfjmnist.savedmodel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.checkpoint.CheckpointIndex;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.DataType;

class SavedModelInspectorTest {

  private static long[] shapeOf(SavedModelInfo info, String key) {
    return info.variable(key).orElseThrow(() -> new AssertionError("no variable " + key)).shape();
  }

  @Test
  void kerasCnnMaxpool() {
    SavedModelInfo info = SavedModelInspector.inspectSavedModel(Fixtures.cnnMaxpool());
    MetaGraphInfo mg = info.serving();
    assertEquals(List.of("serve"), mg.tags());
    assertEquals("2.11.0", mg.tensorflowVersion());
    assertEquals(List.of("__saved_model_init_op", "serving_default"), mg.signatureKeys());
    SignatureInfo sig = mg.signature("serving_default").orElseThrow();
    assertEquals("tensorflow/serving/predict", sig.methodName());
    TensorSpecInfo in = sig.input("conv2d_1_input").orElseThrow();
    assertEquals(DataType.DT_FLOAT, in.dtype());
    assertArrayEquals(new long[] {-1, 28, 28, 1}, in.shape());
    assertEquals("serving_default_conv2d_1_input:0", in.tensorName());
    TensorSpecInfo out = sig.output("dense_1").orElseThrow();
    assertArrayEquals(new long[] {-1, 10}, out.shape());
    assertEquals("StatefulPartitionedCall:0", out.tensorName());

    assertEquals(1, info.variableShards());
    assertArrayEquals(new long[] {3, 3, 1, 32}, shapeOf(info, "layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE"));
    assertArrayEquals(new long[] {5408, 10}, shapeOf(info, "layer_with_weights-1/kernel/.ATTRIBUTES/VARIABLE_VALUE"));
    assertArrayEquals(new long[] {5408, 10}, shapeOf(info, "optimizer/_variables/5/.ATTRIBUTES/VARIABLE_VALUE"));
    assertTrue(info.variable(CheckpointIndex.OBJECT_GRAPH_KEY).isEmpty());

    List<String> lines = info.describe();
    String text = String.join("\n", lines);
    assertTrue(text.contains("MetaGraphDef with tag-set: 'serve' written by TensorFlow 2.11.0"), text);
    assertTrue(text.contains("signature_def['serving_default']:"), text);
    assertTrue(text.contains("    inputs['conv2d_1_input'] tensor_info:\n        dtype: DT_FLOAT\n"
        + "        shape: (-1, 28, 28, 1)\n        name: serving_default_conv2d_1_input:0"), text);
    assertTrue(text.contains("  Method name is: tensorflow/serving/predict"), text);
    assertTrue(text.contains("layer_with_weights-1/kernel/.ATTRIBUTES/VARIABLE_VALUE float32 [5408,10]"), text);
    assertFalse(text.contains("Conv2D"), "the Keras model is Keras's to list: " + text);
  }

  @Test
  void kerasMlp128WithTwoShardsAndObjectGraphMetadata() {
    SavedModelInfo info = SavedModelInspector.inspectSavedModel(Fixtures.mlp128());
    MetaGraphInfo mg = info.serving();
    assertEquals("2.2.0", mg.tensorflowVersion());
    SignatureInfo sig = mg.signature("serving_default").orElseThrow();
    assertArrayEquals(new long[] {-1, 28, 28, 1}, sig.input("flatten_input").orElseThrow().shape());
    assertArrayEquals(new long[] {-1, 10}, sig.output("dense_1").orElseThrow().shape());
    assertEquals(2, info.variableShards());
    assertArrayEquals(new long[] {784, 128}, shapeOf(info, "layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE"));
    assertArrayEquals(new long[] {128, 10},
        shapeOf(info, "layer_with_weights-1/kernel/.OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/VARIABLE_VALUE"));
  }

  @Test
  void tf1SoftmaxRegression() {
    SavedModelInfo info = SavedModelInspector.inspectSavedModel(Fixtures.tf1Softmax());
    MetaGraphInfo mg = info.serving();
    assertEquals("1.0.0", mg.tensorflowVersion());
    assertEquals(0, mg.savedObjects());
    assertEquals(List.of("predict_images", "serving_default"), mg.signatureKeys());
    SignatureInfo classify = mg.signature("serving_default").orElseThrow();
    assertEquals("tensorflow/serving/classify", classify.methodName());
    TensorSpecInfo in = classify.input("inputs").orElseThrow();
    assertEquals(DataType.DT_STRING, in.dtype());
    assertNull(in.shape());
    assertEquals("unknown_rank", in.shapeString());
    assertEquals("tf_example:0", in.tensorName());
    assertEquals(DataType.DT_STRING, classify.output("classes").orElseThrow().dtype());
    assertEquals("TopKV2:0", classify.output("scores").orElseThrow().tensorName());
    SignatureInfo predict = mg.signature("predict_images").orElseThrow();
    assertArrayEquals(new long[] {-1, 784}, predict.input("images").orElseThrow().shape());
    assertEquals("y:0", predict.output("scores").orElseThrow().tensorName());
    assertArrayEquals(new long[] {784, 10}, shapeOf(info, "Variable"));
    assertArrayEquals(new long[] {10}, shapeOf(info, "Variable_1"));
    assertTrue(String.join("\n", info.describe()).contains("shape: unknown_rank"));
  }

  @Test
  void notASavedModel(@TempDir Path tmp) {
    TfjMnistException e = assertThrows(TfjMnistException.class, () -> SavedModelInspector.inspectSavedModel(tmp));
    assertTrue(e.getMessage().contains("saved_model.pb"), e.getMessage());
    assertFalse(e.getMessage().isBlank());
  }
}
