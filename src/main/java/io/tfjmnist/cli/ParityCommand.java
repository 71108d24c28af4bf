package io.tfjmnist.cli;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.data.Dataset;
import io.tfjmnist.inference.DigitClassifier;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.modelfiles.LoadedModel;
import io.tfjmnist.savedmodel.GoldenOutputs;
import io.tfjmnist.inference.Parity;
import io.tfjmnist.inference.ParityReport;
import io.tfjmnist.inference.SavedModelClassifier;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code parity}: the Python artifact against the Java graph on the same MNIST test images. The
 * expected side is a SavedModel's own signature or golden outputs saved by
 * {@code python-reference/export.py}; the Java side is a checkpoint ({@code --weights}) or, for a
 * Keras SavedModel, its architecture and weights rebuilt with this project's layers.
 */
@Command(name = "parity", mixinStandardHelpOptions = true,
    description = "Compare the Python artifact (SavedModel signature or golden file) with the Java graph: "
        + "max |d|, mean |d|, argmax agreement; exit 1 beyond the tolerance.")
final class ParityCommand implements Callable<Integer> {
  @Mixin
  KernelsOption kernels;

  static final class Expected {
    @Option(names = "--saved-model", paramLabel = "DIR", required = true,
        description = "A SavedModel written by Python; its serving signature is the reference.")
    Path savedModel;

    @Option(names = "--golden", paramLabel = "FILE", required = true,
        description = "Golden outputs written by python-reference/export.py.")
    Path golden;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Expected expected;

  @Mixin
  ModelOption model;

  @Option(names = "--weights", paramLabel = "PREFIX",
      description = "Older name of --model, the Java side (any kind: checkpoint prefix, .weights.h5, .h5, .keras, or a "
          + "SavedModel folder). Default with --saved-model: the model rebuilt from the SavedModel itself (its Keras "
          + "config, else --architecture, else the quickstart model) with its own variables; with --golden: mnist.")
  Path weights;

  @Option(names = "--count", defaultValue = "1000", description = "Test images (default: ${DEFAULT-VALUE}).")
  int count;

  @Option(names = "--tolerance", defaultValue = "1e-5", description = "Max |d| allowed (default: ${DEFAULT-VALUE}).")
  double tolerance;

  @Mixin
  DataOptions data;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (count < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--count must be at least 1, got " + count);
    }
    SavedModelPaths.requireNotKerasFile(expected.savedModel);
    boolean rebuildExpected = expected.savedModel != null && model.model == null && weights == null;
    ModelOption.Chosen chosen = model.choose(rebuildExpected ? expected.savedModel : Path.of("mnist"), weights);
    Dataset test = data.load().test();
    ParityReport report;
    if (expected.golden != null) {
      GoldenOutputs golden = GoldenOutputs.read(expected.golden);
      try (DigitClassifier java = DigitClassifier.of(ModelOption.read(chosen).weights())) {
        report = Parity.againstGolden(golden, "Java graph (" + chosen.path() + ")", java, test, tolerance);
      }
    } else {
      ModelWeights javaWeights;
      String javaName;
      if (!rebuildExpected) {
        javaWeights = ModelOption.read(chosen).weights();
        javaName = "Java graph (" + chosen.path() + ")";
      } else {
        LoadedModel rebuilt = ModelOption.read(chosen);
        javaWeights = rebuilt.weights();
        String how = rebuilt.architectureSource() == LoadedModel.ArchitectureSource.FILE ? "Keras config"
            : "quickstart model";
        javaName = "Java rebuild (" + how + ", the SavedModel's variables)";
      }
      try (SavedModelClassifier python = SavedModelClassifier.open(expected.savedModel);
          DigitClassifier java = DigitClassifier.of(javaWeights)) {
        report = Parity.compare("SavedModel signature (" + expected.savedModel + ")", python, javaName, java,
            test, Math.min(count, test.size()), tolerance);
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    report.describe().forEach(out::println);
    out.flush();
    if (!report.passed()) {
      throw new TfjMnistException("Parity failed: max |d| " + report.maxAbsDiff() + " exceeds the tolerance " + tolerance + ".");
    }
    return 0;
  }
}
