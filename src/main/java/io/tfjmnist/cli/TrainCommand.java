package io.tfjmnist.cli;

import io.tfjmnist.checkpoint.CheckpointLayout;
import io.tfjmnist.training.TrainingOptions;
import io.tfjmnist.TfjMnistException;
import io.tfjmnist.modelfiles.ModelFiles;
import io.tfjmnist.modelfiles.ModelKind;
import io.tfjmnist.data.MnistData;
import io.tfjmnist.optimizers.Adam;
import io.tfjmnist.optimizers.AdamArithmetic;
import io.tfjmnist.training.TfShuffle;
import io.tfjmnist.training.EpochLogs;
import io.tfjmnist.training.Trainer;
import io.tfjmnist.training.TrainingConfig;
import io.tfjmnist.training.TrainingJob;
import io.tfjmnist.training.TrainingListener;
import io.tfjmnist.training.TrainingOutputs;
import io.tfjmnist.training.TrainingPosition;
import io.tfjmnist.training.TrainingProgress;
import io.tfjmnist.training.callbacks.EarlyStopping;
import java.io.PrintStream;
import java.nio.file.Files;
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
  @Mixin
  KernelsOption kernels;

  /** Exit status of a run stopped by Ctrl-C, as shells report SIGINT. */
  static final int EXIT_INTERRUPTED = 130;
  /** Exit status of a run stopped by SIGTERM (docker stop, systemd, Kubernetes), as shells report it. */
  static final int EXIT_TERMINATED = 143;

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

  @Option(names = "--weights", paramLabel = "PREFIX",
      description = "Where to save: a TF checkpoint prefix such as mnist (see --checkpoint-layout), NAME.weights.h5 "
          + "for Keras 3's format, or NAME.keras for the whole model with its optimizer, as model.save writes it "
          + "(default: the data set's name, mnist or fashion_mnist).")
  Path weights;

  @Option(names = "--checkpoint-layout", paramLabel = "keras3|keras2", defaultValue = "keras3",
      converter = CheckpointLayoutConverter.class,
      description = "Object graph of the TF checkpoints train writes (a TF checkpoint --weights and every "
          + "--checkpoint-dir checkpoint): keras3 (default; Keras 3's "
          + "tf.train.Checkpoint(model=model, optimizer=model.optimizer).read(PREFIX).assert_consumed() passes) or "
          + "keras2 (Keras 2's save_weights layout with its OptimizerV2 entries such as iter, decay, beta_1; for "
          + "Keras 2's load_weights). Java reads both, --resume included.")
  CheckpointLayout checkpointLayout;

  @Option(names = "--checkpoint-dir", paramLabel = "DIR",
      description = "Save model and optimizer state every epoch (ckpt-N, last 3 kept).")
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

  @Option(names = "--restore-best-weights",
      description = "With --early-stopping: save the best epoch's weights, not the last's (Keras's restore_best_weights).")
  boolean restoreBestWeights;

  @Option(names = "--validation-split", defaultValue = "0", paramLabel = "FRACTION",
      description = "Hold out the last FRACTION (0 <= F < 1) of the training set and evaluate on it instead of the test set.")
  double validationSplit;

  @Option(names = "--tf-shuffle", paramLabel = "GLOBAL:OP",
      description = "Python's batch order: TF's own shuffle kernel seeded as tf.random.set_seed(GLOBAL) + shuffle(..., seed=OP).")
  String tfShuffle;

  @Option(names = "--adam", paramLabel = "keras2|keras3",
      description = "Adam's float32 arithmetic: keras2 (TF's fused ApplyAdam) or keras3 (Keras 3's separate ops) (default: "
          + "keras3 for a --model .keras, whose compiled Adam is Keras 3's; keras2 otherwise).")
  String adamArithmetic;

  @Option(names = {"--model", "--initial-weights"}, paramLabel = "FILE",
      description = "Start from this model instead of the quickstart's Glorot draw from --seed: a .keras (its own "
          + "architecture, weights and compiled optimizer and loss, which replace --learning-rate), or a TF checkpoint, "
          + ".weights.h5 or .h5 of the quickstart.")
  Path initialWeights;

  @Option(names = "--fresh-weights",
      description = "With --model FILE.keras (or a Keras config JSON): start from weights drawn with the file's own "
          + "initializers instead of its weights, bit for bit those Keras 3 draws for the model built right after "
          + "keras.utils.set_random_seed(G), G from --tf-shuffle G:S, else --seed.")
  boolean freshWeights;

  @Option(names = "--step-log", paramLabel = "CSV", description = "Every step's loss as CSV: step,epoch,step_in_epoch,loss.")
  Path stepLog;

  @Option(names = "--max-steps", defaultValue = "0", paramLabel = "N",
      description = "Stop after N optimizer steps in all (0 = no limit); the weights are saved.")
  long maxSteps;

  @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
  boolean quiet;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @CommandLine.ParentCommand
  Main main;

  @Override
  public Integer call() {
    if (freshWeights && initialWeights == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--fresh-weights needs --model FILE.keras (or a"
          + " Keras config JSON): the model whose initializers draw the weights.");
    }
    if (maxSteps < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--max-steps must be 1 or more (0 for no limit), got " + maxSteps + ".");
    }
    TfShuffle.Seeds tfShuffleSeeds;
    try {
      tfShuffleSeeds = tfShuffle == null ? null : TfShuffle.Seeds.parse(tfShuffle);
    } catch (TfjMnistException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--tf-shuffle: " + e.getMessage());
    }
    TrainingConfig config;
    TrainingJob.Replay replay;
    try {
      config = new TrainingConfig(epochs, batchSize, shuffleBuffer,
          Adam.kerasDefaults().withLearningRate(learningRate), seed, deterministic ? 1 : threads, device)
          .withTfShuffle(tfShuffleSeeds)
          .withAdamArithmetic(adamArithmetic != null ? AdamArithmetic.parse(adamArithmetic)
              : isKerasModel(initialWeights) ? AdamArithmetic.KERAS3 : AdamArithmetic.KERAS2);
      replay = new TrainingJob.Replay(initialWeights, stepLog, maxSteps, freshWeights);
    } catch (IllegalArgumentException | TfjMnistException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    Path prefix = weights != null ? weights : Path.of(data.dataset.kerasName());
    validateFlags(prefix);
    TrainingOptions options = options(prefix);
    TrainingJob training = new TrainingJob(config, options).withReplay(replay); // a bad file: exit 1, as when read
    // Another run on these folders, or a read-only or full one, is refused before the data is read.
    try (TrainingOutputs claim = training.claimOutputs()) {
      return train(training, data.load());
    }
  }

  /**
   * Whether {@code path} is a {@code .keras} file or a Keras config JSON (for {@code --fresh-weights});
   * a missing or unreadable one is reported when the job reads it.
   */
  private static boolean isKerasModel(Path path) {
    try {
      return path != null && (path.toString().toLowerCase(java.util.Locale.ROOT).endsWith(".json")
          || ModelFiles.kindOf(path) == ModelKind.KERAS_MODEL);
    } catch (TfjMnistException e) {
      return false;
    }
  }

  private int train(TrainingJob training, MnistData mnist) {
    PrintStream out = main.out;
    PrintStream err = main.err;
    TrainingJob.Prepared job = training.prepare(mnist); // the model file is read here: its errors come first
    if (initialWeights != null && ModelFiles.compileConfig(initialWeights).isPresent()) {
      err.println("Compiled in " + initialWeights + ": " + training.config().optimizer().describe()
          + (training.config().fromLogits() ? ", SparseCategoricalCrossentropy(from_logits=True)" : "") + ".");
      job.continuedOptimizer().ifPresent(s -> err.println("Continuing its saved optimizer state from iteration "
          + s.iterations() + ", as keras.saving.load_model then fit does."));
    }
    if (freshWeights && job.resumed().isEmpty()) {
      err.println("Fresh weights drawn with the initializers in " + initialWeights + ", as Keras 3 draws them after"
          + " keras.utils.set_random_seed(" + training.config().kerasGlobalSeed() + ").");
    }
    String label = job.evaluationName();
    if (resume && job.resumed().isEmpty()) {
      err.println("No checkpoint in " + checkpointDir + " yet: starting from the beginning.");
    }
    job.resumed().ifPresent(r -> {
      TrainingProgress p = r.progress();
      err.println("Resuming from " + r.checkpoint() + ": " + p.completedEpochs() + " epochs"
          + (p.stepInEpoch() > 0 ? " and " + p.stepInEpoch() + " steps" : "") + " done.");
      err.flush(); // said before the replayed lines, which go to the other stream
      job.previousEpochs().forEach(l -> out.println(l.line(label))); // the epochs done before, as they were printed
    });

    List<TrainingListener> listeners = new ArrayList<>();
    if (!quiet && Terminal.isTerminal(Terminal.STDERR)) { // the bar redraws with \r and ESC[2K: a terminal's only
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
      err.println(("TERM".equals(stopped.signal()) ? "Terminated" : "Interrupted") + " after epoch " + p.completedEpochs() + (p.atEpochBoundary() ? "" : " and "
          + p.stepsInEpoch() + " steps of epoch " + (p.completedEpochs() + 1)) + "; saved " + stopped.checkpoint() + ".");
      err.println("Resume with: train --resume --checkpoint-dir " + stopped.checkpointDir() + " (and the same flags).");
      return "TERM".equals(stopped.signal()) ? EXIT_TERMINATED : EXIT_INTERRUPTED;
    }
    TrainingJob.Completed done = (TrainingJob.Completed) outcome;
    int lastEpoch = done.result().position().completedEpochs();
    done.earlyStopping().filter(es -> es.stoppedEpoch() > 0)
        .ifPresent(es -> out.println(es.summary(job.validating() ? "val" : "test")));
    done.earlyStopping().ifPresent(es -> {
      if (es.restoresBestWeights() && es.bestWeights().isPresent()) {
        out.println("Restoring model weights from the end of the best epoch: " + done.savedEpoch() + ".");
      } else if (es.restoresBestWeights() && es.bestEpoch() > 0) {
        out.println("The best epoch (" + es.bestEpoch() + ") ran before the resume, so its weights are"
            + " not at hand: keeping the weights of epoch " + lastEpoch + ".");
      } else if (!es.restoresBestWeights() && es.stoppedEpoch() > 0) {
        out.println("Keeping the weights of the last epoch (" + lastEpoch + "), as Keras does without"
            + " --restore-best-weights.");
      }
    });
    out.println("Finish training");
    String optimizer = training.config().optimizer().kerasClassName();
    out.println(isKerasArchiveName(done.savedWeights())
        ? "Saved the model to " + done.savedWeights() + " (Keras 3 .keras, with " + optimizer + "'s state)"
        : ModelFiles.isKeras3WeightsName(done.savedWeights())
        ? "Saved weights to " + done.savedWeights() + " (Keras 3 .weights.h5, with " + optimizer + "'s state)"
        : "Saved weights to " + done.savedWeights() + ".index and " + done.savedWeights() + ".data-00000-of-00001, and"
            + " the state file " + done.savedWeights().resolveSibling("checkpoint")
            + " that tf.train.latest_checkpoint reads");
    announceFiles();
    return 0;
  }

  private static boolean isKerasArchiveName(Path p) {
    return p.getFileName() != null && p.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".keras");
  }

  /** Bad values are usage errors (exit 2), reported before the data is read or a graph built. */
  private void validateFlags(Path prefix) {
    if (ModelFiles.hasKerasSuffix(prefix) && !ModelFiles.isKeras3WeightsName(prefix) && !isKerasArchiveName(prefix)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--weights " + prefix + ": Keras 3 weights files"
          + " must end in .weights.h5, a whole model in .keras (a name without a suffix saves a TF checkpoint).");
    }
    if (!(validationSplit >= 0 && validationSplit < 1)) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--validation-split must be at least 0 and below 1, got " + validationSplit + ".");
    }
    if (earlyStopping != null) {
      try {
        EarlyStopping.parse(earlyStopping);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--early-stopping: " + e.getMessage() + ".");
      }
    } else if (restoreBestWeights) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--restore-best-weights needs --early-stopping, whose monitor decides which epoch is best.");
    }
    if (resume && checkpointDir == null) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--resume needs --checkpoint-dir: the folder the interrupted run saved its checkpoints in.");
    }
    if (checkpointDir != null && TrainingOptions.sharesStateFile(checkpointDir, prefix)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--checkpoint-dir must not be the folder of"
          + " --weights (" + checkpointDir + "): both keep a 'checkpoint' state file there.");
    }
    data.validate();
  }

  /** Every file train wrote besides the weights (announced above), once it is complete. */
  private void announceFiles() {
    if (history != null && Files.isRegularFile(history)) {
      main.out.println("Wrote the history to " + history);
    }
    if (plotHistory != null && Files.isRegularFile(plotHistory)) {
      main.out.println("Wrote the training curves to " + plotHistory);
    }
    if (logdir != null && Files.isDirectory(logdir)) {
      main.out.println("Wrote TensorBoard event files to " + logdir.resolve("train") + " and "
          + logdir.resolve("validation") + " (tensorboard --logdir " + logdir + ")");
    }
  }

  /** The callbacks' flags as job options (already checked by {@link #validateFlags}). */
  private TrainingOptions options(Path prefix) {
    TrainingOptions.Builder b = TrainingOptions.saveTo(prefix)
        .checkpointDir(checkpointDir)
        .resume(resume)
        .logdir(logdir)
        .history(history)
        .plotHistory(plotHistory)
        .validationSplit(validationSplit > 0 ? validationSplit : 0)
        .checkpointLayout(checkpointLayout)
        .handleStopSignals(signal -> {
          main.err.println();
          main.err.println("TERM".equals(signal)
              ? "Terminated (SIGTERM): stopping after the current step to save it (a second SIGTERM exits now)."
              : "Interrupted: stopping after the current step (press Ctrl-C again to exit now).");
          main.err.flush();
        });
    if (earlyStopping != null) {
      try {
        EarlyStopping es = EarlyStopping.parse(earlyStopping);
        b.earlyStopping(restoreBestWeights ? es.restoringBestWeights() : es);
      } catch (IllegalArgumentException e) {
        throw new TfjMnistException("--early-stopping: " + e.getMessage());
      }
    }
    return b.build();
  }
}
