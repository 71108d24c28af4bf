package io.tfjmnist.training.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tfjmnist.training.CheckpointManager;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.model.WeightSpec;
import io.tfjmnist.model.layers.Activation;
import io.tfjmnist.model.layers.Dense;
import io.tfjmnist.model.layers.Flatten;
import io.tfjmnist.optimizers.OptimizerState;
import io.tfjmnist.training.Trainer;
import io.tfjmnist.training.TrainingConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint per epoch end, carrying the full history of a resumed run. */
class PeriodicCheckpointTest {
  @TempDir
  Path dir;

  @Test
  void savesEveryEpochWithProgressAndHistory() {
    long[] input = {28, 28, 1};
    Flatten f = new Flatten("flatten", input);
    ModelArchitecture arch = new ModelArchitecture("Tiny", input,
        List.of(f, new Dense("d", 10, Activation.SOFTMAX, f.outputShape()[0])));
    Map<String, float[]> zeros = new LinkedHashMap<>();
    for (WeightSpec s : arch.weights()) {
      zeros.put(s.path(), new float[(int) s.size()]);
    }
    CheckpointManager manager = new CheckpointManager(dir, 2);
    PeriodicCheckpoint pc = new PeriodicCheckpoint(manager, "mnist", List.of(FakeRun.logs(1, 0.3f)));
    TrainingConfig config = TrainingConfig.quickstartDefaults();
    pc.onTrainBegin(config, 320, 10);
    for (int e = 2; e <= 4; e++) {
      ModelWeights w = ModelWeights.glorotUniform(arch, e);
      OptimizerState s = new OptimizerState(e * 10L, zeros, zeros);
      pc.onEpochEnd(FakeRun.logs(e, 0.3f / e), new Trainer.Snapshot() {
        @Override
        public ModelWeights weights() {
          return w;
        }

        @Override
        public OptimizerState optimizerState() {
          return s;
        }
      });
    }
    assertEquals(List.of(dir.resolve("ckpt-2"), dir.resolve("ckpt-3")), manager.checkpoints());
    CheckpointManager.Restored r = manager.restoreLatest(arch).orElseThrow();
    assertEquals(dir.resolve("ckpt-3"), pc.lastSaved());
    assertEquals(4, r.progress().completedEpochs());
    assertEquals(40L, r.progress().globalStep());
    assertEquals(List.of(1, 2, 3, 4), r.progress().history().stream().map(io.tfjmnist.training.EpochLogs::epoch).toList());
    assertEquals(40L, r.optimizerState().iterations());
    assertEquals(0.0, r.weights().maxAbsDifference(ModelWeights.glorotUniform(arch, 4)));
  }
}
