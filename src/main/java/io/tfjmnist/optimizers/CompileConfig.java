package io.tfjmnist.optimizers;

import java.util.Objects;

/**
 * What Keras's {@code model.compile} recorded for training: the optimizer with its hyperparameters,
 * and whether the loss ({@code SparseCategoricalCrossentropy}, the only one supported) reads the
 * model's output as logits.
 */
public record CompileConfig(Optimizer optimizer, boolean fromLogits) {
  public CompileConfig {
    Objects.requireNonNull(optimizer, "optimizer");
  }

  /** What the quickstart compiles: {@code Adam()} and {@code SparseCategoricalCrossentropy()}. */
  public static CompileConfig quickstart() {
    return new CompileConfig(Adam.kerasDefaults(), false);
  }
}
