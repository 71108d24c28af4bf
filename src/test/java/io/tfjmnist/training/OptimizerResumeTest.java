package io.tfjmnist.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.checkpoint.CheckpointIndex;
import io.tfjmnist.checkpoint.CheckpointLayout;
import io.tfjmnist.data.MnistData;
import io.tfjmnist.modelfiles.ModelFiles;
import io.tfjmnist.optimizers.Optimizer;
import io.tfjmnist.optimizers.RmsProp;
import io.tfjmnist.optimizers.Sgd;
import io.tfjmnist.testing.TestData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --resume} continues every optimizer exactly, from checkpoints of either layout: training 2
 * epochs equals training 1, then resuming from the {@code --checkpoint-dir} checkpoint for the
 * second, step loss for step loss and weight for weight. SGD with momentum and RMSprop with momentum
 * carry a slot each step depends on, so a state saved or restored wrongly (Adam's slots, zeros) shows
 * at the second epoch's first step. Adam's resume is covered by {@link TrainingJobTest} and TrainerTest.
 * Both runs are in one process with the same kernels and threads, so equality is exact on every CPU.
 */
class OptimizerResumeTest {
  @TempDir
  Path dir;

  private static MnistData small() {
    MnistData m = TestData.mnist();
    return new MnistData(m.dataset(), m.train().take(320), m.test().take(64), m.origin());
  }

  /** Every step's loss, in order. */
  private static final class StepLosses implements TrainingListener {
    final List<Float> losses = new ArrayList<>();

    @Override
    public void onBatchEnd(int epoch, int step, int stepsPerEpoch, float loss, float accuracy, long images, long elapsed) {
      losses.add(loss);
    }
  }

  @Test
  void resumingContinuesSgdAndRmspropExactlyInBothLayouts() {
    MnistData data = small();
    for (Optimizer o : List.of(new Sgd(0.05f, 0.9f, true), new RmsProp(0.001f, 0.9f, 0.5f, 1e-7f))) {
      TrainingConfig two = TrainingConfig.quickstartDefaults().withEpochs(2).withShuffleBuffer(320).withCompile(o, false);
      StepLosses full = new StepLosses();
      Path fullWeights = dir.resolve(o.kerasClassName() + "-full");
      assertInstanceOf(TrainingJob.Completed.class,
          new TrainingJob(two, TrainingOptions.saveTo(fullWeights).build()).prepare(data).run(List.of(full)));
      assertEquals(20, full.losses.size());

      for (CheckpointLayout layout : CheckpointLayout.values()) {
        String what = o.describe() + " " + layout;
        Path checkpoints = dir.resolve(o.kerasClassName() + "-" + layout + "-ckpts");
        new TrainingJob(two.withEpochs(1), TrainingOptions.saveTo(dir.resolve(o.kerasClassName() + "-" + layout + "-1"))
            .checkpointDir(checkpoints).checkpointLayout(layout).build()).run(data);
        List<String> keys = CheckpointIndex.open(checkpoints.resolve("ckpt-1")).keys();
        assertTrue(keys.contains(layout == CheckpointLayout.KERAS3 ? "optimizer/_iterations/.ATTRIBUTES/VARIABLE_VALUE"
            : "optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE"), what + ": the checkpoint folder follows the layout: " + keys);

        StepLosses resumed = new StepLosses();
        Path resumedWeights = dir.resolve(o.kerasClassName() + "-" + layout + "-2");
        TrainingJob.Prepared p = new TrainingJob(two, TrainingOptions.saveTo(resumedWeights).checkpointDir(checkpoints)
            .resume(true).checkpointLayout(layout).build()).prepare(data);
        assertTrue(p.resumed().isPresent(), what);
        assertInstanceOf(TrainingJob.Completed.class, p.run(List.of(resumed)));
        assertEquals(full.losses.subList(10, 20), resumed.losses, what + ": the second epoch's step losses");
        assertEquals(0.0, ModelFiles.read(resumedWeights).weights().maxAbsDifference(ModelFiles.read(fullWeights).weights()),
            what);
      }
    }
  }

  @Test
  void resumingWithAnotherOptimizerIsRefusedByName() {
    MnistData data = small();
    TrainingConfig sgd = TrainingConfig.quickstartDefaults().withEpochs(1).withShuffleBuffer(320)
        .withCompile(new Sgd(0.05f, 0.9f, false), false);
    Path checkpoints = dir.resolve("ckpts");
    new TrainingJob(sgd, TrainingOptions.saveTo(dir.resolve("sgd")).checkpointDir(checkpoints).build()).run(data);
    TrainingJob adam = new TrainingJob(TrainingConfig.quickstartDefaults().withEpochs(2).withShuffleBuffer(320),
        TrainingOptions.saveTo(dir.resolve("adam")).checkpointDir(checkpoints).resume(true).build());
    TfjMnistException e = assertThrows(TfjMnistException.class, () -> adam.prepare(data));
    assertTrue(e.getMessage().contains("trained with SGD(learning_rate=0.05, momentum=0.9, nesterov=False), but this run"
        + " uses Adam("), e.getMessage());
  }
}
