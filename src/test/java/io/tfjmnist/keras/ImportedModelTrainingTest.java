package io.tfjmnist.keras;

import io.tfjmnist.savedmodel.Fixtures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.data.Dataset;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.training.Evaluation;
import io.tfjmnist.training.Trainer;
import io.tfjmnist.training.TrainingConfig;
import io.tfjmnist.training.TrainingResult;
import io.tfjmnist.testing.TestData;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Imported Keras models go through the project's Trainer like the quickstart model: same weight paths, same graph builder. */
class ImportedModelTrainingTest {

  @Test
  void importedCnnEvaluatesAndTrains() {
    ImportedKerasModel m = KerasModelImporter.fromSavedModel(Fixtures.cnnMaxpool());
    Dataset test = TestData.mnist().test().take(256);
    Evaluation e = Trainer.evaluate(m.weights(), test, 64, 0);
    assertTrue(e.accuracy() > 0.95, "accuracy " + e.accuracy());

    // One short epoch from fresh weights: gradients flow through MaxPooling2D and the Keras-named layers.
    ModelArchitecture arch = m.architecture();
    TrainingResult r = new Trainer(TrainingConfig.quickstartDefaults().withEpochs(1).withShuffleBuffer(64))
        .fit(arch, TestData.mnist().train().take(128), test.take(64), List.of());
    assertEquals(arch.weights().size(), r.weights().asMap().size());
    assertTrue(r.weights().maxAbsDifference(io.tfjmnist.model.ModelWeights.glorotUniform(arch, 42)) > 0);
  }
}
