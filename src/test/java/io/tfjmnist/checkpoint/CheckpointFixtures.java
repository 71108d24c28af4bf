package io.tfjmnist.checkpoint;

import java.nio.file.Path;

/** Locates the Python-written fixtures (never copied into the repository; skipped when absent). */
public final class CheckpointFixtures {
  private CheckpointFixtures() {}

  static Path dir() {
    return io.tfjmnist.testing.TestData.fixturesDir().toAbsolutePath().normalize();
  }

  /** keras-subclassed-mlp-tf2.0: subclassed MLP, RMSprop, 2 shards. */
  public static Path subclassedMlp() {
    return dir().resolve("checkpoints/keras-subclassed-mlp-tf2.0/path_to_my_weights");
  }

  /** keras-sequential-adam-tf2: Sequential, Adam. */
  public static Path sequentialAdam() {
    return dir().resolve("checkpoints/keras-sequential-adam-tf2/cp.ckpt");
  }

  static Path cnnMaxpoolVariables() {
    return dir().resolve("savedmodels/keras-cnn-maxpool-tf2.11/variables/variables");
  }

  static Path mlp128Variables() {
    return dir().resolve("savedmodels/keras-mlp128-tf2.2/variables/variables");
  }

  static Path tf1SoftmaxVariables() {
    return dir().resolve("savedmodels/tf1-softmax-regression-tf1.0/variables/variables");
  }
}
