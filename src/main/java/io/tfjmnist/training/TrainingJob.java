package io.tfjmnist.training;

import io.tfjmnist.data.Dataset;
import io.tfjmnist.data.MnistData;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.modelfiles.LoadedModel;
import io.tfjmnist.modelfiles.ModelFiles;
import io.tfjmnist.optimizers.OptimizerState;
import io.tfjmnist.TfjMnistException;
import io.tfjmnist.training.callbacks.CsvLogger;
import io.tfjmnist.training.callbacks.EarlyStopping;
import io.tfjmnist.training.callbacks.HistoryPlot;
import io.tfjmnist.training.callbacks.InterruptHandler;
import io.tfjmnist.training.callbacks.PeriodicCheckpoint;
import io.tfjmnist.training.callbacks.StepLimit;
import io.tfjmnist.training.callbacks.StepLossLog;
import io.tfjmnist.training.callbacks.TensorBoardWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code train} command's work as a library call: the quickstart's training run plus what Keras
 * callbacks add (resumable checkpoints, TensorBoard, CSV history, curves, early stopping, Ctrl-C),
 * then {@code save_weights}. It returns what happened and throws on failure; it prints nothing, so a
 * service can run the same job and the CLI decides what the user sees:
 *
 * <pre>{@code
 * TrainingJob.Prepared job = new TrainingJob(config, TrainingOptions.saveTo(Path.of("mnist"))
 *     .checkpointDir(Path.of("ckpts")).resume(true).build()).prepare(data);  // restores, trains nothing yet
 * TrainingJob.Outcome outcome = job.run(List.of(myProgressListener));
 * }</pre>
 */
public final class TrainingJob {
  private final TrainingConfig config;
  private final TrainingOptions options;
  private final Replay replay;
  private TrainingOutputs claimed; // taken early by claimOutputs(), else by run()

  public TrainingJob(TrainingConfig config, TrainingOptions options) {
    this(config, options, Replay.NONE);
  }

  private TrainingJob(TrainingConfig config, TrainingOptions options, Replay replay) {
    this.config = Objects.requireNonNull(config, "config");
    this.options = Objects.requireNonNull(options, "options");
    this.replay = Objects.requireNonNull(replay, "replay");
  }

  /**
   * What replaying a Python run adds (see docs/replay.md).
   *
   * @param initialWeights weights to start from instead of Java's Glorot draw (any format ModelFiles reads); null for none
   * @param stepLog where to write every step's loss as CSV ({@link StepLossLog}); null for none
   * @param maxSteps stop after this many optimizer steps in all; 0 for no limit
   * @param freshWeights start from {@code initialWeights}' architecture (a {@code .keras} or Keras config JSON)
   *     with weights drawn by its own initializers, as Keras 3 draws them after
   *     {@code keras.utils.set_random_seed} of the config's {@link TrainingConfig#kerasGlobalSeed()}
   */
  public record Replay(Path initialWeights, Path stepLog, long maxSteps, boolean freshWeights) {
    public static final Replay NONE = new Replay(null, null, 0);

    public Replay {
      if (maxSteps < 0) {
        throw new IllegalArgumentException("the step limit must be 1 or more (0 for none), got " + maxSteps);
      }
      if (freshWeights && initialWeights == null) {
        throw new IllegalArgumentException("fresh weights need the model file whose initializers draw them");
      }
    }

    /** From the file's own weights. */
    public Replay(Path initialWeights, Path stepLog, long maxSteps) {
      this(initialWeights, stepLog, maxSteps, false);
    }
  }

  /**
   * The same job with a replay's additions: initial weights, step log, step limit. When the initial
   * model's file was saved compiled (a {@code .keras}), its optimizer and loss replace the config's,
   * as Keras's {@code load_model} restores them.
   */
  public TrainingJob withReplay(Replay r) {
    Replay replayed = r == null ? Replay.NONE : r;
    TrainingConfig compiled = replayed.initialWeights() == null ? config
        : ModelFiles.compileConfig(replayed.initialWeights())
            .map(c -> config.withCompile(c.optimizer(), c.fromLogits())).orElse(config);
    return new TrainingJob(compiled, options, replayed);
  }

  /** The settings the job trains with (a model file's compiled optimizer and loss included). */
  public TrainingConfig config() {
    return config;
  }

