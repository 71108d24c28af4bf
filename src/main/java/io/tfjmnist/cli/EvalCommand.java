package io.tfjmnist.cli;

import io.tfjmnist.savedmodel.KerasModelFiles;
import io.tfjmnist.data.MnistData;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.training.Evaluation;
import io.tfjmnist.training.Trainer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code eval}: restores a checkpoint and reports test loss, accuracy and the confusion matrix. */
@Command(name = "eval", mixinStandardHelpOptions = true,
    description = "Evaluate saved weights on the test set: loss, accuracy, per-class accuracy, confusion matrix.")
final class EvalCommand implements java.util.concurrent.Callable<Integer> {
  @Mixin
  DataOptions data;

  @Option(names = "--weights", defaultValue = "mnist", paramLabel = "PREFIX",
      description = "Weights: TF checkpoint prefix (train, Keras 2 save_weights), Keras 3 NAME.weights.h5, "
          + "legacy .h5 or a .keras model (default: ${DEFAULT-VALUE}).")
  Path weights;

  @Option(names = "--batch-size", defaultValue = "32", description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--threads", defaultValue = "0", description = "TF threads; 0 = TF's default.")
  int threads;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (batchSize < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--batch-size must be at least 1, got " + batchSize);
    }
    ModelWeights w = KerasModelFiles.loadWeights(weights);
    MnistData mnist = data.load();
    Evaluation e = Trainer.evaluate(w, mnist.test(), batchSize, threads);
    spec.commandLine().getOut().print(e.summary());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
