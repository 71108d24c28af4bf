package io.tfjmnist.training;

import io.tfjmnist.optimizers.OptimizerState;
import io.tfjmnist.TfjMnistException;
import io.tfjmnist.training.CheckpointManager;
import io.tfjmnist.training.TrainingProgress;
import io.tfjmnist.checkpoint.WeightsCheckpoint;
import io.tfjmnist.data.Dataset;
import io.tfjmnist.data.MnistData;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.training.callbacks.CsvLogger;
import io.tfjmnist.training.callbacks.EarlyStopping;
import io.tfjmnist.training.callbacks.HistoryPlot;
import io.tfjmnist.training.callbacks.InterruptHandler;
import io.tfjmnist.training.callbacks.PeriodicCheckpoint;
import io.tfjmnist.training.callbacks.StepLimit;
import io.tfjmnist.training.callbacks.StepLossLog;
import io.tfjmnist.training.callbacks.TensorBoardWriter;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code train} command's work as a library call: the quickstart's training run plus what Keras
 * callbacks add (resumable checkpoints, TensorBoard, CSV history, curves, early stopping, Ctrl-C),
 * then {@code save_weights}. Kept out of the CLI so a service can run the same job.
 */
public final class TrainingJob {
  /** Exit status of a run stopped by Ctrl-C, as shells report SIGINT. */
  public static final int INTERRUPTED = 130;

  /**
   * @param weights where to save the final weights ({@code save_weights} prefix)
   * @param checkpointDir where to keep per-epoch checkpoints; null for none
   * @param validationSplit fraction of the training set held out (Keras's last fraction); 0 for none,
   *     in which case the quickstart's test set is evaluated each epoch
   * @param handleCtrlC whether SIGINT stops training after the current step (the CLI); tests pass false
   * @param restoreBestWeights Keras's {@code EarlyStopping(restore_best_weights=True)}: save the best
   *     epoch's weights instead of the last's (needs {@code earlyStopping})
   */
  public record Options(Path weights, Path checkpointDir, boolean resume, Path logdir, Path history,
      Path plotHistory, String earlyStopping, double validationSplit, boolean progressBar, boolean handleCtrlC,
      boolean restoreBestWeights) {
    /** Without {@code restoreBestWeights}. */
    public Options(Path weights, Path checkpointDir, boolean resume, Path logdir, Path history,
        Path plotHistory, String earlyStopping, double validationSplit, boolean progressBar, boolean handleCtrlC) {
      this(weights, checkpointDir, resume, logdir, history, plotHistory, earlyStopping, validationSplit,
          progressBar, handleCtrlC, false);
    }
  }

  /**
   * What replaying a Python run adds (see README, "Replaying a Python run").
   *
   * @param initialWeights weights to start from instead of Java's Glorot draw (a TF checkpoint prefix); null for none
   * @param stepLog where to write every step's loss as CSV ({@link StepLossLog}); null for none
   * @param maxSteps stop after this many optimizer steps in all; 0 for no limit
   */
  public record Replay(Path initialWeights, Path stepLog, long maxSteps) {
    public static final Replay NONE = new Replay(null, null, 0);

    public Replay {
      if (maxSteps < 0) {
        throw new TfjMnistException("--max-steps must be 1 or more, got " + maxSteps + ".");
      }
    }
  }

  /** What the job did: the result of the training call and how the process should exit. */
  public record Outcome(TrainingResult result, int exitCode, Path savedWeights) {}

  private final TrainingConfig config;
  private final Options options;
  private final PrintStream out;
  private final PrintStream err;
  private final Replay replay;

  public TrainingJob(TrainingConfig config, Options options, PrintStream out, PrintStream err) {
    this(config, options, out, err, Replay.NONE);
  }

  private TrainingJob(TrainingConfig config, Options options, PrintStream out, PrintStream err, Replay replay) {
    this.config = config;
    this.options = options;
    this.out = out;
    this.err = err;
    this.replay = replay;
  }

  /** The same job with a replay's additions: initial weights, step log, step limit. */
  public TrainingJob withReplay(Replay r) {
    return new TrainingJob(config, options, out, err, r == null ? Replay.NONE : r);
  }

