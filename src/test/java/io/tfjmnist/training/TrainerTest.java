package io.tfjmnist.training;

import io.tfjmnist.optimizers.Adam;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.data.Dataset;
import io.tfjmnist.data.MnistData;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.testing.TestData;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Short training runs on MNIST subsets: learning happens, seeds repeat, resuming changes nothing. */
class TrainerTest {
  private static final ModelArchitecture ARCH = ModelArchitecture.quickstartCnn();

  @Test
  void oneEpochOnASubsetLearnsTheDigits() {
    MnistData mnist = TestData.mnist();
    TrainingConfig config = TrainingConfig.quickstartDefaults().withEpochs(1).withShuffleBuffer(1000);
    List<String> events = new ArrayList<>();
    TrainingResult r = new Trainer(config).fit(ARCH, mnist.train().take(6000), mnist.test().take(2000),
        List.of(new TrainingListener() {
          @Override
          public void onBatchEnd(int epoch, int step, int steps, float loss, float accuracy, long images, long nanos) {
            if (step == steps) {
              events.add("last step " + step + " of " + steps + " images " + images);
            }
          }
        }));
    EpochLogs e = r.lastEpoch();
    // 6000 / 32 = 187.5: the last partial batch is kept, as tf.data's batch() does.
    assertEquals(List.of("last step 188 of 188 images 6000"), events);
    assertEquals(188, e.steps());
    assertTrue(e.testAccuracy() >= 0.90f, "test accuracy after one epoch on 6000 images: " + e.testAccuracy());
    assertTrue(e.accuracy() > 0.8f && e.loss() < 0.6f, e.line());
    assertEquals(188, r.optimizerState().iterations());
    assertTrue(e.line().matches("Epoch 1, Loss: [0-9.E-]+, Accuracy: [0-9.]+, Test Loss: [0-9.E-]+, Test Accuracy: [0-9.]+"), e.line());
  }

  @Test
  void sameSeedAndThreadsGiveTheSameWeightsAndResumingMatchesAnUninterruptedRun() {
    Dataset train = TestData.mnist().train().take(640);
    TrainingConfig config = TrainingConfig.quickstartDefaults().withEpochs(2).withShuffleBuffer(100).withThreads(1);
    TrainingResult a = new Trainer(config).fit(ARCH, train, null, List.of());
    TrainingResult b = new Trainer(config).fit(ARCH, train, null, List.of());
    assertEquals(0.0, a.weights().maxAbsDifference(b.weights()), "same seed, same threads");

    // Stop after epoch 1, then continue from its weights and Adam state.
    TrainingResult first = new Trainer(config.withEpochs(1)).fit(ARCH, train, null, List.of());
    TrainingResult resumed = new Trainer(config).fit(ARCH, first.weights(), first.optimizerState(),
        first.position(), train, null, List.of());
    assertEquals(1, resumed.history().size());
    assertEquals(2, resumed.lastEpoch().epoch());
    assertEquals(0.0, a.weights().maxAbsDifference(resumed.weights()), "resumed run vs uninterrupted run");
    assertEquals(a.optimizerState().iterations(), resumed.optimizerState().iterations());

    TrainingResult other = new Trainer(config.withSeed(7)).fit(ARCH, train, null, List.of());
    assertTrue(a.weights().maxAbsDifference(other.weights()) > 1e-3, "another seed gives other weights");
  }

  @Test
  void aListenerCanStopTrainingAfterTheCurrentStep() {
    Dataset train = TestData.mnist().train().take(320);
    TrainingConfig config = TrainingConfig.quickstartDefaults().withEpochs(3).withThreads(1);
    TrainingResult r = new Trainer(config).fit(ARCH, train, null, List.of(new TrainingListener() {
      int steps;

      @Override
      public void onBatchEnd(int epoch, int step, int total, float loss, float acc, long images, long nanos) {
        steps++;
      }

      @Override
      public boolean stopRequested() {
        return steps >= 3;
      }
    }));
    assertTrue(r.stoppedEarly());
    assertTrue(r.history().isEmpty(), "the interrupted epoch is not reported as complete");
    assertEquals(3, r.optimizerState().iterations());
    assertEquals(new TrainingPosition(0, 3, r.position().lossTotal(), 3f, r.position().correct(), 96f), r.position());
    assertFalse(Double.isNaN(r.weights().maxAbsDifference(r.weights())));
  }

  @Test
  void stoppingMidEpochAndResumingGivesTheSameWeightsAndNumbers() {
    Dataset train = TestData.mnist().train().take(640);
    Dataset test = TestData.mnist().test().take(64);
    TrainingConfig config = TrainingConfig.quickstartDefaults().withEpochs(2).withShuffleBuffer(100).withThreads(1);
    TrainingResult whole = new Trainer(config).fit(ARCH, train, test, List.of());

    TrainingListener stopAfter27 = new TrainingListener() {
      int steps;

      @Override
      public void onBatchEnd(int epoch, int step, int total, float loss, float acc, long images, long nanos) {
        steps++;
      }

      @Override
      public boolean stopRequested() {
        return steps >= 27; // epoch 2, step 7 of 20
      }
    };
    TrainingResult part = new Trainer(config).fit(ARCH, train, test, List.of(stopAfter27));
    assertEquals(1, part.position().completedEpochs());
    assertEquals(7, part.position().stepsInEpoch());
    TrainingResult rest = new Trainer(config).fit(ARCH, part.weights(), part.optimizerState(), part.position(),
        train, test, List.of());
    assertEquals(0.0, whole.weights().maxAbsDifference(rest.weights()));
    assertEquals(whole.lastEpoch(), new EpochLogs(2, rest.lastEpoch().loss(), rest.lastEpoch().accuracy(),
        rest.lastEpoch().testLoss(), rest.lastEpoch().testAccuracy(), whole.lastEpoch().steps(),
        whole.lastEpoch().trainNanos(), whole.lastEpoch().evalNanos()), "same epoch-2 metrics");
    assertEquals(TrainingPosition.afterEpoch(2), rest.position());
  }

  @Test
  void evaluationCountsEveryImageAndFillsTheConfusionMatrix() {
    MnistData mnist = TestData.mnist();
    Dataset test = mnist.test().take(100);
    Evaluation e = Trainer.evaluate(io.tfjmnist.model.ModelWeights.glorotUniform(ARCH, 1), test, 32, 1);
    assertEquals(100, e.examples());
    assertEquals(100, e.confusion().total());
    assertEquals(e.accuracy(), (float) e.confusion().accuracy(), 1e-6);
    assertTrue(e.loss() > 1.5f, "an untrained model is near chance: loss " + e.loss());
  }
}
