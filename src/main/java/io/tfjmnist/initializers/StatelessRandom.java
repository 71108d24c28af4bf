package io.tfjmnist.initializers;

import org.tensorflow.EagerSession;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.random.StatelessRandomGetKeyCounter;
import org.tensorflow.types.TFloat32;

/**
 * Keras 3's TF-backend random draws with an integer seed, run eagerly in TF's own kernels, as Keras
 * runs them when it creates a variable: {@code draw_seed(seed)} is the int64 pair {@code [seed, 0]},
 * mapped into int32 by {@code floormod(seed, int32.max - 1)} ({@code _cast_seed}); TF's
 * {@code stateless_uniform/normal/truncated_normal} turn it into a Philox key and counter
 * ({@code StatelessRandomGetKeyCounter}, the AUTO_SELECT algorithm), draw, and then scale in float32:
 * {@code rnd * (maxval - minval) + minval}, or {@code rnd * stddev + mean}. The bounds and moments
 * arrive here already as float32, as Keras converts its Python floats.
 */
final class StatelessRandom {
  /** Keras's TF backend maps int64 seeds into int32 with {@code floormod(seed, int32.max - 1)}. */
  private static final long SEED_MODULUS = Integer.MAX_VALUE - 1L;
  /** {@code Algorithm.AUTO_SELECT}: TF picks the device's default (Philox on CPU). */
  private static final int AUTO_SELECT = 3;

  private enum Distribution { UNIFORM, NORMAL, TRUNCATED_NORMAL }

  private StatelessRandom() {}

  /** {@code keras.random.uniform(shape, minval, maxval, seed=seed)} in float32. */
  static float[] uniform(long[] shape, long seed, float minval, float maxval) {
    // TF subtracts the two float32 bounds in float32, as Java's float arithmetic does here.
    return draw(Distribution.UNIFORM, shape, seed, maxval - minval, minval);
  }

  /** {@code keras.random.normal(shape, mean, stddev, seed=seed)} in float32. */
  static float[] normal(long[] shape, long seed, float mean, float stddev) {
    return draw(Distribution.NORMAL, shape, seed, stddev, mean);
  }

  /** {@code keras.random.truncated_normal(shape, mean, stddev, seed=seed)}: redrawn beyond two standard deviations. */
  static float[] truncatedNormal(long[] shape, long seed, float mean, float stddev) {
    return draw(Distribution.TRUNCATED_NORMAL, shape, seed, stddev, mean);
  }

  /** The draw times {@code scale} plus {@code offset}, each a float32 op of TF's, as TF's Python wrappers write it. */
  private static float[] draw(Distribution d, long[] shape, long seed, float scale, float offset) {
    float[] values = new float[Math.toIntExact(size(shape))];
    try (EagerSession session = EagerSession.create()) {
      Ops tf = Ops.create(session);
      int first = (int) Math.floorMod(seed, SEED_MODULUS);
      StatelessRandomGetKeyCounter keyCounter = tf.random.statelessRandomGetKeyCounter(tf.constant(new int[] {first, 0}));
      Operand<TFloat32> rnd = switch (d) {
        case UNIFORM -> tf.random.statelessRandomUniformV2(tf.constant(shape), keyCounter.key(), keyCounter.counter(),
            tf.constant(AUTO_SELECT));
        case NORMAL -> tf.random.statelessRandomNormalV2(tf.constant(shape), keyCounter.key(), keyCounter.counter(),
            tf.constant(AUTO_SELECT));
        case TRUNCATED_NORMAL -> tf.random.statelessTruncatedNormalV2(tf.constant(shape), keyCounter.key(),
            keyCounter.counter(), tf.constant(AUTO_SELECT));
      };
      Operand<TFloat32> result = tf.math.add(tf.math.mul(rnd, tf.constant(scale)), tf.constant(offset));
      // The eager session owns the tensor and releases it on close: the values are copied out first.
      result.asTensor().asRawTensor().data().asFloats().read(values);
    }
    return values;
  }

  static long size(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }
}
