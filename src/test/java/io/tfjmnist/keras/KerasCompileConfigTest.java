package io.tfjmnist.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.optimizers.Adam;
import io.tfjmnist.optimizers.CompileConfig;
import io.tfjmnist.optimizers.RmsProp;
import io.tfjmnist.optimizers.Sgd;
import org.junit.jupiter.api.Test;

/** compile_config as Keras 3.15 writes it (keys copied from its get_compile_config()), read into the project's optimizers. */
class KerasCompileConfigTest {
  private static final String SGD = "{\"compile_config\": {\"optimizer\": {\"module\": \"keras.optimizers\", \"class_name\": \"SGD\","
      + " \"config\": {\"name\": \"sgd\", \"learning_rate\": 0.05000000074505806, \"weight_decay\": null, \"clipnorm\": null,"
      + " \"global_clipnorm\": null, \"clipvalue\": null, \"use_ema\": false, \"ema_momentum\": 0.99,"
      + " \"ema_overwrite_frequency\": null, \"loss_scale_factor\": null, \"gradient_accumulation_steps\": null,"
      + " \"momentum\": 0.9, \"nesterov\": true}, \"registered_name\": null}, \"loss\": {\"module\": \"keras.losses\","
      + " \"class_name\": \"SparseCategoricalCrossentropy\", \"config\": {\"name\": \"sparse_categorical_crossentropy\","
      + " \"reduction\": \"sum_over_batch_size\", \"from_logits\": true, \"ignore_class\": null}, \"registered_name\": null},"
      + " \"metrics\": [\"accuracy\"]}}";

  @Test
  void sgdWithNesterovOnLogits() {
    CompileConfig c = KerasCompileConfig.parse(SGD, "m.keras").orElseThrow();
    assertEquals(new Sgd(0.05f, 0.9f, true), c.optimizer());
    assertTrue(c.fromLogits());
  }

  @Test
  void namesAndDefaultsAsKerasWritesThem() {
    CompileConfig rms = KerasCompileConfig.parse("{\"compile_config\": {\"optimizer\": {\"class_name\": \"RMSprop\","
        + " \"config\": {\"learning_rate\": 0.0010000000474974513, \"rho\": 0.9, \"momentum\": 0.5, \"epsilon\": 1e-07,"
        + " \"centered\": false}}, \"loss\": \"sparse_categorical_crossentropy\"}}", "m.keras").orElseThrow();
    assertEquals(new RmsProp(0.001f, 0.9f, 0.5f, 1e-7f), rms.optimizer());
    assertFalse(rms.fromLogits());
    CompileConfig adam = KerasCompileConfig.parse("{\"compile_config\": {\"optimizer\": \"adam\","
        + " \"loss\": \"sparse_categorical_crossentropy\"}}", "m.keras").orElseThrow();
    assertEquals(Adam.kerasDefaults(), adam.optimizer());
    assertTrue(KerasCompileConfig.parse("{\"class_name\": \"Sequential\", \"compile_config\": null}", "m.keras").isEmpty());
  }

  @Test
  void whatWouldTrainDifferentlyIsRefusedByName() {
    for (String[] c : new String[][] {
        {SGD.replace("\"clipnorm\": null", "\"clipnorm\": 1.0"), "clipnorm=1.0"},
        {SGD.replace("\"class_name\": \"SGD\"", "\"class_name\": \"Adagrad\""), "Adagrad"},
        {SGD.replace("\"learning_rate\": 0.05000000074505806", "\"learning_rate\": {\"class_name\": \"ExponentialDecay\"}"),
            "ExponentialDecay"},
        {SGD.replace("SparseCategoricalCrossentropy", "CategoricalCrossentropy"), "CategoricalCrossentropy"},
        {SGD.replace("\"ignore_class\": null", "\"ignore_class\": 0"), "ignore_class"}}) {
      TfjMnistException e = assertThrows(TfjMnistException.class, () -> KerasCompileConfig.parse(c[0], "m.keras"));
      assertTrue(e.getMessage().contains(c[1]) && e.getMessage().contains("m.keras"), e.getMessage());
    }
  }
}