  /**
   * The weights a run starts from when given a file. Reads TF checkpoints (Java's, or Python's for this
   * model); the Keras 3 {@code .weights.h5} / {@code .keras} formats come with their reader.
   */
  static ModelWeights readInitialWeights(Path file, ModelArchitecture arch) {
    String name = file.toString();
    if (name.endsWith(".h5") || name.endsWith(".keras")) {
      throw new TfjMnistException("Cannot start from " + file + ": this build reads initial weights from TF checkpoints "
          + "(a prefix such as 'mnist', or its .index file) only.");
    }
    Path prefix = name.endsWith(".index") ? Path.of(name.substring(0, name.length() - ".index".length())) : file;
    return WeightsCheckpoint.load(prefix, arch).weights();
  }

  public Outcome run(MnistData data) {
    ModelArchitecture arch = ModelArchitecture.quickstartCnn();
    Dataset train = data.train();
    Dataset eval = data.test();
    String evalName = "Test";
    boolean validating = false;
    if (options.validationSplit() > 0) {
      if (!(options.validationSplit() < 1)) {
        throw new TfjMnistException("--validation-split must be in (0, 1), got " + options.validationSplit() + ".");
      }
      Dataset.Split split = train.validationSplit(options.validationSplit());
      train = split.train();
      eval = split.validation();
      evalName = "Validation";
      validating = true;
    }
    if (options.resume() && options.checkpointDir() == null) {
      throw new TfjMnistException("--resume needs --checkpoint-dir: the folder the interrupted run saved its checkpoints in.");
    }
    Path checkpointDir = options.checkpointDir();
    if (checkpointDir != null && sameFolder(checkpointDir, options.weights())) {
      throw new TfjMnistException("--checkpoint-dir must not be the folder of --weights (" + checkpointDir
          + "): both keep a 'checkpoint' state file there.");
    }

    ModelWeights initial = replay.initialWeights() == null ? ModelWeights.glorotUniform(arch, config.seed())
        : readInitialWeights(replay.initialWeights(), arch);
    OptimizerState state = null;
    TrainingPosition position = TrainingPosition.start();
    List<EpochLogs> previous = List.of();
    CheckpointManager manager = checkpointDir == null ? null : new CheckpointManager(checkpointDir);
    if (options.resume()) {
      Optional<CheckpointManager.Restored> restored = manager.restoreLatest(arch);
      if (restored.isEmpty()) {
        err.println("No checkpoint in " + checkpointDir + " yet: starting from the beginning.");
      } else {
        TrainingProgress p = restored.get().progress();
        String why = p.incompatibility(config, data.name());
        if (why != null) {
          throw new TfjMnistException(why + " Resume with the same settings, or start afresh without --resume.");
        }
        initial = restored.get().weights();
        state = restored.get().optimizerState();
        position = new TrainingPosition(p.completedEpochs(), p.stepInEpoch(), p.lossTotal(), p.lossCount(),
            p.correct(), p.count());
        previous = p.history();
        err.println("Resuming from " + restored.get().prefix() + ": " + p.completedEpochs() + " epochs"
            + (p.stepInEpoch() > 0 ? " and " + p.stepInEpoch() + " steps" : "") + " done.");
        err.flush(); // said before the replayed lines, which go to the other stream
        final String replayName = evalName;
        previous.forEach(l -> out.println(l.line(replayName))); // the epochs done before, as they were printed
      }
    }

    EarlyStopping earlyStopping = null;
    if (options.earlyStopping() != null) {
      try {
        earlyStopping = EarlyStopping.parse(options.earlyStopping());
      } catch (IllegalArgumentException e) {
        throw new TfjMnistException("--early-stopping: " + e.getMessage());
      }
      if (options.restoreBestWeights()) {
        earlyStopping = earlyStopping.restoringBestWeights();
      }
      earlyStopping.replay(previous);
    } else if (options.restoreBestWeights()) {
      throw new TfjMnistException("--restore-best-weights needs --early-stopping, whose monitor decides which epoch is best.");
    }

    TrainingResult result;
    InterruptHandler interrupt = options.handleCtrlC() ? InterruptHandler.install(err) : InterruptHandler.none();
    try (interrupt; TensorBoardWriter tensorBoard = options.logdir() == null ? null : new TensorBoardWriter(options.logdir())) {
      List<TrainingListener> listeners = new ArrayList<>();
      if (options.progressBar()) {
        listeners.add(new ProgressBar(err));
      }
      listeners.add(interrupt);
      final String label = evalName;
      listeners.add(new TrainingListener() {
        @Override
        public void onEpochEnd(EpochLogs logs, Trainer.Snapshot snapshot) {
          out.println(logs.line(label));
          out.flush();
        }
      });
      if (tensorBoard != null) {
        listeners.add(tensorBoard);
      }
      if (options.history() != null) {
        CsvLogger csv = options.resume() ? CsvLogger.resuming(options.history(), position.completedEpochs())
            : new CsvLogger(options.history(), false);
        listeners.add(validating ? csv.forValidation() : csv); // val_* columns, as Keras names them
      }
      if (options.plotHistory() != null) {
        listeners.add(new HistoryPlot(options.plotHistory(), previous, validating ? "val" : "test"));
      }
      if (earlyStopping != null) {
        listeners.add(earlyStopping);
      }
      if (replay.stepLog() != null) {
        listeners.add(new StepLossLog(replay.stepLog()));
      }
      if (replay.maxSteps() > 0) {
        listeners.add(new StepLimit(replay.maxSteps()));
      }
      if (manager != null) {
        listeners.add(new PeriodicCheckpoint(manager, data.name(), previous)); // last: after every other epoch-end
      }
      result = new Trainer(config).fit(arch, initial, state, position, train, eval, listeners);
    }

    if (interrupt.stopRequested()) {
      return interrupted(result, manager != null ? manager
          : new CheckpointManager(defaultCheckpointDir(options.weights())), data.name(), train.size(), previous);
    }
    ModelWeights saved = result.weights();
    int lastEpoch = result.position().completedEpochs();
    if (earlyStopping != null && earlyStopping.stoppedEpoch() > 0) {
      out.println(earlyStopping.summary(validating ? "val" : "test"));
    }
    if (earlyStopping != null && earlyStopping.restoresBestWeights()) {
      // Keras 3 restores the best weights at the end of training, whether it stopped early or not.
      Optional<ModelWeights> best = earlyStopping.bestWeights();
      if (best.isPresent()) {
        saved = best.get();
        out.println("Restoring model weights from the end of the best epoch: " + earlyStopping.bestEpoch() + ".");
      } else if (earlyStopping.bestEpoch() > 0) {
        out.println("The best epoch (" + earlyStopping.bestEpoch() + ") ran before the resume, so its weights are"
            + " not at hand: keeping the weights of epoch " + lastEpoch + ".");
      }
    } else if (earlyStopping != null && earlyStopping.stoppedEpoch() > 0) {
      out.println("Keeping the weights of the last epoch (" + lastEpoch + "), as Keras does without"
          + " --restore-best-weights.");
    }
    out.println("Finish training");
    WeightsCheckpoint.save(options.weights(), saved, result.optimizerState(), config.adam());
    out.println("Saved weights to " + options.weights() + ".index and " + options.weights() + ".data-00000-of-00001");
    return new Outcome(result, 0, options.weights());
  }

