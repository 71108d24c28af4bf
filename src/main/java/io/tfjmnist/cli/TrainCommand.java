package io.tfjmnist.cli;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.data.MnistData;
import io.tfjmnist.optimizers.Adam;
import io.tfjmnist.training.EpochLogs;
import io.tfjmnist.training.Trainer;
import io.tfjmnist.training.TrainingConfig;
import io.tfjmnist.training.TrainingJob;
import io.tfjmnist.training.TrainingListener;
import io.tfjmnist.training.TrainingPosition;
import io.tfjmnist.training.TrainingProgress;
import io.tfjmnist.training.callbacks.EarlyStopping;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code train}: the quickstart script's training loop, then {@code model.save_weights('mnist')}. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train the quickstart CNN (Conv2D(32,3x3) -> Flatten -> Dense(128) -> Dense(10)) like the Keras script.")
final class TrainCommand implements Callable<Integer> {
  /** Exit status of a run stopped by Ctrl-C, as shells report SIGINT. */
  static final int EXIT_INTERRUPTED = 130;

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
      description = "Checkpoint prefix to save to, like save_weights('mnist') (default: ${DEFAULT-VALUE}).")
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
    TrainingJob.Options options = options();
    MnistData mnist = data.load();
    PrintStream out = main.out;
    PrintStream err = main.err;

    TrainingJob.Prepared job = new TrainingJob(config, options).prepare(mnist);
    String label = job.evaluationName();
    if (resume && job.resumed().isEmpty()) {
      err.println("No checkpoint in " + checkpointDir + " yet: starting from the beginning.");
    }
    job.resumed().ifPresent(r -> {
      job.previousEpochs().forEach(l -> out.println(l.line(label))); // the epochs done before, as they were printed
      TrainingProgress p = r.progress();
      err.println("Resuming from " + r.checkpoint() + ": " + p.completedEpochs() + " epochs"
          + (p.stepInEpoch() > 0 ? " and " + p.stepInEpoch() + " steps" : "") + " done.");
    });

    List<TrainingListener> listeners = new ArrayList<>();
    if (!quiet && System.console() != null) {
      listeners.add(new ProgressBar(err));
    }
    listeners.add(new TrainingListener() {
      @Override
      public void onEpochEnd(EpochLogs logs, Trainer.Snapshot snapshot) {
        out.println(logs.line(label)); // the quickstart's "Epoch N, Loss: ..." line
        out.flush();
      }
    });
    TrainingJob.Outcome outcome = job.run(listeners);

    if (outcome instanceof TrainingJob.Interrupted stopped) {
      TrainingPosition p = stopped.position();
      err.println("Interrupted after epoch " + p.completedEpochs() + (p.atEpochBoundary() ? "" : " and "
          + p.stepsInEpoch() + " steps of epoch " + (p.completedEpochs() + 1)) + "; saved " + stopped.checkpoint() + ".");
      err.println("Resume with: train --resume --checkpoint-dir " + stopped.checkpointDir() + " (and the same flags).");
      return EXIT_INTERRUPTED;
    }
    TrainingJob.Completed done = (TrainingJob.Completed) outcome;
    done.earlyStopping().filter(es -> es.stoppedEpoch() > 0).ifPresent(es -> out.println(es.summary()));
    out.println("Finish training");
    out.println("Saved weights to " + done.savedWeights() + ".index and " + done.savedWeights() + ".data-00000-of-00001");
    return 0;
  }

  /** The callbacks' flags as job options; combinations that cannot work are refused here, in the flags' words. */
  private TrainingJob.Options options() {
    if (resume && checkpointDir == null) {
      throw new TfjMnistException("--resume needs --checkpoint-dir: the folder the interrupted run saved its checkpoints in.");
    }
    if (checkpointDir != null && TrainingJob.Options.sharesStateFile(checkpointDir, weights)) {
      throw new TfjMnistException("--checkpoint-dir must not be the folder of --weights (" + checkpointDir
          + "): both keep a 'checkpoint' state file there.");
    }
    if (validationSplit > 0 && !(validationSplit < 1)) {
      throw new TfjMnistException("--validation-split must be in (0, 1), got " + validationSplit + ".");
    }
    TrainingJob.Options.Builder b = TrainingJob.Options.saveTo(weights)
        .checkpointDir(checkpointDir)
        .resume(resume)
        .logdir(logdir)
        .history(history)
        .plotHistory(plotHistory)
        .validationSplit(validationSplit > 0 ? validationSplit : 0)
        .handleCtrlC(() -> {
          main.err.println();
          main.err.println("Interrupted: stopping after the current step (press Ctrl-C again to exit now).");
          main.err.flush();
        });
    if (earlyStopping != null) {
      try {
        b.earlyStopping(EarlyStopping.parse(earlyStopping));
      } catch (IllegalArgumentException e) {
        throw new TfjMnistException("--early-stopping: " + e.getMessage());
      }
    }
    return b.build();
  }
}
