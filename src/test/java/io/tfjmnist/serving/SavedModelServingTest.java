package io.tfjmnist.serving;

import static io.tfjmnist.serving.ServingFixtures.argmax;
import static io.tfjmnist.serving.ServingFixtures.flat;
import static io.tfjmnist.serving.ServingFixtures.get;
import static io.tfjmnist.serving.ServingFixtures.pixels;
import static io.tfjmnist.serving.ServingFixtures.post;
import static io.tfjmnist.serving.ServingFixtures.row;
import static io.tfjmnist.serving.ServingFixtures.rows28;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.tfjmnist.testing.TestData;
import org.junit.jupiter.api.Test;

/** {@code serve --saved-model}: a SavedModel that Python's Keras wrote, behind the same API. */
class SavedModelServingTest {

  @Test
  void kerasSavedModelIsServedWithItsOwnSignature() {
    ServedModel model = ServedModel.fromSavedModel("cnn", 3,
        TestData.fixturesDir().resolve("savedmodels/keras-cnn-maxpool-tf2.11"), null);
    try (ModelServer server = ModelServer.start(model, ServingFixtures.localConfig())) {
      JsonNode sig = get(server.uri(), "v1/models/cnn/versions/3/metadata").expect(200).json()
          .at("/metadata/signature_def/signature_def/serving_default");
      assertEquals("DT_FLOAT", sig.at("/inputs/conv2d_1_input/dtype").asText());
      assertEquals("28", sig.at("/inputs/conv2d_1_input/tensor_shape/dim/1/size").asText());
      assertEquals("10", sig.at("/outputs/dense_1/tensor_shape/dim/1/size").asText());

      JsonNode p = post(server.uri(), "v1/models/cnn:predict",
          "{\"instances\": [" + rows28(pixels(0)) + ", {\"conv2d_1_input\": " + flat(pixels(1)) + "}]}")
          .expect(200).json().get("predictions");
      assertEquals(7, argmax(row(p, 0)), "MNIST test #0");
      assertEquals(2, argmax(row(p, 1)), "MNIST test #1");
    }
  }
}