  /**
   * The model a run starts from when given a file: any format {@link ModelFiles} reads (a TF
   * checkpoint prefix or its {@code .index}, {@code .weights.h5}, legacy {@code .h5}, {@code .keras}),
   * with the file's own architecture when it holds one.
   */
  static LoadedModel readInitialModel(Path file) {
    return ModelFiles.read(file); // a checkpoint's .index file is accepted as its prefix
  }


  /** The checkpoint a resumed job continues from. */
  public record Resumed(Path checkpoint, TrainingProgress progress) {}

  /** How a job ended. */
  public sealed interface Outcome permits Completed, Interrupted {
    TrainingResult result();
  }

  /**
   * Every epoch ran, or early stopping ended the run, and the final weights were saved.
   *
   * @param earlyStopping the run's early-stopping callback, made from the options' settings, if any ({@link EarlyStopping#stoppedEpoch()} > 0 when it stopped the run)
   * @param savedEpoch the epoch whose weights were saved: the last one, or the best one when early
   *     stopping restores the best weights (Keras 3 does so at the end of training, stopped early or not)
   */
  public record Completed(TrainingResult result, Path savedWeights, Optional<EarlyStopping> earlyStopping,
      int savedEpoch) implements Outcome {}

  /**
   * Ctrl-C, or a stop requested by one of the caller's listeners, ended the run mid-way; it was
   * saved exactly where it stopped.
   *
   * @param checkpoint the checkpoint saved, to resume from
   * @param checkpointDir its folder: the options' checkpoint folder, else {@code <weights>_checkpoints} beside the weights
   * @param signal the signal that stopped the run, "INT" or "TERM"; null when a listener did
   */
  public record Interrupted(TrainingResult result, Path checkpoint, Path checkpointDir, String signal) implements Outcome {
    public TrainingPosition position() {
      return result.position();
    }
  }

  /**
   * Claims the output folders now (see {@link TrainingOutputs}): for a caller that wants a second
   * run on the same folders, or a read-only one, refused before it spends time loading data. The
   * run then uses this claim; closing it (after the run) lets the next writer in.
   */
  public TrainingOutputs claimOutputs() {
    if (claimed == null) {
      claimed = TrainingOutputs.claim(ModelArchitecture.quickstartCnn(), options.weights(), options.checkpointDir(),
          Arrays.asList(options.history(), options.plotHistory(), replay.stepLog()), options.logdir());
    }
    return claimed;
  }

  /**
   * Checks the options against the data and, when resuming, restores the newest checkpoint;
   * trains nothing yet.
   */
  public Prepared prepare(MnistData data) {
    LoadedModel start = replay.initialWeights() == null ? null
        : replay.freshWeights() ? ModelFiles.freshWeights(replay.initialWeights(), config.kerasGlobalSeed())
        : readInitialModel(replay.initialWeights());
    // The quickstart CNN, unless the initial weights' file holds an architecture of its own.
    ModelArchitecture arch = start == null ? ModelArchitecture.quickstartCnn() : start.architecture();
    Dataset train = data.train();
    Dataset eval = data.test();
    String evalName = "Test";
    if (options.validationSplit() > 0) {
      Dataset.Split split = train.validationSplit(options.validationSplit());
      train = split.train();
      eval = split.validation();
      evalName = "Validation";
    }
    CheckpointManager manager = options.checkpointDir() == null ? null
        : new CheckpointManager(options.checkpointDir(), CheckpointManager.DEFAULT_MAX_TO_KEEP, options.checkpointLayout());
    Prepared p = new Prepared(data, arch, train, eval, evalName, manager);
    if (start != null) {
      p.initial = start.weights();
      // keras.saving.load_model then fit continues the optimizer a .keras file saved: its iteration
      // count (Adam's bias correction) and its slots. A file saved before its optimizer was built holds
      // none, and a bare .weights.h5 or TF checkpoint starts a fresh optimizer, as Keras's load_weights
      // into a model not yet trained does.
      if (!replay.freshWeights() && ModelFiles.compileConfig(replay.initialWeights()).isPresent()) {
        p.state = start.optimizerState().orElse(null);
      }
    }
    if (options.resume()) {
      Optional<CheckpointManager.Restored> restored = manager.restoreLatest(arch);
      if (restored.isPresent()) {
        TrainingProgress progress = restored.get().progress();
        String why = progress.incompatibility(config, data.name());
        if (why != null) {
          throw new TfjMnistException(why + " Resume with the same settings, or start afresh instead of resuming.");
        }
        p.resumed = new Resumed(restored.get().prefix(), progress);
        p.initial = restored.get().weights();
        p.state = restored.get().optimizerState();
        p.position = new TrainingPosition(progress.completedEpochs(), progress.stepInEpoch(), progress.lossTotal(),
            progress.lossCount(), progress.correct(), progress.count());
        p.previous = progress.history();
      }
    }
    p.earlyStopping = options.earlyStopping().map(EarlyStopping::new); // a fresh callback: it counts epochs
    p.earlyStopping.ifPresent(es -> es.replay(p.previous));
    return p;
  }

