package io.tfjmnist.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.data.Dataset;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.testing.TestData;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.proto.StepStats;

/**
 * A call of one image runs {@link DigitClassifier}'s one-image forward pass, whose kernels differ
 * from the batched pass's: its probabilities must stay within 1e-6 of those the same image gets in
 * a batch, on every CPU and kernel setting (hence the tag: the build runs it under each), for
 * random and real inputs.
 */
@Tag("kernel-paths")
class OneImageForwardTest {
  private static final double BOUND = 1e-6;
  private static final int SIZE = 784;

  @Test
  void randomImagesAloneMatchTheirBatch() {
    SplittableRandom random = new SplittableRandom(24);
    float[] images = new float[96 * SIZE];
    for (int i = 0; i < images.length; i++) {
      // the first half dense noise, the second MNIST-like: mostly background, some ink
      boolean sparse = i >= images.length / 2;
      images[i] = sparse && random.nextInt(5) != 0 ? 0f : (float) random.nextDouble();
    }
    for (long seed : new long[] {1, 7}) {
      assertAloneWithinBound(ModelWeights.glorotUniform(ModelArchitecture.quickstartCnn(), seed), images, 96);
    }
  }

  @Test
  void mnistTestImagesAloneMatchTheirBatch() {
    Dataset test = TestData.mnist().test();
    int n = 200;
    float[] images = new float[n * SIZE];
    for (int i = 0; i < n; i++) {
      byte[] pixels = test.image(i * 37);
      for (int j = 0; j < SIZE; j++) {
        images[i * SIZE + j] = (pixels[j] & 0xff) / 255f;
      }
    }
    assertAloneWithinBound(ModelWeights.glorotUniform(ModelArchitecture.quickstartCnn(), 3), images, n);
  }

  @Test
  void aLoneImageRunsTheOneImagePassAndForRunsOfDoesNot() {
    ModelWeights weights = ModelWeights.glorotUniform(ModelArchitecture.quickstartCnn(), 1);
    RunOptions trace = RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build();
    float[] image = new float[SIZE];
    image[400] = 1f;
    try (DigitClassifier plain = DigitClassifier.of(weights);
        DigitClassifier padded = DigitClassifier.forRunsOf(weights, null, 16)) {
      assertTrue(ranOneImagePass(plain.profiledProbabilities(image, trace)));
      assertTrue(!ranOneImagePass(padded.profiledProbabilities(image, trace)));
    }
  }

  private static boolean ranOneImagePass(StepStats stats) {
    return stats.getDevStatsList().stream().flatMap(d -> d.getNodeStatsList().stream())
        .map(NodeExecStats::getNodeName).anyMatch(name -> name.startsWith("one_image/"));
  }

  private static void assertAloneWithinBound(ModelWeights weights, float[] images, int n) {
    try (DigitClassifier c = DigitClassifier.of(weights)) {
      float[] batched = c.probabilities(images, n);
      int classes = batched.length / n;
      double worst = 0;
      for (int i = 0; i < n; i++) {
        float[] alone = c.probabilities(java.util.Arrays.copyOfRange(images, i * SIZE, (i + 1) * SIZE), 1);
        assertEquals(classes, alone.length);
        for (int j = 0; j < classes; j++) {
          worst = Math.max(worst, Math.abs(alone[j] - batched[i * classes + j]));
        }
      }
      assertTrue(worst <= BOUND, "max |alone - batched| = " + worst + " over " + n + " images, bound " + BOUND);
    }
  }
}
