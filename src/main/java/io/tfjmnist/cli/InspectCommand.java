package io.tfjmnist.cli;

import io.tfjmnist.modelfiles.ModelFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code inspect}: like {@code saved_model_cli show --all}, for every kind of model file. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = "Show what a model file is and holds: a SavedModel's tags, signatures, TF version and variables; "
        + "a checkpoint's tensor keys, dtypes, shapes and Python object graph; a Keras file's config and datasets.")
final class InspectCommand implements Callable<Integer> {
  @Parameters(arity = "0..*", paramLabel = "PATH",
      description = "Models of any kind: SavedModel folder, checkpoint prefix or folder, .weights.h5 / .h5, .keras.")
  List<Path> paths = new ArrayList<>();

  @Option(names = "--model", paramLabel = "PATH", description = "A model to inspect, as every command names it.")
  List<Path> models = new ArrayList<>();

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    List<Path> all = new ArrayList<>(models);
    all.addAll(paths);
    if (all.isEmpty()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "name the model to inspect: inspect PATH, or"
          + " --model PATH");
    }
    PrintWriter out = spec.commandLine().getOut();
    for (Path p : all) {
      if (all.size() > 1) {
        out.println("== " + p);
      }
      ModelFiles.describe(p).forEach(out::println);
    }
    out.flush();
    return 0;
  }
}
