package io.tfjmnist.training;

import io.tfjmnist.optimizers.OptimizerState;
import io.tfjmnist.TfjMnistException;
import io.tfjmnist.training.CheckpointManager;
import io.tfjmnist.training.TrainingProgress;
import io.tfjmnist.checkpoint.WeightsFiles;
import io.tfjmnist.data.Dataset;
import io.tfjmnist.data.MnistData;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.training.callbacks.CsvLogger;
import io.tfjmnist.training.callbacks.EarlyStopping;
import io.tfjmnist.training.callbacks.HistoryPlot;
import io.tfjmnist.training.callbacks.InterruptHandler;
import io.tfjmnist.training.callbacks.PeriodicCheckpoint;
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
   */
  public record Options(Path weights, Path checkpointDir, boolean resume, Path logdir, Path history,
      Path plotHistory, String earlyStopping, double validationSplit, boolean progressBar, boolean handleCtrlC) {}

  /** What the job did: the result of the training call and how the process should exit. */
  public record Outcome(TrainingResult result, int exitCode, Path savedWeights) {}

  private final TrainingConfig config;
  private final Options options;
  private final PrintStream out;
  private final PrintStream err;

  public TrainingJob(TrainingConfig config, Options options, PrintStream out, PrintStream err) {
    this.config = config;
    this.options = options;
    this.out = out;
    this.err = err;
  }

  public Outcome run(MnistData data) {
    ModelArchitecture arch = ModelArchitecture.quickstartCnn();
    Dataset train = data.train();
    Dataset eval = data.test();
    String evalName = "Test";
    if (options.validationSplit() > 0) {
      if (!(options.validationSplit() < 1)) {
        throw new TfjMnistException("--validation-split must be in (0, 1), got " + options.validationSplit() + ".");
      }
      Dataset.Split split = train.validationSplit(options.validationSplit());
      train = split.train();
      eval = split.validation();
      evalName = "Validation";
    }
    if (options.resume() && options.checkpointDir() == null) {
      throw new TfjMnistException("--resume needs --checkpoint-dir: the folder the interrupted run saved its checkpoints in.");
    }
    Path checkpointDir = options.checkpointDir();
    if (checkpointDir != null && sameFolder(checkpointDir, options.weights())) {
      throw new TfjMnistException("--checkpoint-dir must not be the folder of --weights (" + checkpointDir
          + "): both keep a 'checkpoint' state file there.");
    }

    ModelWeights initial = ModelWeights.glorotUniform(arch, config.seed());
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
        final String replayName = evalName;
        previous.forEach(l -> out.println(l.line(replayName))); // the epochs done before, as they were printed
        err.println("Resuming from " + restored.get().prefix() + ": " + p.completedEpochs() + " epochs"
            + (p.stepInEpoch() > 0 ? " and " + p.stepInEpoch() + " steps" : "") + " done.");
      }
    }

    EarlyStopping earlyStopping = null;
    if (options.earlyStopping() != null) {
      try {
        earlyStopping = EarlyStopping.parse(options.earlyStopping());
      } catch (IllegalArgumentException e) {
        throw new TfjMnistException("--early-stopping: " + e.getMessage());
      }
      earlyStopping.replay(previous);
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
        listeners.add(options.resume() ? CsvLogger.resuming(options.history(), position.completedEpochs())
            : new CsvLogger(options.history(), false));
      }
      if (options.plotHistory() != null) {
        listeners.add(new HistoryPlot(options.plotHistory(), previous));
      }
      if (earlyStopping != null) {
        listeners.add(earlyStopping);
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
    if (earlyStopping != null && earlyStopping.stoppedEpoch() > 0) {
      out.println(earlyStopping.summary());
    }
    out.println("Finish training");
    // NAME.weights.h5 is Keras 3's format (the only name its save_weights accepts); any other name a TF checkpoint.
    WeightsFiles.save(options.weights(), result.weights(), result.optimizerState(), config.adam());
    out.println(WeightsFiles.isKeras3WeightsName(options.weights())
        ? "Saved weights to " + options.weights() + " (Keras 3 .weights.h5, with Adam's state)"
        : "Saved weights to " + options.weights() + ".index and " + options.weights() + ".data-00000-of-00001");
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
