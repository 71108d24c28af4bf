package io.tfjmnist.training.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.training.EpochLogs;
import io.tfjmnist.optimizers.OptimizerState;
import io.tfjmnist.training.Trainer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keras's EarlyStopping rule on made-up epoch sequences. */
class EarlyStoppingTest {

  /** Feeds test losses epoch by epoch; returns the epoch after which a stop was requested, or 0. */
  private static int stopAfter(EarlyStopping es, float... testLosses) {
    for (int e = 1; e <= testLosses.length; e++) {
      es.onEpochEnd(FakeRun.logs(e, testLosses[e - 1]), null);
      if (es.stopRequested()) {
        return e;
      }
    }
    return 0;
  }

  @Test
  void stopsAfterPatienceEpochsWithoutImprovement() {
    EarlyStopping es = new EarlyStopping("test_loss", 2);
    assertEquals(5, stopAfter(es, 0.5f, 0.4f, 0.3f, 0.31f, 0.30f, 0.1f));
    assertEquals(3, es.bestEpoch());
    assertEquals(0.3f, (float) es.best());
    assertEquals(5, es.stoppedEpoch());
    assertEquals("Early stopping after epoch 5: test_loss did not improve for 2 epochs; best 0.3 at epoch 3.", es.summary());
  }

  @Test
  void anImprovementResetsTheWait() {
    EarlyStopping es = new EarlyStopping("test_loss", 2);
    assertEquals(0, stopAfter(es, 0.5f, 0.6f, 0.4f, 0.45f, 0.3f));
    assertEquals(5, es.bestEpoch());
    assertFalse(es.stopRequested());
  }

  @Test
  void patienceZeroStopsAtTheFirstEpochWithoutImprovement() {
    assertEquals(2, stopAfter(new EarlyStopping("test_loss", 0), 0.5f, 0.5f, 0.1f));
  }

  @Test
  void minDeltaMustBeBeaten() {
    EarlyStopping es = new EarlyStopping("test_loss", 1, 0.05f, EarlyStopping.Mode.AUTO, false);
    assertEquals(3, stopAfter(es, 0.5f, 0.4f, 0.36f));
    assertEquals(2, es.bestEpoch());
  }

  @Test
  void accuracyIsMaximisedInAutoMode() {
    EarlyStopping es = new EarlyStopping("val_accuracy", 1);
    assertEquals("test_accuracy", es.monitor());
    for (int e = 1; e <= 3; e++) {
      es.onEpochEnd(new EpochLogs(e, 0.1f, 0.9f, 0.2f, e == 1 ? 0.97f : 0.96f, 0, 0, 0), null);
    }
    assertTrue(es.stopRequested());
    assertEquals(1, es.bestEpoch());
  }

  @Test
  void nanNeverImproves() {
    EarlyStopping es = new EarlyStopping("loss", 1);
    es.onEpochEnd(new EpochLogs(1, 0.3f, 0.9f, 0.2f, 0.9f, 0, 0, 0), null);
    es.onEpochEnd(new EpochLogs(2, Float.NaN, 0.9f, 0.2f, 0.9f, 0, 0, 0), null);
    assertTrue(es.stopRequested());
  }

  @Test
  void replayCarriesPatienceAcrossAResume() {
    EarlyStopping es = new EarlyStopping("test_loss", 2);
    es.replay(List.of(FakeRun.logs(1, 0.3f), FakeRun.logs(2, 0.4f)));
    assertFalse(es.stopRequested());
    assertEquals(1, es.epochsWithoutImprovement());
    es.onEpochEnd(FakeRun.logs(3, 0.35f), null);
    assertTrue(es.stopRequested());
    assertEquals(1, es.bestEpoch());
  }

  @Test
  void keepsTheBestEpochsWeights() {
    ModelArchitecture arch = ModelArchitecture.quickstartCnn();
    EarlyStopping es = new EarlyStopping("test_loss", 1, 0f, EarlyStopping.Mode.AUTO, true);
    float[] losses = {0.5f, 0.2f, 0.3f};
    for (int e = 1; e <= 3; e++) {
      ModelWeights w = ModelWeights.glorotUniform(arch, e);
      es.onEpochEnd(FakeRun.logs(e, losses[e - 1]), new Trainer.Snapshot() {
        @Override
        public ModelWeights weights() {
          return w;
        }

        @Override
        public OptimizerState optimizerState() {
          throw new AssertionError("not needed");
        }
      });
    }
    assertTrue(es.stopRequested());
    assertEquals(0.0, es.bestWeights().orElseThrow().maxAbsDifference(ModelWeights.glorotUniform(arch, 2)));
  }

  @Test
  void parsesCommandLineSpecs() {
    EarlyStopping a = EarlyStopping.parse("3");
    assertEquals("test_loss", a.monitor());
    assertEquals("loss", EarlyStopping.parse("loss:0").monitor());
    EarlyStopping c = EarlyStopping.parse("test_loss:1:0.05");
    assertEquals(3, stopAfter(c, 0.5f, 0.4f, 0.36f));
    assertThrows(IllegalArgumentException.class, () -> EarlyStopping.parse("val_acc:2"));
    assertThrows(IllegalArgumentException.class, () -> EarlyStopping.parse("loss:x"));
    assertThrows(IllegalArgumentException.class, () -> EarlyStopping.parse("-1"));
    assertThrows(IllegalArgumentException.class, () -> EarlyStopping.parse(""));
  }

  @Test
  void monitoringTheTestSetWithoutOneIsAUserError() {
    EarlyStopping es = new EarlyStopping("test_loss", 1);
    TfjMnistException e = assertThrows(TfjMnistException.class,
        () -> es.onEpochEnd(new EpochLogs(1, 0.3f, 0.9f, Float.NaN, Float.NaN, 0, 0, 0), null));
    assertTrue(e.getMessage().endsWith("."));
  }
}
