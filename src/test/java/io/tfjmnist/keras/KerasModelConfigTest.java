package io.tfjmnist.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** What {@code inspect} says of a Keras config's model. */
class KerasModelConfigTest {
  @Test
  void aModelWithoutANameIsNotShownWithAPlaceholder() {
    KerasModelConfig unnamed = KerasModelConfig.parse(
        "{\"module\": \"model\", \"class_name\": \"MyModel\", \"config\": {\"trainable\": true}}", "test");
    assertEquals("Keras model: MyModel", unnamed.describe().get(0));
    KerasModelConfig named = KerasModelConfig.parse(
        "{\"module\": \"model\", \"class_name\": \"MyModel\", \"config\": {\"name\": \"my_model\"}}", "test");
    assertEquals("Keras model: MyModel 'my_model'", named.describe().get(0));
  }
}
