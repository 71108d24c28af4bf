package io.tfjmnist.bench;

import io.tfjmnist.inference.DigitClassifier;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.tensors.JpegTurbo;
import io.tfjmnist.training.callbacks.TensorBoardWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;

/**
 * The model's batch-of-1,000 throughput in a process whose first TF session was another one: TF
 * sizes its one intra-op pool from the first session a process makes, so a helper session made
 * first (the JPEG decoder's, TensorBoard's writer's) decides how many threads the model's and
 * training's kernels get. Run once per order in a fresh JVM ({@code scripts/bench-session-order}).
 * Usage: {@code SessionOrderBenchmark model|decoder|tensorboard}: the session made first.
 */
public final class SessionOrderBenchmark {
  private SessionOrderBenchmark() {}

  public static void main(String[] args) throws Exception {
    String first = args[0];
    Path logs = null;
    TensorBoardWriter writer = null;
    switch (first) {
      case "model" -> { }
      case "decoder" -> JpegTurbo.shared();
      case "tensorboard" -> {
        logs = Files.createTempDirectory("session-order");
        writer = new TensorBoardWriter(logs);
      }
      default -> throw new IllegalArgumentException("model, decoder or tensorboard, not " + first);
    }
    ModelWeights weights = ModelWeights.glorotUniform(ModelArchitecture.quickstartCnn(), 1);
    float[] batch = new float[1000 * 784];
    for (int i = 0; i < batch.length; i++) {
      batch[i] = (i * 31 % 255) / 255f;
    }
    try (DigitClassifier c = DigitClassifier.of(weights)) {
      double ms = Timing.p50Ms(Timing.sortedNanos(() -> c.probabilities(batch, 1000), 5, 30));
      System.out.printf(Locale.ROOT, "%-11s session first: batch of 1,000 p50 %.2f ms, %.0f images/s%n", first, ms, 1000 / (ms / 1e3));
    } finally {
      if (writer != null) {
        writer.close();
        try (var files = Files.walk(logs)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }
}
