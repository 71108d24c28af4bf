package io.tfjmnist.serving;

import static io.tfjmnist.serving.ServingFixtures.flat;
import static io.tfjmnist.serving.ServingFixtures.post;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * A SavedModel exported with a fixed batch size (here 4) takes exactly that many images per call,
 * so the server pads and splits requests to it whether batching is exact or not.
 */
@Tag("kernel-paths")
class FixedBatchSavedModelTest {
  private static final int BATCH = 4;

  /** A softmax regression whose input is {@code [4, 28, 28, 1]}: a batch size fixed at export. */
  private static Path export(Path dir) throws java.io.IOException {
    SplittableRandom random = new SplittableRandom(3);
    float[] kernel = new float[784 * 10];
    for (int i = 0; i < kernel.length; i++) {
      kernel[i] = (float) (random.nextDouble() - 0.5) / 10f;
    }
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Placeholder<TFloat32> input = tf.withName("images").placeholder(TFloat32.class,
          Placeholder.shape(Shape.of(BATCH, 28, 28, 1)));
      var logits = tf.linalg.matMul(tf.reshape(input, tf.constant(new long[] {BATCH, 784})),
          tf.constant(Shape.of(784, 10), DataBuffers.of(kernel, true, false)));
      var probabilities = tf.withName("probabilities").nn.softmax(logits);
      try (Session session = new Session(graph)) {
        SavedModelBundle.exporter(dir.toString())
            .withTags("serve")
            .withSession(session)
            .withSignature(Signature.builder("serving_default").input("images", input).output("probabilities", probabilities).build())
            .export();
      }
    }
    return dir;
  }

  private static float[] image(int seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] x = new float[784];
    for (int i = 0; i < x.length; i++) {
      x[i] = random.nextInt(4) == 0 ? (float) random.nextDouble() : 0f;
    }
    return x;
  }

  private static float[][] predict(java.net.URI base, int images) {
    StringBuilder body = new StringBuilder("{\"instances\": [");
    for (int i = 0; i < images; i++) {
      body.append(i == 0 ? "" : ",").append(flat(image(i)));
    }
    return ServingFixtures.rows(post(base, "v1/models/fixed:predict", body.append("]}").toString()).expect(200).json());
  }

  @Test
  void requestsOfAnySizeAreServedInCallsOfTheExportedBatchExactOrNot(@TempDir Path tmp) throws Exception {
    Path dir = export(tmp.resolve("fixed"));
    float[][] exact;
    ServedModel padded = ServedModel.fromSavedModel("fixed", 1, dir, null, true);
    assertEquals(BatchPolicy.Kind.FIXED_BATCH, padded.policy().kind());
    assertEquals(BATCH, padded.policy().maxRows());
    assertEquals(BATCH, padded.policy().padTo());
    try (ModelServer server = ModelServer.start(padded, ServingFixtures.localConfig())) { // closes the model
      exact = predict(server.uri(), 7);
    }
    ServedModel free = ServedModel.fromSavedModel("fixed", 1, dir, null, false);
    assertEquals(BatchPolicy.Kind.FIXED_BATCH, free.policy().kind(), "the exported batch size holds without exact batching too");
    assertEquals(BATCH, free.policy().maxRows());
    try (ModelServer server = ModelServer.start(free, ServingFixtures.localConfig())) {
      for (int n : new int[] {1, 3, 7}) {
        float[][] rows = predict(server.uri(), n);
        assertEquals(n, rows.length);
        for (int i = 0; i < n; i++) {
          assertArrayEquals(exact[i], rows[i], "image " + i + " of a request of " + n);
        }
      }
    }
  }
}
