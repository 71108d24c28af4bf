package io.tfjmnist.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.tfjmnist.data.Dataset;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.optimizers.AdamArithmetic;
import io.tfjmnist.testing.TestData;
import io.tfjmnist.training.callbacks.StepLimit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Training on TF's shuffle order: repeatable, resumable mid-epoch bit for bit, and not Java's order. */
@Tag("kernel-paths")
class TfShuffleTrainingTest {
  private static final ModelArchitecture ARCH = ModelArchitecture.quickstartCnn();

  @Test
  void stoppingMidEpochAndResumingGivesTheSameWeightsAsAnUninterruptedRun() {
    Dataset train = TestData.mnist().train().take(640);
    TrainingConfig config = TrainingConfig.quickstartDefaults().withEpochs(2).withShuffleBuffer(100).withThreads(1)
        .withTfShuffle(new TfShuffle.Seeds(5, 6)).withAdamArithmetic(AdamArithmetic.KERAS3);
    List<Float> wholeLosses = new ArrayList<>();
    TrainingResult whole = new Trainer(config).fit(ARCH, train, null, List.of(losses(wholeLosses)));

    TrainingResult part = new Trainer(config).fit(ARCH, train, null, List.of(new StepLimit(27)));
    assertEquals(new TrainingPosition(1, 7, part.position().lossTotal(), 7f, part.position().correct(), 224f),
        part.position(), "stopped at epoch 2, step 7 of 20");
    List<Float> restLosses = new ArrayList<>();
    TrainingResult rest = new Trainer(config).fit(ARCH, part.weights(), part.optimizerState(), part.position(),
        train, null, List.of(losses(restLosses)));
    assertEquals(wholeLosses.subList(27, 40), restLosses, "the resumed steps see the same batches");
    assertEquals(0.0, whole.weights().maxAbsDifference(rest.weights()));
    assertEquals(whole.lastEpoch().loss(), rest.lastEpoch().loss());

    List<Float> javaOrder = new ArrayList<>();
    new Trainer(config.withTfShuffle(null).withEpochs(1)).fit(ARCH, train, null, List.of(losses(javaOrder)));
    assertNotEquals(wholeLosses.subList(0, 20), javaOrder, "TF's order is not Java's ShuffleBuffer order");
  }

  private static TrainingListener losses(List<Float> into) {
    return new TrainingListener() {
      @Override
      public void onBatchLoss(int epoch, int step, float batchLoss) {
        into.add(batchLoss);
      }
    };
  }
}
