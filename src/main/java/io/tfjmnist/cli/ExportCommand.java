package io.tfjmnist.cli;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.optimizers.Adam;
import io.tfjmnist.optimizers.Optimizer;
import io.tfjmnist.modelfiles.LoadedModel;
import io.tfjmnist.modelfiles.ModelFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code export}: saved weights as a SavedModel for TF Serving and Python, or converted to Keras 3's
 * files ({@code --out NAME.weights.h5}, {@code --out NAME.keras}).
 */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = {"Export saved weights as a SavedModel (tag serve, signature serving_default: "
        + "input float32 [-1,28,28,1] -> probabilities float32 [-1,10]),",
        "or, when --out ends in .weights.h5 or .keras, as the Keras 3 file Python's load_weights / "
            + "keras.saving.load_model reads (with the optimizer's state when the weights have it)."})
final class ExportCommand implements Callable<Integer> {
  @Mixin
  ModelOption model;

  @Option(names = "--weights", paramLabel = "PREFIX",
      description = "Older name of --model (default: mnist).")
  Path weights;

  @Option(names = "--out", defaultValue = "saved_models/mnist/1", paramLabel = "DIR|FILE",
      description = "SavedModel version folder to create (TF Serving layout), or a NAME.weights.h5 / NAME.keras "
          + "file (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--overwrite", description = "Replace an existing export in --out.")
  boolean overwrite;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    String name = out.getFileName() == null ? "" : out.getFileName().toString().toLowerCase(Locale.ROOT);
    boolean kerasFile = name.endsWith(".keras") || ModelFiles.isKeras3WeightsName(out);
    if (!kerasFile && ModelFiles.hasKerasSuffix(out)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--out " + out
          + ": Keras 3 files are written as NAME.weights.h5 or NAME.keras (a legacy .h5 is not written)");
    }
    ModelOption.Chosen chosen = model.choose(Path.of("mnist"), weights);
    if (!kerasFile) {
      if (!overwrite && isNonEmptyFolder(out)) {
        throw new TfjMnistException("SavedModel folder " + out.toAbsolutePath().normalize() + " already exists and is"
            + " not empty; choose a new version folder, or pass --overwrite to replace it.");
      }
      Path dir = ModelFiles.exportSavedModel(ModelOption.read(chosen), out, overwrite);
      spec.commandLine().getOut().println("Exported SavedModel to " + dir
          + " (signature serving_default: input float32 [-1,28,28,1] -> probabilities float32 [-1,10])");
      return 0;
    }
    if (Files.exists(out) && !overwrite) {
      throw new TfjMnistException(out + " already exists; give --overwrite to replace it.");
    }
    LoadedModel loaded = ModelOption.read(chosen);
    // A .keras names the optimizer its state belongs to; other files hold slots and a step count, not
    // hyperparameters beyond the learning rate: Keras's defaults are the quickstart's Adam().
    Optimizer optimizer = compiledOptimizer(chosen.path()).orElse(Adam.kerasDefaults());
    try {
      ModelFiles.write(out, loaded, optimizer);
    } catch (TfjMnistException e) {
      if (!name.endsWith(".keras") || loaded.architectureSource() != LoadedModel.ArchitectureSource.FILE) {
        throw e;
      }
      // A model the .keras writer cannot describe (one whose config was not Sequential or Functional):
      // its weights still go to Keras through .weights.h5.
      throw new TfjMnistException(e.getMessage() + " (Keras's load_weights reads a NAME.weights.h5 into the model"
          + " built from its own .keras file, and this program reads it back with --model NAME.weights.h5"
          + " --architecture FILE.keras.)", e);
    }
    spec.commandLine().getOut().println("Exported " + (name.endsWith(".keras") ? "Keras 3 model " : "Keras 3 weights ")
        + out + loaded.optimizerState().map(s -> " with " + optimizer.kerasClassName() + "'s state (iterations "
            + s.iterations() + ")")
            .orElse(" (no optimizer state)"));
    return 0;
  }

  /** The optimizer a {@code .keras} was compiled with; empty for other files and for compile configs train does not read. */
  private static java.util.Optional<Optimizer> compiledOptimizer(Path model) {
    try {
      return ModelFiles.compileConfig(model).map(io.tfjmnist.optimizers.CompileConfig::optimizer);
    } catch (TfjMnistException unsupported) {
      return java.util.Optional.empty();
    }
  }

  private static boolean isNonEmptyFolder(Path dir) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isPresent();
    } catch (IOException e) {
      return false; // the library's export reports what is wrong with the folder
    }
  }
}