  /** Prepares and runs with no listeners of the caller's. */
  public Outcome run(MnistData data) {
    return prepare(data).run(List.of());
  }

  /** A job ready to train: the data split, and where it starts (restored when resuming). */
  public final class Prepared {
    private final MnistData data;
    private final String dataset;
    private final ModelArchitecture arch;
    private final Dataset train;
    private final Dataset eval;
    private final String evaluationName;
    private final CheckpointManager manager;
    private Resumed resumed;
    private ModelWeights initial;
    private OptimizerState state;
    private TrainingPosition position = TrainingPosition.start();
    private List<EpochLogs> previous = List.of();
    private Optional<EarlyStopping> earlyStopping = Optional.empty();
    private boolean ran;

    private Prepared(MnistData data, ModelArchitecture arch, Dataset train, Dataset eval, String evaluationName,
        CheckpointManager manager) {
      this.data = data;
      this.dataset = data.name();
      this.arch = arch;
      this.train = train;
      this.eval = eval;
      this.evaluationName = evaluationName;
      this.manager = manager;
      this.initial = ModelWeights.glorotUniform(arch, config.seed());
    }

    /** The checkpoint this run continues from; empty for a fresh start (also when resuming found none yet). */
    public Optional<Resumed> resumed() {
      return Optional.ofNullable(resumed);
    }

    /**
     * The optimizer state this run continues from its {@code .keras} starting point, as Keras's
     * {@code load_model} then {@code fit} does; empty when the optimizer starts fresh or a checkpoint is
     * resumed instead.
     */
    public Optional<OptimizerState> continuedOptimizer() {
      return resumed == null ? Optional.ofNullable(state) : Optional.empty(); // not resumed: the file's, or none
    }

    /** The epochs done before this run (a resumed run's history), oldest first. */
    public List<EpochLogs> previousEpochs() {
      return previous;
    }

    /** What is evaluated after each epoch, as the quickstart's epoch line names it: "Test" or "Validation". */
    public String evaluationName() {
      return evaluationName;
    }

    /** Whether the evaluation is a validation split, whose metrics Keras names {@code val_*}. */
    public boolean validating() {
      return options.validationSplit() > 0;
    }

    /**
     * Trains, then saves the final weights, or, when stopped by Ctrl-C or one of {@code listeners},
     * a checkpoint to resume from.
     *
     * @param listeners the caller's own (progress display, epoch lines...), called before the job's callbacks
     */
    public Outcome run(List<? extends TrainingListener> listeners) {
      if (ran) {
        throw new IllegalStateException("a prepared training job runs once");
      }
      ran = true;
      if (claimed != null) {
        return runClaimed(listeners); // the caller claimed the outputs and releases them
      }
      try (TrainingOutputs outputs = claimOutputs()) {
        return runClaimed(listeners);
      } finally {
        claimed = null;
      }
    }

