package io.tfjmnist.testing;

import io.tfjmnist.keras.WeightsCheckpoint;
import io.tfjmnist.data.MnistData;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.training.Trainer;
import io.tfjmnist.training.TrainingConfig;
import io.tfjmnist.training.TrainingResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A quickstart model trained on the full MNIST training set (2 epochs, seed 42, about 99 % on the
 * test set), for tests that need a model that really recognises digits. Trained once per build
 * and cached as a checkpoint under {@code target/test-model/}, so later test classes and runs
 * load it instead of training again.
 */
public final class TrainedModel {
  public static final int EPOCHS = 2;
  private static ModelWeights weights;

  private TrainedModel() {}

  public static Path checkpointPrefix() {
    return Path.of("target", "test-model", "mnist-seed42-e" + EPOCHS).toAbsolutePath();
  }

  public static synchronized ModelWeights weights() {
    if (weights == null) {
      Path prefix = checkpointPrefix();
      if (Files.exists(prefix.resolveSibling(prefix.getFileName() + ".index"))) {
        weights = WeightsCheckpoint.load(prefix, ModelArchitecture.quickstartCnn()).weights();
      } else {
        MnistData mnist = TestData.mnist();
        TrainingResult r = new Trainer(TrainingConfig.quickstartDefaults().withEpochs(EPOCHS))
            .fit(ModelArchitecture.quickstartCnn(), mnist.train(), null, List.of());
        WeightsCheckpoint.save(prefix, r.weights(), r.optimizerState(), TrainingConfig.quickstartDefaults().adam());
        weights = r.weights();
      }
    }
    return weights;
  }
}
