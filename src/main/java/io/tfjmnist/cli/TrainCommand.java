package io.tfjmnist.cli;

import io.tfjmnist.checkpoint.WeightsCheckpoint;
import io.tfjmnist.data.MnistData;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.training.Adam;
import io.tfjmnist.training.EpochLogs;
import io.tfjmnist.training.ProgressBar;
import io.tfjmnist.training.Trainer;
import io.tfjmnist.training.TrainingConfig;
import io.tfjmnist.training.TrainingListener;
import io.tfjmnist.training.TrainingResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code train}: the seed script's training loop, then {@code model.save_weights('mnist')}. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train the seed CNN (Conv2D(32,3x3) -> Flatten -> Dense(128) -> Dense(10)) like the Keras script.")
final class TrainCommand implements Callable<Integer> {
  @Mixin
  DataOptions data;

  @Option(names = "--epochs", defaultValue = "5", description = "Epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "32", description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--shuffle-buffer", defaultValue = "10000",
      description = "tf.data shuffle buffer size (default: ${DEFAULT-VALUE}).")
  int shuffleBuffer;

  @Option(names = "--learning-rate", defaultValue = "0.001", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
  float learningRate;

  @Option(names = "--seed", defaultValue = "42",
      description = "Fixes initial weights and shuffle order (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--threads", defaultValue = "0",
      description = "TF intra/inter-op threads; 0 = TF's default (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--weights", defaultValue = "mnist", paramLabel = "PREFIX",
      description = "Checkpoint prefix to save to, like save_weights('mnist') (default: ${DEFAULT-VALUE}).")
  Path weights;

  @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
  boolean quiet;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    TrainingConfig config;
    try {
      config = new TrainingConfig(epochs, batchSize, shuffleBuffer,
          Adam.kerasDefaults().withLearningRate(learningRate), seed, threads);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    MnistData mnist = data.load();
    PrintWriter out = spec.commandLine().getOut();
    List<TrainingListener> listeners = new ArrayList<>();
    if (!quiet && System.console() != null) {
      listeners.add(new ProgressBar(System.err));
    }
    listeners.add(new TrainingListener() {
      @Override
      public void onEpochEnd(EpochLogs logs, Trainer.Snapshot snapshot) {
        out.println(logs.line());
        out.flush();
      }
    });
    TrainingResult result = new Trainer(config)
        .fit(ModelArchitecture.seedCnn(), mnist.train(), mnist.test(), listeners);
    out.println("Finish training");
    WeightsCheckpoint.save(weights, result.weights(), result.optimizerState(), config.adam());
    out.println("Saved weights to " + weights + ".index and " + weights + ".data-00000-of-00001");
    return 0;
  }
}