    private Outcome runClaimed(List<? extends TrainingListener> listeners) {
      Instant started = Instant.now();
      TrainingResult result;
      InterruptHandler interrupt = options.onFirstSignal() == null ? InterruptHandler.none()
          : InterruptHandler.installFor(options.onFirstSignal());
      try (interrupt; TensorBoardWriter tensorBoard = options.logdir() == null ? null
          : new TensorBoardWriter(options.logdir(), TensorBoardWriter.DEFAULT_BATCH_FREQUENCY, config.threads())) {
        List<TrainingListener> all = new ArrayList<>(listeners);
        all.add(interrupt);
        if (tensorBoard != null) {
          all.add(tensorBoard);
        }
        if (options.history() != null) {
          CsvLogger csv = options.resume() ? CsvLogger.resuming(options.history(), position.completedEpochs())
              : new CsvLogger(options.history(), false);
          all.add(validating() ? csv.forValidation() : csv); // val_* columns, as Keras names them
        }
        if (options.plotHistory() != null) {
          all.add(new HistoryPlot(options.plotHistory(), previous, validating() ? "val" : "test"));
        }
        earlyStopping.ifPresent(all::add);
        if (replay.stepLog() != null) {
          all.add(new StepLossLog(replay.stepLog()));
        }
        if (replay.maxSteps() > 0) {
          all.add(new StepLimit(replay.maxSteps()));
        }
        if (manager != null) {
          all.add(new PeriodicCheckpoint(manager, dataset, previous)); // last: after every other epoch-end
        }
        result = new Trainer(config).fit(arch, initial, state, position, train, eval, all);
      }

      if (interrupt.stopRequested() || listeners.stream().anyMatch(TrainingListener::stopRequested)) {
        return interrupted(result, interrupt.signal());
      }
      ModelWeights saved = result.weights();
      int savedEpoch = result.position().completedEpochs();
      Optional<EarlyStopping> es = earlyStopping.filter(EarlyStopping::restoresBestWeights);
      if (es.isPresent() && es.get().bestWeights().isPresent()) {
        // Keras 3 restores the best weights at the end of training, whether it stopped early or not.
        saved = es.get().bestWeights().get();
        savedEpoch = es.get().bestEpoch();
      }
      // NAME.weights.h5 is Keras 3's format (the only name its save_weights accepts); any other name a TF checkpoint.
      try {
        ModelFiles.write(options.weights(), LoadedModel.of(saved, result.optimizerState(),
            TrainingProvenance.of(config, options, replay, data, started, Instant.now(), epochLogs(result, savedEpoch),
                validating() ? "val" : "test")), config.optimizer(), options.checkpointLayout());
      } catch (TfjMnistException e) {
        throw savedElsewhere(e, result);
      }
      return new Completed(result, options.weights(), earlyStopping, savedEpoch);
    }

    /** The metrics of the epoch whose weights are saved; null when no epoch ran. */
    private EpochLogs epochLogs(TrainingResult result, int epoch) {
      List<EpochLogs> all = new ArrayList<>(previous);
      all.addAll(result.history());
      return all.stream().filter(e -> e.epoch() == epoch).reduce((a, b) -> b)
          .orElse(all.isEmpty() ? null : all.get(all.size() - 1));
    }

    /**
     * The final save failed (a disk that filled up during training, a folder made read-only): the
     * trained state is not thrown away but saved as a checkpoint, as Ctrl-C would, and the error
     * says where.
     */
    private TfjMnistException savedElsewhere(TfjMnistException failure, TrainingResult result) {
      String first = failure.getMessage().replaceFirst("[.\\s]+$", "");
      try {
        Interrupted kept = interrupted(result, null);
        return new TfjMnistException(first + ". The trained weights and optimizer state were saved to checkpoint "
            + kept.checkpoint() + " instead; resume from " + kept.checkpointDir() + " to save them again.", failure);
      } catch (TfjMnistException again) {
        return new TfjMnistException(first + "; saving them as a checkpoint instead failed too: "
            + again.getMessage(), failure);
      }
    }

    /** Saves exactly where training stopped. */
    private Interrupted interrupted(TrainingResult result, String signal) {
      CheckpointManager target = manager != null ? manager : new CheckpointManager(defaultCheckpointDir(options.weights()),
          CheckpointManager.DEFAULT_MAX_TO_KEEP, options.checkpointLayout());
      TrainingPosition p = result.position();
      int stepsPerEpoch = (train.size() + config.batchSize() - 1) / config.batchSize();
      List<EpochLogs> history = new ArrayList<>(previous);
      history.addAll(result.history());
      TrainingProgress progress = p.atEpochBoundary()
          ? TrainingProgress.atEpochEnd(config, dataset, p.completedEpochs(), stepsPerEpoch, history)
          : TrainingProgress.midEpoch(config, dataset, p.completedEpochs(), p.stepsInEpoch(), stepsPerEpoch,
              p.lossTotal(), p.lossCount(), p.correct(), p.seen(), history);
      Path saved = target.save(result.weights(), result.optimizerState(), config.optimizer(), progress);
      return new Interrupted(result, saved, target.directory(), signal);
    }
  }

  /** Where an interrupted run's checkpoint goes when no checkpoint folder was given: beside the weights. */
  static Path defaultCheckpointDir(Path weights) {
    Path abs = weights.toAbsolutePath();
    return abs.resolveSibling(abs.getFileName() + "_checkpoints");
  }
}
