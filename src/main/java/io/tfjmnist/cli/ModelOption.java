package io.tfjmnist.cli;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.modelfiles.LoadedModel;
import io.tfjmnist.modelfiles.ModelFiles;
import io.tfjmnist.modelfiles.ModelKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code --model PATH} and {@code --architecture FILE}: one way to name a model in every command.
 * The path may be any kind {@link ModelFiles#kindOf} tells apart (a TF checkpoint prefix or folder,
 * a {@code .weights.h5} or {@code .h5}, a {@code .keras}, a SavedModel folder); a command's older
 * flags ({@code --weights}, {@code --saved-model}) are other names for it. A model that cannot be
 * read is refused with what the file is and which option or file would work.
 */
final class ModelOption {
  @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
  CommandLine.Model.CommandSpec mixee;

  @Option(names = "--model", paramLabel = "PATH",
      description = "The model: a TF checkpoint prefix or folder, a .weights.h5 / .h5 (architecture from "
          + "--architecture, else the quickstart CNN), a .keras file, or a SavedModel folder.")
  Path model;

  @Option(names = "--architecture", paramLabel = "FILE",
      description = "For a checkpoint or .weights.h5, which hold weights only: the model's .keras file or Keras "
          + "config JSON (model.to_json(), or the config.json inside a .keras).")
  Path architecture;

  /** A model named on the command line, and what it is. */
  record Chosen(Path path, ModelKind kind, Path architecture, String flag) {
    boolean isSavedModel() {
      return kind == ModelKind.SAVED_MODEL;
    }
  }

  /**
   * The model named by {@code --model} or by one of the command's older flags (name to value, null
   * when not given), or {@code whenNone}: a usage error when more than one is given.
   */
  Chosen choose(Path whenNone, Map<String, Path> olderFlags) {
    Map<String, Path> given = new LinkedHashMap<>();
    if (model != null) {
      given.put("--model", model);
    }
    olderFlags.forEach((flag, value) -> {
      if (value != null) {
        given.put(flag, value);
      }
    });
    if (given.size() > 1) {
      throw new CommandLine.ParameterException(mixee.commandLine(), "give the model once, not as "
          + String.join(" and ", given.keySet()) + ": --model PATH takes any kind (the other flags are its older names)");
    }
    Map.Entry<String, Path> one = given.isEmpty() ? Map.entry("--model", whenNone) : given.entrySet().iterator().next();
    Path path = one.getValue();
    ModelKind kind = ModelFiles.kindOf(path);
    if (architecture != null && kind.holdsArchitecture()) {
      throw new CommandLine.ParameterException(mixee.commandLine(), "--architecture is for files that hold weights"
          + " only (a TF checkpoint, a .weights.h5); " + path + " is a " + kind.description()
          + ", which carries its own model");
    }
    return new Chosen(path, kind, architecture, one.getKey());
  }

  /** {@link #choose} with the command's only older name for the model, {@code --weights}. */
  Chosen choose(Path whenNone, Path weights) {
    return choose(whenNone, weights, null);
  }

  /**
   * {@link #choose} with the older names {@code --weights} and {@code --saved-model}; a
   * {@code --saved-model} that names no SavedModel folder is refused with what it names instead.
   */
  Chosen choose(Path whenNone, Path weights, Path savedModel) {
    if (savedModel != null) {
      SavedModelPaths.requireNotKerasFile(savedModel);
    }
    Map<String, Path> older = new LinkedHashMap<>();
    older.put("--weights", weights);
    older.put("--saved-model", savedModel);
    Chosen chosen = choose(whenNone, older);
    if (chosen.flag().equals("--saved-model") && !chosen.isSavedModel()) {
      if (!Files.exists(savedModel)) {
        throw new TfjMnistException("SavedModel folder " + savedModel + " does not exist.");
      }
      throw new TfjMnistException(savedModel + " is a " + chosen.kind().description() + ", not a SavedModel folder"
          + " (no saved_model.pb): give it as --model " + savedModel + ".");
    }
    return chosen;
  }

  /**
   * A SavedModel as this project's Java graph, when it can be rebuilt (from its Keras config, or as
   * the quickstart when its variables are that model's); empty when it cannot, and when it was named
   * as {@code --saved-model} or with a signature, which ask for its own graph. Where it is empty,
   * the command runs the SavedModel through its signature: a Keras 3 {@code model.export()} of
   * another model keeps no config to rebuild it from, and a {@code tf.saved_model.save} folder of a
   * Keras 3 model cannot run in a session but its variables are readable.
   */
  static Optional<LoadedModel> javaRebuild(Chosen chosen, boolean signatureNamed) {
    if (!chosen.isSavedModel() || chosen.flag().equals("--saved-model") || signatureNamed) {
      return Optional.empty();
    }
    try {
      return Optional.of(ModelFiles.read(chosen.path()));
    } catch (TfjMnistException e) {
      return Optional.empty();
    }
  }

  /**
   * Reads the chosen model through {@link ModelFiles}, rebuilt in Java whatever its kind; a failure
   * gets the hint of {@link #hint} after the reader's own sentence.
   */
  static LoadedModel read(Chosen chosen) {
    return withHint(chosen, () -> ModelFiles.read(chosen.path(), chosen.architecture()));
  }

  /** Runs {@code load}, which reads the chosen model; its failure gets {@link #hint} after its own sentence. */
  static <T> T withHint(Chosen chosen, Supplier<T> load) {
    try {
      return load.get();
    } catch (TfjMnistException e) {
      String hint = hint(chosen);
      throw hint.isEmpty() ? e : new TfjMnistException(e.getMessage() + " " + hint, e);
    }
  }

  /**
   * What to try when a model could not be read: a weights-only file read as the quickstart says that
   * it holds no architecture and which file does; a SavedModel that could not be rebuilt in Java
   * says that its own signature still runs it.
   */
  static String hint(Chosen chosen) {
    Path p = chosen.path();
    List<String> ways = new ArrayList<>();
    if (!chosen.kind().holdsArchitecture() && chosen.architecture() == null && exists(p)) {
      return "(" + p + " is a " + chosen.kind().description() + ": it holds weights only, no architecture, so it was"
          + " read as the quickstart CNN. Give the model's .keras file as --model FILE.keras, or its architecture"
          + " with --architecture FILE.keras|config.json.)";
    }
    if (chosen.isSavedModel()) {
      ways.add("eval, predict and serve run it through its own signature (--model " + p + ")");
      ways.add("parity compares it with the model's .keras file (parity --saved-model " + p
          + " --model FILE.keras)");
      return "(" + p + " is a SavedModel folder that could not be rebuilt in Java: " + String.join("; ", ways) + ".)";
    }
    return "";
  }

  private static boolean exists(Path p) {
    return Files.exists(p) || Files.exists(p.resolveSibling(p.getFileName() + ".index"));
  }
}
