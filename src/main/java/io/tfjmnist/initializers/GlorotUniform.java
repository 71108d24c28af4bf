package io.tfjmnist.initializers;

import java.util.SplittableRandom;

/**
 * Keras's {@code glorot_uniform}: uniform in ±sqrt(6 / (fan_in + fan_out)), with the fans taken over
 * the receptive field for convolutions ({@code _compute_fans}). Drawn from a seeded Java generator:
 * TF's own random ops would not reproduce Python's numbers anyway, and this way the seed alone fixes
 * the initial weights whatever the thread settings.
 */
public final class GlorotUniform {
  private GlorotUniform() {}

  /** A tensor of {@code shape}'s size, drawn from {@code rng}. */
  public static float[] sample(long[] shape, SplittableRandom rng) {
    float[] v = new float[Math.toIntExact(size(shape))];
    double limit = Math.sqrt(6.0 / (fanIn(shape) + fanOut(shape)));
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) rng.nextDouble(-limit, limit);
    }
    return v;
  }

  /** Keras {@code _compute_fans}: the last two dims are (in, out), the rest the receptive field. */
  public static double fanIn(long[] shape) {
    if (shape.length < 2) {
      return shape.length == 1 ? shape[0] : 1;
    }
    return receptiveField(shape) * shape[shape.length - 2];
  }

  public static double fanOut(long[] shape) {
    if (shape.length < 2) {
      return shape.length == 1 ? shape[0] : 1;
    }
    return receptiveField(shape) * shape[shape.length - 1];
  }

  private static double receptiveField(long[] shape) {
    double r = 1;
    for (int i = 0; i < shape.length - 2; i++) {
      r *= shape[i];
    }
    return r;
  }

  private static long size(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }
}
