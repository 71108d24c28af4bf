package io.tfjmnist.model.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelGraph;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.model.WeightSpec;
import io.tfjmnist.tensors.Tensors;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * BatchNormalization against Keras 3's arithmetic written out in Java (double, compared to 1e-6): a
 * training step normalises with the batch's mean and biased variance and moves the moving statistics by
 * {@code momentum}; evaluation in the same graph, and an inference graph, use the moving statistics.
 */
class BatchNormalizationTest {
  private static final float[] X = {1f, -2f, 3f, 0.5f, -1f, 4f, 2f, 1.5f}; // 4 examples x 2 channels
  private static final float[] GAMMA = {1.5f, 0.5f};
  private static final float[] BETA = {0.1f, -0.2f};
  private static final float[] MOVING_MEAN = {0.2f, -0.1f};
  private static final float[] MOVING_VAR = {2f, 0.5f};

  private static ModelArchitecture arch() {
    return new ModelArchitecture("Sequential", new long[] {2},
        List.of(new BatchNormalization("bn", 0.99, 1e-3, true, true, new long[] {2})));
  }

  @Test
  void movingStatisticsAreNonTrainableWeightsAfterGammaAndBeta() {
    List<WeightSpec> w = arch().weights();
    assertEquals(List.of("bn/gamma", "bn/beta", "bn/moving_mean", "bn/moving_variance"), w.stream().map(WeightSpec::path).toList());
    assertEquals(List.of("bn/gamma", "bn/beta"), arch().trainableWeights().stream().map(WeightSpec::path).toList());
  }

  @Test
  void aTrainingStepUsesTheBatchAndMovesTheStatistics() {
    double[] mean = new double[2];
    double[] var = new double[2];
    for (int c = 0; c < 2; c++) {
      for (int n = 0; n < 4; n++) {
        mean[c] += X[2 * n + c] / 4.0;
      }
      for (int n = 0; n < 4; n++) {
        var[c] += Math.pow(X[2 * n + c] - mean[c], 2) / 4.0;
      }
    }
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      ModelGraph model = ModelGraph.buildForTraining(tf, arch(), 1);
      try (Session s = new Session(g); TFloat32 x = Tensors.floats(new long[] {4, 2}, X); TFloat32 on = TFloat32.scalarOf(1f)) {
        model.assign(s, ModelWeights.of(arch(), Map.of("bn/gamma", GAMMA, "bn/beta", BETA, "bn/moving_mean", MOVING_MEAN,
            "bn/moving_variance", MOVING_VAR)));
        Session.Runner step = s.runner().feed(model.input(), x).feed(model.training(), on).fetch(model.probabilities());
        model.trainingUpdates().forEach(step::addTarget);
        float[] out;
        try (Result r = step.run()) {
          out = Tensors.toFloats(r.get(0));
        }
        for (int n = 0; n < 4; n++) {
          for (int c = 0; c < 2; c++) {
            double expected = (X[2 * n + c] - mean[c]) / Math.sqrt(var[c] + 1e-3) * GAMMA[c] + BETA[c];
            assertEquals(expected, out[2 * n + c], 1e-5, "example " + n + " channel " + c);
          }
        }
        ModelWeights after = model.read(s);
        for (int c = 0; c < 2; c++) {
          assertEquals(MOVING_MEAN[c] * 0.99 + mean[c] * 0.01, after.view("bn/moving_mean")[c], 1e-6);
          assertEquals(MOVING_VAR[c] * 0.99 + var[c] * 0.01, after.view("bn/moving_variance")[c], 1e-6);
        }
        assertArrayEquals(GAMMA, after.view("bn/gamma"), "the optimizer, not the step, changes gamma");

        // The same graph evaluating (training flag at its default 0): the moving statistics, nothing moves.
        float[] eval;
        try (Result r = s.runner().feed(model.input(), x).fetch(model.probabilities()).run()) {
          eval = Tensors.toFloats(r.get(0));
        }
        float[] mm = after.view("bn/moving_mean");
        float[] mv = after.view("bn/moving_variance");
        for (int n = 0; n < 4; n++) {
          for (int c = 0; c < 2; c++) {
            double expected = (X[2 * n + c] - mm[c]) / Math.sqrt(mv[c] + 1e-3) * GAMMA[c] + BETA[c];
            assertEquals(expected, eval[2 * n + c], 1e-5, "evaluation, example " + n + " channel " + c);
          }
        }
      }
    }
  }
}
