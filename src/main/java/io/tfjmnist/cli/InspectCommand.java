package io.tfjmnist.cli;

import io.tfjmnist.modelfiles.ModelFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code inspect}: like {@code saved_model_cli show --all}, for SavedModels and checkpoints. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = "Show a SavedModel's tags, signatures, TF version and variables, or a checkpoint's "
        + "tensor keys, dtypes, shapes and Python object graph.")
final class InspectCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "PATH", description = "SavedModel folder or checkpoint prefix.")
  java.util.List<Path> paths;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    for (Path p : paths) {
      if (paths.size() > 1) {
        out.println("== " + p);
      }
      ModelFiles.describe(p).forEach(out::println);
    }
    out.flush();
    return 0;
  }
}
