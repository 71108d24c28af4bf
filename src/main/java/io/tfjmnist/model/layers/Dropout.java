package io.tfjmnist.model.layers;

import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.random.StatelessRandomGetKeyCounter;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Keras {@code Dropout(rate, seed)}: the identity at inference ({@code training=False}); in a training
 * step the masks Keras 3 draws. Keras's layer owns a {@code SeedGenerator} whose state starts at
 * {@code [seed, 0]} and whose counter grows by one a call; each step calls TF's
 * {@code stateless_dropout} with {@code [seed mod (2^31 - 2), counter]} as int32: a
 * {@code StatelessRandomUniformV2} draw per unit (the AUTO_SELECT algorithm, Philox on CPU), kept
 * where the draw is {@code >= rate}, and {@code x * float32(1 / (1 - rate))} where kept, 0 elsewhere.
 * With {@code seed=None} in the config, Keras drew the seed from Python's {@code random} when the
 * layer was built ({@code randint(1, 10**9)}), after one draw for each unseeded random initializer
 * and SeedGenerator built before it: {@code defaultSeedIndex} is that count, and the draw comes from
 * the global seed of {@code keras.utils.set_random_seed} ({@link PythonRandom}).
 */
public final class Dropout extends WeightlessLayer {
  /** Keras's TF backend maps int64 seeds into int32 with {@code floormod(seed, int32.max - 1)}. */
  private static final long SEED_MODULUS = Integer.MAX_VALUE - 1L;
  /** {@code Algorithm.AUTO_SELECT}: TF picks the device's default (Philox on CPU). */
  private static final int AUTO_SELECT = 3;
  private final double rate;
  private final Long seed;
  private final int defaultSeedIndex;

  public Dropout(String name, double rate, long[] inputShape) {
    this(name, rate, null, 0, inputShape);
  }

  /**
   * @param seed the config's {@code seed}, or null when Keras drew one
   * @param defaultSeedIndex with a null seed: how many of Python's default seeds were drawn before this layer's
   */
  public Dropout(String name, double rate, Long seed, int defaultSeedIndex, long[] inputShape) {
    super(name, inputShape);
    if (defaultSeedIndex < 0) {
      throw new IllegalArgumentException("defaultSeedIndex must be at least 0, got " + defaultSeedIndex);
    }
    this.rate = rate;
    this.seed = seed;
    this.defaultSeedIndex = defaultSeedIndex;
  }

  /** The Keras drop rate. */
  public double rate() {
    return rate;
  }

  /** The first element of the layer's SeedGenerator state, in a model built after {@code set_random_seed(globalSeed)}. */
  public long initialSeed(long globalSeed) {
    if (seed != null) {
      return seed;
    }
    PythonRandom random = new PythonRandom(globalSeed);
    long drawn = 0;
    for (int i = 0; i <= defaultSeedIndex; i++) {
      drawn = random.makeDefaultSeed();
    }
    return drawn;
  }

  @Override
  public Operand<TFloat32> call(Ops tf, Operand<TFloat32> input, Map<String, Operand<TFloat32>> weights) {
    return input;
  }

  /**
   * With {@code training} 0 the effective rate is 0 and the scale exactly 1: every draw (in [0, 1))
   * is kept, so evaluation in the training graph returns the input bit for bit.
   */
  @Override
  public Operand<TFloat32> callInTraining(Ops tf, Operand<TFloat32> input, Map<String, Operand<TFloat32>> weights,
      TrainingInputs inputs) {
    if (rate == 0) {
      return input;
    }
    Ops scope = tf.withSubScope(name());
    Operand<TFloat32> training = inputs.training();
    Operand<TFloat32> notTraining = scope.math.sub(scope.constant(1f), training);
    int first = (int) Math.floorMod(initialSeed(inputs.globalSeed()), SEED_MODULUS);
    Operand<TInt32> counter = scope.dtypes.cast(scope.math.floorMod(inputs.step(), scope.constant(SEED_MODULUS)),
        TInt32.class);
    Operand<TInt32> seedPair = scope.stack(List.of(scope.constant(first), counter));
    StatelessRandomGetKeyCounter keyCounter = scope.random.statelessRandomGetKeyCounter(seedPair);
    Operand<TFloat32> draws = scope.random.statelessRandomUniformV2(scope.shape(input), keyCounter.key(),
        keyCounter.counter(), scope.constant(AUTO_SELECT));
    Operand<TFloat32> rateNow = scope.math.mul(training, scope.constant((float) rate));
    Operand<TFloat32> keep = scope.dtypes.cast(scope.math.greaterEqual(draws, rateNow), TFloat32.class);
    // TF's scale is a Python float 1 / (1 - rate), then float32: computed in double here too.
    Operand<TFloat32> scale = scope.math.add(scope.math.mul(training, scope.constant((float) (1.0 / (1.0 - rate)))),
        notTraining);
    return scope.math.mul(scope.math.mul(input, scale), keep);
  }
}
