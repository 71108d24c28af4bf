package io.tfjmnist.cli;

import io.tfjmnist.checkpoint.WeightsCheckpoint;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.savedmodel.SavedModelExporter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code export}: the trained quickstart model as a SavedModel for TF Serving and Python. */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Export saved weights as a SavedModel (tag serve, signature serving_default: "
        + "input float32 [-1,28,28,1] -> probabilities float32 [-1,10]).")
final class ExportCommand implements Callable<Integer> {
  @Option(names = "--weights", defaultValue = "mnist", paramLabel = "PREFIX",
      description = "Checkpoint prefix (default: ${DEFAULT-VALUE}).")
  Path weights;

  @Option(names = "--out", defaultValue = "saved_models/mnist/1", paramLabel = "DIR",
      description = "Version folder to create, TF Serving layout (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--overwrite", description = "Replace an existing export in --out.")
  boolean overwrite;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    ModelWeights w = WeightsCheckpoint.load(weights, ModelArchitecture.quickstartCnn()).weights();
    Path dir = SavedModelExporter.export(w, out, overwrite);
    spec.commandLine().getOut().println("Exported SavedModel to " + dir
        + " (signature serving_default: input float32 [-1,28,28,1] -> probabilities float32 [-1,10])");
    return 0;
  }
}
