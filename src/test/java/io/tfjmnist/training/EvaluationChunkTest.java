package io.tfjmnist.training;

import io.tfjmnist.optimizers.Adam;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tfjmnist.data.Dataset;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.tensors.Kernels;
import io.tfjmnist.testing.TestData;
import io.tfjmnist.metrics.ConfusionMatrix;
import io.tfjmnist.metrics.Mean;
import io.tfjmnist.metrics.SparseCategoricalAccuracy;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Evaluation runs ~1,024 images per session run and forms the quickstart's batch means itself
 * ({@link Trainer#evaluate}); it must report what running the quickstart's batches one by one through
 * the same graph reports: the same loss (to the last bit in the Eigen kernels), the same accuracy and
 * confusion matrix.
 */
@Tag("kernel-paths")
class EvaluationChunkTest {
  private static final ModelArchitecture ARCH = ModelArchitecture.quickstartCnn();

  @ParameterizedTest
  @ValueSource(ints = {32, 100, 1500})
  void chunkedEvaluationMatchesTheQuickstartsBatchByBatchLoop(int batchSize) {
    // 2,050 images: partial last chunk, partial last batch (2 images at batch 32, 50 at 100).
    Dataset test = TestData.mnist().test().take(2050);
    // Briefly trained weights, so losses are spread out rather than all near ln(10).
    ModelWeights weights = new Trainer(TrainingConfig.quickstartDefaults().withEpochs(1).withShuffleBuffer(500))
        .fit(ARCH, TestData.mnist().train().take(1600), null, java.util.List.of()).weights();
    try (TrainingGraph graph = new TrainingGraph(ARCH, Adam.kerasDefaults(), null)) {
      graph.load(weights, null);
      Evaluation chunked = Trainer.evaluate(graph, test, batchSize);

      Mean loss = new Mean();
      SparseCategoricalAccuracy accuracy = new SparseCategoricalAccuracy();
      ConfusionMatrix confusion = new ConfusionMatrix(10);
      BatchFeeder feeder = new BatchFeeder(test);
      int[] order = java.util.stream.IntStream.range(0, test.size()).toArray();
      long[] predictions = new long[batchSize];
      for (int from = 0; from < test.size(); from += batchSize) {
        int size = Math.min(batchSize, test.size() - from);
        try (BatchFeeder.Batch batch = feeder.batch(order, from, size)) {
          TrainingGraph.BatchMetrics m = graph.evaluate(batch.images(), batch.labels(), predictions);
          loss.update(m.loss());
          accuracy.update(m.correct(), size);
        }
        for (int b = 0; b < size; b++) {
          confusion.add(test.label(from + b), (int) predictions[b]);
        }
      }

      if (Kernels.active() == Kernels.EIGEN) {
        // TF's Eigen kernels give a row the same bits in runs of 1,024 as in runs of 32 (both multiples
        // of 8), and the batch sums are TF's: the bit-exact mode's test line is Python's to the last bit
        assertEquals(Float.floatToIntBits(loss.result()), Float.floatToIntBits(chunked.loss()),
            "test loss, bit for bit: " + loss.result() + " vs " + chunked.loss());
      } else {
        // oneDNN may give a row other bits in a run of 1,024 than in a run of 32, depending on the CPU
        assertEquals(loss.result(), chunked.loss(), 1e-6, "test loss");
      }
      assertEquals(accuracy.result(), chunked.accuracy(), "test accuracy");
      for (int l = 0; l < 10; l++) {
        for (int p = 0; p < 10; p++) {
          assertEquals(confusion.count(l, p), chunked.confusion().count(l, p), "confusion[" + l + "][" + p + "]");
        }
      }
      assertEquals(2050, chunked.examples());
    }
  }
}
