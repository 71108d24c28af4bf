package io.tfjmnist.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.savedmodel.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Keras model of a Python-written SavedModel, as {@code inspect} lists it. */
class KerasSavedModelInfoTest {

  @Test
  void kerasMetadataFileOfTf211() {
    KerasSavedModelInfo info = KerasSavedModelInfo.inspect(Fixtures.cnnMaxpool());
    KerasModelConfig k = info.model().orElseThrow();
    assertEquals("keras_metadata.pb", info.source());
    assertEquals("Sequential", k.className());
    assertEquals(List.of("InputLayer", "Conv2D", "MaxPooling2D", "Flatten", "Dense"),
        k.layers().stream().map(KerasModelConfig.LayerConfig::className).toList());
    String text = String.join("\n", info.describe());
    assertTrue(text.contains("[from keras_metadata.pb]"), text);
    assertTrue(text.contains("Conv2D conv2d_1 (filters=32, kernel_size=[3, 3], strides=[1, 1], padding=valid, activation=relu"),
        text);
    assertTrue(text.contains("  MaxPooling2D max_pooling2d_1 (pool_size=[2, 2], strides=[2, 2], padding=valid)"), text);
    assertTrue(text.contains("  InputLayer conv2d_1_input (batch_input_shape=[None, 28, 28, 1])"), text);
    assertEquals(List.of(), info.notes());
  }

  @Test
  void objectGraphMetadataOfTf22() {
    KerasSavedModelInfo info = KerasSavedModelInfo.inspect(Fixtures.mlp128());
    assertEquals("saved_model.pb object graph", info.source());
    KerasModelConfig k = info.model().orElseThrow();
    assertEquals("2.3.0-tf", k.kerasVersion());
    assertEquals(List.of("flatten", "dense", "dense_1"), k.layers().stream().map(KerasModelConfig.LayerConfig::name).toList());
    assertArrayEquals(new long[] {-1, 28, 28, 1}, k.buildInputShape());
  }

  @Test
  void aSavedModelKerasDidNotWriteListsNothing() {
    KerasSavedModelInfo info = KerasSavedModelInfo.inspect(Fixtures.tf1Softmax());
    assertTrue(info.model().isEmpty());
    assertEquals(List.of(), info.describe());
  }
}
