package io.tfjmnist.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.data.Dataset;
import io.tfjmnist.data.DatasetLocator;
import io.tfjmnist.data.DatasetName;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.testing.ResidentMemory;
import io.tfjmnist.testing.TestData;
import io.tfjmnist.training.Trainer;
import io.tfjmnist.training.TrainingConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every Tensor, Result, Session and Graph is closed. The check runs in a child JVM whose heap is
 * fixed and touched up front ({@code -Xms=-Xmx}, {@code AlwaysPreTouch}), so that resident memory
 * can only grow through native allocations: after a warm-up, 30,000 predictions and 10 training
 * runs (a graph and session each) must leave it flat. A leaked input tensor per prediction alone
 * would add ~3 KB x 30,000 = ~90 MB; a leaked training graph, ~30 MB per run.
 *
 * <p>Training runs are compared by the median resident size of runs 1-5 against that of runs 6-10:
 * the native allocator keeps or returns tens of MB from one run to the next (seen: 808-907 MB over
 * 30 runs on an AMD EPYC without any trend, and the same swings with the previous release's code),
 * while a leak grows every run, so a leaked graph per run would move the median by ~150 MB.
 */
class NativeLeakTest {

  @Test
  void residentMemoryStaysFlat() throws Exception {
    long[] kb = ResidentMemory.ofChild(Probe.class, "384m", TestData.mnistDataDir().toAbsolutePath().toString());
    assertEquals(12, kb.length);
    assertTrue(kb[1] - kb[0] < 10_000, "30,000 predictions grew resident memory by " + (kb[1] - kb[0]) + " KB");
    long first = median(Arrays.copyOfRange(kb, 2, 7));
    long last = median(Arrays.copyOfRange(kb, 7, 12));
    assertTrue(last - first < 60_000, "the median resident size of training runs 6-10 is " + (last - first)
        + " KB above that of runs 1-5");
  }

  private static long median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  /** The measured workload, in its own JVM. Prints "rss LABEL KB" lines. */
  public static final class Probe {
    public static void main(String[] args) throws Exception {
      ModelArchitecture arch = ModelArchitecture.quickstartCnn();
      ModelWeights weights = ModelWeights.glorotUniform(arch, 1);
      float[] image = new float[784];
      for (int i = 0; i < image.length; i++) {
        image[i] = (i % 7) / 7f;
      }
      Dataset train = DatasetLocator.fromEnvironment(Path.of(args[0])).offline().load(DatasetName.MNIST).train().take(3200);
      TrainingConfig config = TrainingConfig.quickstartDefaults().withEpochs(1).withShuffleBuffer(100);
      try (DigitClassifier c = DigitClassifier.of(weights)) {
        for (int i = 0; i < 20_000; i++) {
          c.predict(image); // warm-up: the JIT and TF's allocator settle
        }
        ResidentMemory.print("before-predictions");
        for (int i = 0; i < 30_000; i++) {
          c.predict(image);
        }
        ResidentMemory.print("after-predictions");
      }
      Runnable trainAndClassify = () -> {
        new Trainer(config).fit(arch, train, null, List.of());
        try (DigitClassifier other = DigitClassifier.of(weights)) {
          other.predict(List.of(image, image));
        }
      };
      trainAndClassify.run();
      trainAndClassify.run();
      for (int round = 1; round <= 10; round++) {
        trainAndClassify.run();
        ResidentMemory.print("training-" + round);
      }
    }

  }
}
