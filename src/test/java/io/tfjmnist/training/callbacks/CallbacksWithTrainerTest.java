package io.tfjmnist.training.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.training.CheckpointManager;
import io.tfjmnist.data.Dataset;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.layers.Activation;
import io.tfjmnist.model.layers.Dense;
import io.tfjmnist.model.layers.Flatten;
import io.tfjmnist.training.EpochLogs;
import io.tfjmnist.training.Trainer;
import io.tfjmnist.training.TrainingConfig;
import io.tfjmnist.training.TrainingListener;
import io.tfjmnist.training.TrainingResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every callback attached to a real (tiny) Trainer run, as the train command wires them. */
class CallbacksWithTrainerTest {
  private static final ModelArchitecture TINY = tiny();

  @TempDir
  Path dir;

  private static ModelArchitecture tiny() {
    long[] input = {28, 28, 1};
    Flatten f = new Flatten("flatten", input);
    return new ModelArchitecture("Tiny", input, List.of(f, new Dense("d", 10, Activation.SOFTMAX, f.outputShape()[0])));
  }

  private static Dataset random(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    byte[] images = new byte[n * Dataset.PIXELS];
    byte[] labels = new byte[n];
    for (int i = 0; i < n; i++) {
      labels[i] = (byte) r.nextInt(10);
      for (int p = 0; p < Dataset.PIXELS; p++) {
        // a weak class signal so the loss moves
        images[i * Dataset.PIXELS + p] = (byte) (p % 10 == labels[i] ? 200 : r.nextInt(60));
      }
    }
    return Dataset.of(images, labels);
  }

  @Test
  void allCallbacksRecordTheSameRun() throws Exception {
    TrainingConfig config = TrainingConfig.quickstartDefaults().withEpochs(3).withShuffleBuffer(256).withThreads(1);
    CheckpointManager manager = new CheckpointManager(dir.resolve("ckpts"));
    EarlyStopping early = new EarlyStopping("test_loss", 5);
    TrainingResult result;
    Path trainEvents;
    try (TensorBoardWriter tb = new TensorBoardWriter(dir.resolve("logs"), 4);
        InterruptHandler interrupt = InterruptHandler.none()) {
      List<TrainingListener> listeners = List.of(tb, new CsvLogger(dir.resolve("history.csv"), false),
          new HistoryPlot(dir.resolve("history.png")), early, interrupt,
          new PeriodicCheckpoint(manager, "synthetic", List.of()));
      result = new Trainer(config).fit(TINY, random(256, 1), random(64, 2), listeners);
      trainEvents = tb.trainFile();
    }
    List<EpochLogs> history = result.history();
    assertEquals(3, history.size());

    List<EventFileReader.Scalar> scalars = EventFileReader.scalars(trainEvents);
    assertEquals(history.stream().map(EpochLogs::loss).toList(),
        scalars.stream().filter(s -> s.tag().equals("epoch_loss")).map(EventFileReader.Scalar::value).toList());
    assertEquals(List.of(4L, 8L, 12L, 16L, 20L, 24L),
        scalars.stream().filter(s -> s.tag().equals("batch_loss")).map(EventFileReader.Scalar::step).toList());

    List<EpochLogs> csv = CsvHistory.read(dir.resolve("history.csv")).epochs();
    for (int i = 0; i < 3; i++) {
      assertEquals(history.get(i).loss(), csv.get(i).loss());
      assertEquals(history.get(i).testAccuracy(), csv.get(i).testAccuracy());
    }
    assertTrue(Files.size(dir.resolve("history.png")) > 1000);

    CheckpointManager.Restored restored = manager.restoreLatest(TINY).orElseThrow();
    assertEquals(3, restored.progress().completedEpochs());
    assertEquals(24L, restored.progress().globalStep());
    assertEquals(24L, restored.optimizerState().iterations(), "global step = Adam iterations");
    assertEquals(0.0, restored.weights().maxAbsDifference(result.weights()));
    assertEquals(history, restored.progress().history());
    assertTrue(early.bestEpoch() >= 1);
  }

  @Test
  void aStopRequestMidEpochEndsTheRunAfterThatStep() {
    TrainingConfig config = TrainingConfig.quickstartDefaults().withEpochs(3).withThreads(1);
    try (InterruptHandler interrupt = InterruptHandler.none()) {
      TrainingListener ctrlC = new TrainingListener() {
        @Override
        public void onBatchEnd(int epoch, int step, int steps, float loss, float accuracy, long images, long elapsedNanos) {
          if (epoch == 2 && step == 3) {
            interrupt.requestStop(); // what the first SIGINT does
          }
        }
      };
      TrainingResult r = new Trainer(config).fit(TINY, random(256, 1), null, List.of(ctrlC, interrupt));
      assertTrue(r.stoppedEarly());
      assertEquals(1, r.history().size(), "the interrupted epoch is not reported");
      assertEquals(8L + 3, r.optimizerState().iterations(), "stopped right after the step");
    }
  }
}
