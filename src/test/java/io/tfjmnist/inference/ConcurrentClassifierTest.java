package io.tfjmnist.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tfjmnist.data.BatchFiller;
import io.tfjmnist.data.Dataset;
import io.tfjmnist.images.preprocessing.Preprocessing;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.testing.TestData;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** One classifier, one session, many threads: every answer equals the single-threaded one. */
@Tag("kernel-paths")
class ConcurrentClassifierTest {

  @Test
  void manyThreadsShareOneClassifier() throws Exception {
    Dataset test = TestData.mnist().test().take(64);
    List<float[]> images = new ArrayList<>();
    for (int i = 0; i < test.size(); i++) {
      float[] x = new float[784];
      BatchFiller.fillImages(test, new int[] {i}, 0, 1, x, 0);
      images.add(x);
    }
    ModelWeights w = ModelWeights.glorotUniform(ModelArchitecture.quickstartCnn(), 4);
    try (ImageClassifier classifier = new ImageClassifier(DigitClassifier.of(w), Preprocessing.MNIST)) {
      List<Prediction> expected = new ArrayList<>();
      for (float[] x : images) {
        expected.add(classifier.classify(List.of(x)).get(0));
      }
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<Integer>> futures = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          final int offset = t;
          Callable<Integer> job = () -> {
            int checked = 0;
            for (int round = 0; round < 25; round++) {
              int i = (offset * 7 + round * 13) % images.size();
              Prediction p = round % 2 == 0 ? classifier.classify(List.of(images.get(i))).get(0)
                  : classifier.classify(List.of(images.get(i), images.get((i + 1) % images.size()))).get(0);
              assertArrayEquals(expected.get(i).probabilities(), p.probabilities(), 1e-6f, "image " + i);
              checked++;
            }
            return checked;
          };
          futures.add(pool.submit(job));
        }
        int total = 0;
        for (Future<Integer> f : futures) {
          total += f.get();
        }
        assertEquals(200, total);
      } finally {
        pool.shutdownNow();
      }
    }
  }
}
