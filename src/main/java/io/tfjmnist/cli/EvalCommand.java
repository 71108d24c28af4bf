package io.tfjmnist.cli;

import io.tfjmnist.data.MnistData;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.inference.SavedModelClassifier;
import io.tfjmnist.modelfiles.LoadedModel;
import io.tfjmnist.modelfiles.ModelFiles;
import io.tfjmnist.training.Evaluation;
import io.tfjmnist.training.ProbabilityEvaluation;
import io.tfjmnist.training.Trainer;
import io.tfjmnist.data.IdxFile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongConsumer;
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
  KernelsOption kernels;

  @Mixin
  DataOptions data;

  @Mixin
  ModelOption model;

  @Option(names = "--weights", paramLabel = "PREFIX",
      description = "Older name of --model for weights and Keras files (default: the data set's name, mnist or "
          + "fashion_mnist, as train names it).")
  Path weights;

  @Option(names = "--saved-model", paramLabel = "DIR",
      description = "Older name of --model for a SavedModel folder, evaluated through its own serving signature (as"
          + " --model evaluates a SavedModel that Java cannot rebuild).")
  Path savedModel;

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
    ModelOption.Chosen chosen = model.choose(Path.of(data.dataset.kerasName()), weights, savedModel);
    ModelWeights w = !chosen.isSavedModel() ? ModelOption.read(chosen).weights()
        : ModelOption.javaRebuild(chosen, false).map(LoadedModel::weights).orElse(null);
    ModelOrigin.print(chosen.path(), ModelFiles.provenance(chosen.path()), spec.commandLine().getErr());
    MnistData mnist = data.load();
    int known = IdxFile.TEST_IMAGES.knownCount();
    int size = mnist.test().size();
    LongConsumer progress = done -> {};
    if (size > known) {
      // The known test sets take well under a second; a larger one could take minutes in silence.
      PrintWriter err = spec.commandLine().getErr();
      err.printf(Locale.ROOT, "Evaluating %,d test images from %s (the %s test set has %,d); progress follows.%n",
          size, mnist.origin(), mnist.name(), known);
      err.flush();
      progress = new Progress(err, size);
    }
    Evaluation e;
    if (w != null) {
      e = Trainer.evaluate(w, mnist.test(), batchSize, threads, progress);
    } else {
      // A SavedModel Java cannot rebuild runs through its own serving signature, so any model Python
      // exported is evaluated.
      try (SavedModelClassifier signature = SavedModelClassifier.open(chosen.path())) {
        e = ProbabilityEvaluation.evaluate(signature::probabilities, mnist.test(), batchSize, progress);
      }
    }
    spec.commandLine().getOut().print(e.summary(mnist.dataset().classNames().orElse(null)));
    spec.commandLine().getOut().flush();
    return 0;
  }

  /** One stderr line at most every {@link #EVERY_NANOS}, and one when done. */
  static final class Progress implements LongConsumer {
    static final long EVERY_NANOS = 2_000_000_000L;
    private final PrintWriter err;
    private final long total;
    private final long start = System.nanoTime();
    private long last = start;

    Progress(PrintWriter err, long total) {
      this.err = err;
      this.total = total;
    }

    @Override
    public void accept(long done) {
      long now = System.nanoTime();
      if (done < total && now - last < EVERY_NANOS) {
        return;
      }
      last = now;
      double seconds = (now - start) / 1e9;
      err.printf(Locale.ROOT, "  %,d/%,d images (%.0f %%), %.1f s%n", done, total, 100.0 * done / total, seconds);
      err.flush();
    }
  }
}
