package io.tfjmnist.examples;

import io.tfjmnist.data.DatasetLocator;
import io.tfjmnist.data.DatasetName;
import io.tfjmnist.data.MnistData;
import io.tfjmnist.images.preprocessing.Preprocessing;
import io.tfjmnist.inference.ImageClassifier;
import io.tfjmnist.inference.Prediction;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.modelfiles.LoadedModel;
import io.tfjmnist.modelfiles.ModelFiles;
import io.tfjmnist.optimizers.Adam;
import io.tfjmnist.training.Trainer;
import io.tfjmnist.training.TrainingConfig;
import io.tfjmnist.training.TrainingResult;
import java.nio.file.Path;
import java.util.List;

public class LibraryExample {
  public static void main(String[] args) {                 // args[0]: a photo of a digit, e.g. 7.jpg
    run(Path.of(args[0]), Path.of("mnist"), TrainingConfig.quickstartDefaults()); // the quickstart's recipe
  }

  static Prediction run(Path photo, Path weights, TrainingConfig config) {
    // --data-dir, $TFJ_MNIST_DATA, ~/.keras/datasets, ~/.cache/tfj-mnist, the copy in the jar, a download
    MnistData mnist = DatasetLocator.fromEnvironment().load(DatasetName.MNIST);
    TrainingResult result = new Trainer(config)
        .fit(ModelArchitecture.quickstartCnn(), mnist.train(), mnist.test(), List.of()); // listeners: progress, early stop...
    ModelFiles.write(weights, LoadedModel.of(result.weights(), result.optimizerState(), null), Adam.kerasDefaults());

    try (ImageClassifier classifier = ImageClassifier.fromCheckpoint(weights, Preprocessing.MNIST)) {
      Prediction p = classifier.classify(photo).prediction();  // or a BufferedImage, 784 floats,
      System.out.println(p.label() + " " + p.confidence());    // a batch; thread-safe
      return p;
    }
  }
}