  /** Ctrl-C: save exactly where training stopped and say how to continue. */
  private Outcome interrupted(TrainingResult result, CheckpointManager manager, String dataset, int trainSize,
      List<EpochLogs> previous) {
    TrainingPosition p = result.position();
    int stepsPerEpoch = (trainSize + config.batchSize() - 1) / config.batchSize();
    List<EpochLogs> history = new ArrayList<>(previous);
    history.addAll(result.history());
    TrainingProgress progress = p.atEpochBoundary()
        ? TrainingProgress.atEpochEnd(config, dataset, p.completedEpochs(), stepsPerEpoch, history)
        : TrainingProgress.midEpoch(config, dataset, p.completedEpochs(), p.stepsInEpoch(), stepsPerEpoch,
            p.lossTotal(), p.lossCount(), p.correct(), p.seen(), history);
    Path saved = manager.save(result.weights(), result.optimizerState(), config.adam(), progress);
    err.println("Interrupted after epoch " + p.completedEpochs() + (p.atEpochBoundary() ? "" : " and " + p.stepsInEpoch()
        + " steps of epoch " + (p.completedEpochs() + 1)) + "; saved " + saved + ".");
    err.println("Resume with: train --resume --checkpoint-dir " + manager.directory() + " (and the same flags).");
    return new Outcome(result, INTERRUPTED, saved);
  }

  /** Where a Ctrl-C checkpoint goes when no --checkpoint-dir was given: beside the weights. */
  static Path defaultCheckpointDir(Path weights) {
    Path abs = weights.toAbsolutePath();
    return abs.resolveSibling(abs.getFileName() + "_checkpoints");
  }

  private static boolean sameFolder(Path dir, Path weightsPrefix) {
    Path a = dir.toAbsolutePath().normalize();
    Path b = weightsPrefix.toAbsolutePath().normalize().getParent();
    return a.equals(b);
  }
}
