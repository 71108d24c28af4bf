package io.tfjmnist.model.layers;

import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.random.RandomUniform;
import org.tensorflow.types.TFloat32;

/**
 * Keras {@code Dropout(rate)}: the identity at inference ({@code training=False}); in a training
 * step each unit is kept with probability {@code 1 - rate} and scaled by {@code 1 / (1 - rate)}, as
 * TF's {@code stateless_dropout} (what Keras 3 calls) computes it: a uniform draw per unit, kept
 * where the draw is {@code >= rate}. The draws are TF's {@code RandomUniform} seeded from the
 * training seed, not Keras's {@code SeedGenerator} stream, so a Java run drops other units than a
 * Python run with the same seed: the two agree in distribution, not bit for bit.
 */
public final class Dropout extends WeightlessLayer {
  private final double rate;

  public Dropout(String name, double rate, long[] inputShape) {
    super(name, inputShape);
    this.rate = rate;
  }

  /** The Keras drop rate. */
  public double rate() {
    return rate;
  }

  @Override
  public Operand<TFloat32> call(Ops tf, Operand<TFloat32> input, Map<String, Operand<TFloat32>> weights) {
    return input;
  }

  /**
   * With {@code training} 0 the effective rate is 0: every draw is kept and the scale is exactly 1,
   * so evaluation in the training graph returns the input bit for bit.
   */
  @Override
  public Operand<TFloat32> callInTraining(Ops tf, Operand<TFloat32> input, Map<String, Operand<TFloat32>> weights,
      Operand<TFloat32> training, long seed) {
    if (rate == 0) {
      return input;
    }
    Ops scope = tf.withSubScope(name());
    Operand<TFloat32> rateNow = scope.math.mul(training, scope.constant((float) rate));
    Operand<TFloat32> draws = scope.random.randomUniform(scope.shape(input), TFloat32.class,
        RandomUniform.seed(seed), RandomUniform.seed2((long) name().hashCode()));
    Operand<TFloat32> keep = scope.dtypes.cast(scope.math.greaterEqual(draws, rateNow), TFloat32.class);
    Operand<TFloat32> scale = scope.math.div(scope.constant(1f), scope.math.sub(scope.constant(1f), rateNow));
    return scope.math.mul(scope.math.mul(input, scale), keep);
  }
}
