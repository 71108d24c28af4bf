package io.tfjmnist.optimizers;

import io.tfjmnist.TfjMnistException;
import java.util.Locale;

/**
 * How an Adam step is computed in float32. Both are Keras's Adam with the same hyperparameters; they
 * differ in the last bits of almost every weight from the first step on (measured with TF 2.21 /
 * Keras 3.15: 2047 of 2048 elements after one step, by up to 7.5e-9; see
 * {@code python-reference/replay_golden.py}), which is what matters when a run is replayed bit for bit.
 */
public enum AdamArithmetic {
  /** TF's fused {@code ResourceApplyAdam} per weight, fed as Keras 2's {@code OptimizerV2} feeds it. */
  KERAS2,
  /** Keras 3's {@code Adam.update_step}, written out as the separate TF ops Keras 3 runs. */
  KERAS3;

  /** The flag value: {@code keras2} or {@code keras3}. */
  public String flagName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static AdamArithmetic parse(String s) {
    for (AdamArithmetic a : values()) {
      if (a.flagName().equalsIgnoreCase(s.trim())) {
        return a;
      }
    }
    throw new TfjMnistException("Unknown Adam arithmetic '" + s + "': use keras2 (TF's fused ApplyAdam, Keras 2) "
        + "or keras3 (Keras 3's separate ops).");
  }
}
