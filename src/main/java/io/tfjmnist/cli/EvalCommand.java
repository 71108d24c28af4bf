package io.tfjmnist.cli;

import io.tfjmnist.checkpoint.WeightsCheckpoint;
import io.tfjmnist.data.MnistData;
import io.tfjmnist.model.ModelArchitecture;
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

  @Option(names = "--weights", paramLabel = "PREFIX",
      description = "Checkpoint prefix written by train or by Python's save_weights (default: the data set's name, "
          + "mnist or fashion_mnist, as train names it).")
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
    data.validate();
    Path prefix = weights != null ? weights : Path.of(data.dataset.kerasName());
    ModelWeights w = WeightsCheckpoint.load(prefix, ModelArchitecture.quickstartCnn()).weights();
    MnistData mnist = data.load();
    Evaluation e = Trainer.evaluate(w, mnist.test(), batchSize, threads);
    spec.commandLine().getOut().print(e.summary(mnist.dataset().classNames().orElse(null)));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
