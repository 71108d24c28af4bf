package io.tfjmnist.initializers;

import java.util.Arrays;

/**
 * A Keras 3 initializer ({@code keras.initializers}), drawing the float32 values its
 * {@code __call__(shape, dtype="float32")} returns, bit for bit. A random initializer holds the
 * integer seed it draws with: the config's {@code seed}, or the one Keras drew from Python's
 * {@code random} when it built the layer ({@code make_default_seed}); an integer seed gives the same
 * values at every call, as in Keras.
 */
public sealed interface Initializer {
  /** The values for a weight of {@code shape}, row-major. */
  float[] draw(long[] shape);

  /** {@code Zeros()}. */
  record Zeros() implements Initializer {
    @Override
    public float[] draw(long[] shape) {
      return new float[Math.toIntExact(StatelessRandom.size(shape))];
    }
  }

  /** {@code Ones()}. */
  record Ones() implements Initializer {
    @Override
    public float[] draw(long[] shape) {
      return new Constant(1).draw(shape);
    }
  }

  /** {@code Constant(value)}: {@code cast(value, float32) * ones(shape)}. */
  record Constant(double value) implements Initializer {
    @Override
    public float[] draw(long[] shape) {
      float[] v = new float[Math.toIntExact(StatelessRandom.size(shape))];
      Arrays.fill(v, (float) value);
      return v;
    }
  }

  /** {@code RandomUniform(minval=-0.05, maxval=0.05, seed)}. */
  record RandomUniform(double minval, double maxval, long seed) implements Initializer {
    @Override
    public float[] draw(long[] shape) {
      return StatelessRandom.uniform(shape, seed, (float) minval, (float) maxval);
    }
  }

  /** {@code RandomNormal(mean=0.0, stddev=0.05, seed)}. */
  record RandomNormal(double mean, double stddev, long seed) implements Initializer {
    @Override
    public float[] draw(long[] shape) {
      return StatelessRandom.normal(shape, seed, (float) mean, (float) stddev);
    }
  }

  /** {@code TruncatedNormal(mean=0.0, stddev=0.05, seed)}: values beyond two standard deviations redrawn. */
  record TruncatedNormal(double mean, double stddev, long seed) implements Initializer {
    @Override
    public float[] draw(long[] shape) {
      return StatelessRandom.truncatedNormal(shape, seed, (float) mean, (float) stddev);
    }
  }

  /**
   * {@code VarianceScaling(scale, mode, distribution, seed, input_axes, output_axes)}, and through it
   * the Glorot, He and Lecun initializers ({@link #glorotUniform} and the like), as Keras 3 defines
   * them: {@code scale / max(1, fan)} in Python's double arithmetic, then a truncated normal of
   * standard deviation {@code sqrt(scale) / 0.87962566103423978} (the standard deviation of a unit
   * normal truncated at ±2), a normal of {@code sqrt(scale)}, or a uniform in
   * {@code ±sqrt(3 * scale)}.
   *
   * @param mode fan_in, fan_out or fan_avg
   * @param distribution truncated_normal, untruncated_normal or uniform
   * @param inputAxes with {@code outputAxes}, the axes whose sizes multiply into the fans; null for Keras's default fans
   */
  record VarianceScaling(double scale, String mode, String distribution, long seed, int[] inputAxes, int[] outputAxes)
      implements Initializer {
    /** The standard deviation of a unit normal truncated to [-2, 2], as Keras writes it. */
    private static final double TRUNCATED_STDDEV = 0.87962566103423978;

    public VarianceScaling {
      if (!(scale > 0)) {
        throw new IllegalArgumentException("VarianceScaling's scale must be positive, got " + scale);
      }
      if (!mode.equals("fan_in") && !mode.equals("fan_out") && !mode.equals("fan_avg")) {
        throw new IllegalArgumentException("VarianceScaling's mode must be fan_in, fan_out or fan_avg, got '" + mode + "'");
      }
      if (!distribution.equals("truncated_normal") && !distribution.equals("untruncated_normal")
          && !distribution.equals("uniform")) {
        throw new IllegalArgumentException("VarianceScaling's distribution must be truncated_normal, untruncated_normal"
            + " or uniform, got '" + distribution + "'");
      }
    }

    /** Keras's named VarianceScaling initializers: GlorotUniform is {@code VarianceScaling(1.0, "fan_avg", "uniform")}, and so on. */
    public enum Preset {
      GLOROT_UNIFORM(1.0, "fan_avg", "uniform"),
      GLOROT_NORMAL(1.0, "fan_avg", "truncated_normal"),
      HE_UNIFORM(2.0, "fan_in", "uniform"),
      HE_NORMAL(2.0, "fan_in", "truncated_normal"),
      LECUN_UNIFORM(1.0, "fan_in", "uniform"),
      LECUN_NORMAL(1.0, "fan_in", "truncated_normal");

      private final double scale;
      private final String mode;
      private final String distribution;

      Preset(double scale, String mode, String distribution) {
        this.scale = scale;
        this.mode = mode;
        this.distribution = distribution;
      }

      public VarianceScaling seeded(long seed) {
        return new VarianceScaling(scale, mode, distribution, seed, null, null);
      }
    }

    /** With axes given for both fans, the axes' own; else Keras's default fans. */
    public VarianceScaling withAxes(int[] inputAxes, int[] outputAxes) {
      return new VarianceScaling(scale, mode, distribution, seed, inputAxes, outputAxes);
    }

    @Override
    public float[] draw(long[] shape) {
      long[] fans = Fans.compute(shape, inputAxes, outputAxes);
      double s = scale;
      switch (mode) {
        case "fan_in" -> s /= Math.max(1.0, fans[0]);
        case "fan_out" -> s /= Math.max(1.0, fans[1]);
        default -> s /= Math.max(1.0, (fans[0] + fans[1]) / 2.0);
      }
      return switch (distribution) {
        case "truncated_normal" -> StatelessRandom.truncatedNormal(shape, seed, 0f, (float) (Math.sqrt(s) / TRUNCATED_STDDEV));
        case "untruncated_normal" -> StatelessRandom.normal(shape, seed, 0f, (float) Math.sqrt(s));
        default -> {
          float limit = (float) Math.sqrt(3.0 * s);
          yield StatelessRandom.uniform(shape, seed, -limit, limit);
        }
      };
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof VarianceScaling v && Double.compare(scale, v.scale) == 0 && mode.equals(v.mode)
          && distribution.equals(v.distribution) && seed == v.seed && Arrays.equals(inputAxes, v.inputAxes)
          && Arrays.equals(outputAxes, v.outputAxes);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(seed) * 31 + mode.hashCode();
    }

    @Override
    public String toString() {
      return "VarianceScaling(scale=" + scale + ", mode=" + mode + ", distribution=" + distribution + ", seed=" + seed
          + (inputAxes == null ? "" : ", input_axes=" + Arrays.toString(inputAxes) + ", output_axes="
          + Arrays.toString(outputAxes)) + ")";
    }
  }
}
