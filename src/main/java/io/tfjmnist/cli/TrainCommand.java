package io.tfjmnist.cli;

import io.tfjmnist.data.MnistData;
import io.tfjmnist.optimizers.Adam;
import io.tfjmnist.training.TrainingConfig;
import io.tfjmnist.training.TrainingJob;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code train}: the quickstart script's training loop, then {@code model.save_weights('mnist')}. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train the quickstart CNN (Conv2D(32,3x3) -> Flatten -> Dense(128) -> Dense(10)) like the Keras script.")
final class TrainCommand implements Callable<Integer> {
  @Mixin
  DataOptions data;

  @Option(names = "--epochs", defaultValue = "5", description = "Epochs in total (default: ${DEFAULT-VALUE}).")
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

  @Option(names = "--device", paramLabel = "DEVICE",
      description = "Pin the graph to /CPU:0 or /GPU:N (GPU needs the -Pgpu build); default: TF's placement.")
  String device;

  @Option(names = "--deterministic",
      description = "Bit-identical runs for a given seed: one TF thread (see README).")
  boolean deterministic;

  @Option(names = "--weights", defaultValue = "mnist", paramLabel = "PREFIX",
      description = "Where to save: a TF checkpoint prefix, like Keras 2's save_weights('mnist'), or NAME.weights.h5 "
          + "for Keras 3's format (default: ${DEFAULT-VALUE}).")
  Path weights;

  @Option(names = "--checkpoint-dir", paramLabel = "DIR",
      description = "Save model and Adam state every epoch (ckpt-N, last 3 kept).")
  Path checkpointDir;

  @Option(names = "--resume", description = "Continue from the last complete checkpoint in --checkpoint-dir.")
  boolean resume;

  @Option(names = "--logdir", paramLabel = "DIR", description = "Write TensorBoard event files (train/, validation/).")
  Path logdir;

  @Option(names = "--history", paramLabel = "CSV", description = "Per-epoch metrics as CSV, like Keras's CSVLogger.")
  Path history;

  @Option(names = "--plot-history", paramLabel = "PNG", description = "Loss and accuracy curves as a PNG.")
  Path plotHistory;

  @Option(names = "--early-stopping", paramLabel = "PATIENCE",
      description = "Stop when test loss has not improved for PATIENCE epochs (or MONITOR:PATIENCE[:MIN_DELTA]).")
  String earlyStopping;

  @Option(names = "--validation-split", defaultValue = "0", paramLabel = "FRACTION",
      description = "Hold out the last FRACTION of the training set and evaluate on it instead of the test set.")
  double validationSplit;

  @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
  boolean quiet;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @CommandLine.ParentCommand
  Main main;

  @Override
  public Integer call() {
    TrainingConfig config;
    try {
      config = new TrainingConfig(epochs, batchSize, shuffleBuffer,
          Adam.kerasDefaults().withLearningRate(learningRate), seed, deterministic ? 1 : threads, device);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    MnistData mnist = data.load();
    boolean bar = !quiet && System.console() != null;
    TrainingJob.Options options = new TrainingJob.Options(weights, checkpointDir, resume, logdir, history,
        plotHistory, earlyStopping, validationSplit, bar, true);
    return new TrainingJob(config, options, main.out, main.err).run(mnist).exitCode();
  }
}
