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
import java.util.function.Consumer;

/**
 * The {@code train} command's work as a library call: the quickstart's training run plus what Keras
 * callbacks add (resumable checkpoints, TensorBoard, CSV history, curves, early stopping, Ctrl-C),
 * then {@code save_weights}. It returns what happened and throws on failure; it prints nothing, so a
 * service can run the same job and the CLI decides what the user sees:
 *
 * <pre>{@code
 * TrainingJob.Prepared job = new TrainingJob(config, TrainingJob.Options.saveTo(Path.of("mnist"))
 *     .checkpointDir(Path.of("ckpts")).resume(true).build()).prepare(data);  // restores, trains nothing yet
 * TrainingJob.Outcome outcome = job.run(List.of(myProgressListener));
 * }</pre>
 */
public final class TrainingJob {
  private final TrainingConfig config;
  private final Options options;
  private final Replay replay;
  private TrainingOutputs claimed; // taken early by claimOutputs(), else by run()

  public TrainingJob(TrainingConfig config, Options options) {
    this(config, options, Replay.NONE);
  }

  private TrainingJob(TrainingConfig config, Options options, Replay replay) {
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
   */
  public record Replay(Path initialWeights, Path stepLog, long maxSteps) {
    public static final Replay NONE = new Replay(null, null, 0);

    public Replay {
      if (maxSteps < 0) {
        throw new IllegalArgumentException("the step limit must be 1 or more (0 for none), got " + maxSteps);
      }
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

  /**
   * What the job keeps and writes besides training itself, as a value; built with {@link #saveTo}.
   *
   * @param weights where the final weights go ({@code save_weights} prefix, or {@code NAME.weights.h5})
   * @param checkpointDir where per-epoch checkpoints are kept; null for none
   * @param resume whether to continue from the newest checkpoint in {@code checkpointDir}
   * @param logdir TensorBoard's folder; null for none
   * @param history the per-epoch CSV; null for none
   * @param plotHistory the curves' PNG; null for none
   * @param earlyStopping Keras's {@code EarlyStopping} settings; each run makes its own callback from
   *     them, and its outcome comes back in {@link Completed#earlyStopping()}
   * @param validationSplit the fraction of the training set held out for evaluation; 0 for none
   * @param onFirstSignal what the first SIGINT or SIGTERM also does, told which came first ("INT" or
   *     "TERM"), e.g. tell the user; null keeps both signals' default meaning
   */
  public record Options(Path weights, Path checkpointDir, boolean resume, Path logdir, Path history, Path plotHistory,
      Optional<EarlyStopping.Settings> earlyStopping, double validationSplit, Consumer<String> onFirstSignal) {

    public Options {
      Objects.requireNonNull(weights, "weights");
      earlyStopping = earlyStopping == null ? Optional.empty() : earlyStopping;
      if (validationSplit != 0 && !(validationSplit > 0 && validationSplit < 1)) {
        throw new IllegalArgumentException("the validation split must be 0 (none) or in (0, 1), got " + validationSplit);
      }
      if (resume && checkpointDir == null) {
        throw new IllegalArgumentException("resuming needs the checkpoint folder the interrupted run saved its checkpoints in");
      }
      if (checkpointDir != null && sharesStateFile(checkpointDir, weights)) {
        throw new IllegalArgumentException("the checkpoint folder " + checkpointDir
            + " must not be the folder of the final weights: both keep a 'checkpoint' state file there");
      }
    }

    /** Starts the options of a job that saves its final weights under {@code weights} ({@code save_weights} prefix). */
    public static Builder saveTo(Path weights) {
      return new Builder(weights);
    }

    /**
     * Whether two folders would share a {@code checkpoint} state file: the checkpoint folder and
     * the folder of the final weights must differ, since {@code save_weights} writes one there too.
     */
    public static boolean sharesStateFile(Path checkpointDir, Path weights) {
      Path a = checkpointDir.toAbsolutePath().normalize();
      Path b = weights.toAbsolutePath().normalize().getParent();
      return a.equals(b);
    }

    /** Settings one at a time; {@link #build} checks that they fit together. */
    public static final class Builder {
      private final Path weights;
      private Path checkpointDir;
      private boolean resume;
      private Path logdir;
      private Path history;
      private Path plotHistory;
      private EarlyStopping.Settings earlyStopping;
      private double validationSplit;
      private Consumer<String> onFirstSignal;

      private Builder(Path weights) {
        this.weights = Objects.requireNonNull(weights, "weights");
      }

      /** Keeps a resumable checkpoint ({@link CheckpointManager}) in {@code dir} after every epoch. */
      public Builder checkpointDir(Path dir) {
        this.checkpointDir = dir;
        return this;
      }

      /** Continues from the newest checkpoint in {@link #checkpointDir} (from the start when there is none yet). */
      public Builder resume(boolean resume) {
        this.resume = resume;
        return this;
      }

      /** TensorBoard event files in {@code dir/train} and {@code dir/validation}. */
      public Builder logdir(Path dir) {
        this.logdir = dir;
        return this;
      }

      /** Per-epoch metrics as CSV ({@link CsvLogger}). */
      public Builder history(Path csv) {
        this.history = csv;
        return this;
      }

      /** Loss and accuracy curves as a PNG, redrawn every epoch ({@link HistoryPlot}). */
      public Builder plotHistory(Path png) {
        this.plotHistory = png;
        return this;
      }

      /** Keras's {@code EarlyStopping} with these settings; the run makes its own callback. */
      public Builder earlyStopping(EarlyStopping.Settings settings) {
        this.earlyStopping = settings;
        return this;
      }

      /** The settings of {@code callback} (only its settings: its counters are not shared with the run). */
      public Builder earlyStopping(EarlyStopping callback) {
        return earlyStopping(callback == null ? null : callback.settings());
      }

      /**
       * Holds out the last {@code fraction} of the training set and evaluates on it instead of the
       * test set (Keras's {@code validation_split}); 0 for none.
       */
      public Builder validationSplit(double fraction) {
        if (fraction != 0 && !(fraction > 0 && fraction < 1)) {
          throw new IllegalArgumentException("the validation split must be 0 (none) or in (0, 1), got " + fraction);
        }
        this.validationSplit = fraction;
        return this;
      }

      /**
       * Takes over SIGINT while training: the first Ctrl-C stops after the current step (the run then
       * ends {@link Interrupted}) and calls {@code onFirstCtrlC}, e.g. to tell the user; a second one
       * exits as usual. Without it, Ctrl-C keeps its default meaning.
       */
      public Builder handleCtrlC(Runnable onFirstCtrlC) {
        Objects.requireNonNull(onFirstCtrlC, "onFirstCtrlC");
        return handleStopSignals(signal -> onFirstCtrlC.run());
      }

      /**
       * As {@link #handleCtrlC}, for SIGINT and SIGTERM alike (a container stop is a SIGTERM), telling
       * {@code onFirstSignal} which one came first: "INT" or "TERM".
       */
      public Builder handleStopSignals(Consumer<String> onFirstSignal) {
        this.onFirstSignal = Objects.requireNonNull(onFirstSignal, "onFirstSignal");
        return this;
      }

      public Options build() {
        return new Options(weights, checkpointDir, resume, logdir, history, plotHistory,
            Optional.ofNullable(earlyStopping), validationSplit, onFirstSignal);
      }
    }
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
    LoadedModel start = replay.initialWeights() == null ? null : readInitialModel(replay.initialWeights());
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
    CheckpointManager manager = options.checkpointDir() == null ? null : new CheckpointManager(options.checkpointDir());
    Prepared p = new Prepared(data, arch, train, eval, evalName, manager);
    if (start != null) {
      p.initial = start.weights();
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
      try (interrupt; TensorBoardWriter tensorBoard = options.logdir() == null ? null : new TensorBoardWriter(options.logdir())) {
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
                validating() ? "val" : "test")), config.optimizer());
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
        return new TfjMnistException(first + ". The trained weights and Adam's state were saved to checkpoint "
            + kept.checkpoint() + " instead; resume from " + kept.checkpointDir() + " to save them again.", failure);
      } catch (TfjMnistException again) {
        return new TfjMnistException(first + "; saving them as a checkpoint instead failed too: "
            + again.getMessage(), failure);
      }
    }

    /** Saves exactly where training stopped. */
    private Interrupted interrupted(TrainingResult result, String signal) {
      CheckpointManager target = manager != null ? manager : new CheckpointManager(defaultCheckpointDir(options.weights()));
      TrainingPosition p = result.position();
      int stepsPerEpoch = (train.size() + config.batchSize() - 1) / config.batchSize();
      List<EpochLogs> history = new ArrayList<>(previous);
      history.addAll(result.history());
      TrainingProgress progress = p.atEpochBoundary()
          ? TrainingProgress.atEpochEnd(config, dataset, p.completedEpochs(), stepsPerEpoch, history)
          : TrainingProgress.midEpoch(config, dataset, p.completedEpochs(), p.stepsInEpoch(), stepsPerEpoch,
              p.lossTotal(), p.lossCount(), p.correct(), p.seen(), history);
      Path saved = target.save(result.weights(), result.optimizerState(), config.adam(), progress);
      return new Interrupted(result, saved, target.directory(), signal);
    }
  }

  /** Where an interrupted run's checkpoint goes when no checkpoint folder was given: beside the weights. */
  static Path defaultCheckpointDir(Path weights) {
    Path abs = weights.toAbsolutePath();
    return abs.resolveSibling(abs.getFileName() + "_checkpoints");
  }
}
