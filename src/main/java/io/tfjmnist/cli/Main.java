package io.tfjmnist.cli;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.tensors.HeapLimit;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar tfj-mnist.jar COMMAND ...}. The CLI only parses flags and calls the library;
 * every failure the user can fix ends as one line on stderr and a non-zero exit, never a stack
 * trace (set {@code TFJ_MNIST_DEBUG=1} to see one).
 */
@Command(name = "tfj-mnist", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "The TensorFlow 2 MNIST CNN on TensorFlow Java: train, evaluate, predict.",
    subcommands = {TrainCommand.class, EvalCommand.class, PredictCommand.class, ShowCommand.class, ServeCommand.class,
        ExportCommand.class, InspectCommand.class,
        ParityCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  /** Exit status for a failure at run time (bad data, unreadable checkpoint, bad image). */
  public static final int EXIT_FAILURE = 1;
  /** Exit status for bad flags, as picocli uses. */
  public static final int EXIT_USAGE = 2;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** The streams {@link #run} was given, for commands whose library calls print as they go. */
  final PrintStream out;
  final PrintStream err;

  Main(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (train, eval, predict, show, serve, export, inspect, parity, help)");
  }

  public static void main(String[] args) {
    // Figures and charts are drawn into PNGs, never on screen: the program, not the library, says so to AWT.
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
    // An OutOfMemoryError on a pool thread (image decoding, TF's callbacks) would otherwise be
    // printed by the JVM as a stack trace; it ends the command with the same one line instead.
    Thread.setDefaultUncaughtExceptionHandler((thread, t) -> {
      if (t instanceof OutOfMemoryError oom) {
        System.err.println(outOfMemory(oom));
        System.err.flush();
        Runtime.getRuntime().halt(EXIT_FAILURE);
      }
      if (t instanceof TfjMnistException && System.getenv("TFJ_MNIST_DEBUG") == null) {
        System.err.println("error: " + t.getMessage()); // e.g. from the serve shutdown hook
        return;
      }
      System.err.print("Exception in thread \"" + thread.getName() + "\" ");
      t.printStackTrace();
    });
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the CLI with the given streams; returns the exit status. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    // What a reader or writer repaired by itself (a torn weights pair, a lost export folder...) is
    // said, one line each, before the command's own output.
    io.tfjmnist.files.Notices.listen(notice -> {
      err.println("warning: " + notice);
      err.flush();
    });
    CommandLine cli = new CommandLine(new Main(out, err));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    // Colours in --help only on a terminal: in a file or a pipe their escape sequences are litter.
    cli.setColorScheme(CommandLine.Help.defaultColorScheme(out == System.out && Terminal.isTerminal(Terminal.STDOUT)
        ? CommandLine.Help.Ansi.AUTO : CommandLine.Help.Ansi.OFF));
    cli.setParameterExceptionHandler((ex, a) -> {
      err.println("error: " + usageMessage(ex));
      CommandLine cmd = ex.getCommandLine();
      err.println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for the options.");
      return EXIT_USAGE;
    });
    cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      Throwable t = ex;
      if (System.getenv("TFJ_MNIST_DEBUG") != null) {
        t.printStackTrace(err);
      }
      OutOfMemoryError oom = outOfMemoryCause(t);
      if (t instanceof TfjMnistException) {
        err.println("error: " + t.getMessage());
      } else if (oom != null) {
        err.println(outOfMemory(oom));
      } else {
        err.println("error: unexpected " + t.getClass().getSimpleName() + ": " + t.getMessage()
            + " (set TFJ_MNIST_DEBUG=1 for details)");
      }
      return EXIT_FAILURE;
    });
    try {
      return cli.execute(args);
    } catch (OutOfMemoryError e) {
      // picocli hands only Exceptions to the handler above; an Error leaves execute() as it is.
      if (System.getenv("TFJ_MNIST_DEBUG") != null) {
        e.printStackTrace(err);
      }
      err.println(outOfMemory(e));
      return EXIT_FAILURE;
    }
  }

  /**
   * The one line for an OutOfMemoryError that no reader turned into a sentence naming its file (they
   * do for the arrays a file declares): the heap there was, and the next size up to try.
   */
  static String outOfMemory(OutOfMemoryError e) {
    long max = HeapLimit.maxHeap();
    String what = e.getMessage() == null || e.getMessage().isBlank() ? "" : " (" + e.getMessage() + ")";
    return "error: Java ran out of memory" + what + ": its heap is limited to " + HeapLimit.megabytes(max)
        + "; run it with a larger heap, e.g. java " + HeapLimit.xmxFor(max) + " -jar ..., or use a smaller --batch-size.";
  }

  private static OutOfMemoryError outOfMemoryCause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof OutOfMemoryError oom) {
        return oom;
      }
    }
    return null;
  }

  /**
   * picocli's message, made a sentence, with its suggestions for a typo: {@code evaluate} gets
   * "did you mean eval?", {@code --epoch} "did you mean --epochs?".
   */
  static String usageMessage(CommandLine.ParameterException ex) {
    String message = ex.getMessage();
    if (message != null && message.startsWith("Error: ")) {
      // picocli starts some messages so ("Error: Missing required argument..."); the handler says "error: " itself
      message = message.substring("Error: ".length());
    }
    if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
      String first = u.getUnmatched().get(0);
      boolean commandExpected = !first.startsWith("-") && !u.getCommandLine().getSubcommands().isEmpty()
          && u.getCommandLine().getCommandSpec().parent() == null;
      if (commandExpected) {
        message = "unknown command '" + first + "'";
      }
      List<String> suggestions = u.getSuggestions().stream().filter(s -> !s.equals("help")).distinct().toList();
      if (!suggestions.isEmpty()) {
        message += "; did you mean " + String.join(" or ", suggestions) + "?";
      } else if (commandExpected) {
        message += "; the commands are train, eval, predict, show, serve, export, inspect, parity and help.";
      }
    }
    return message;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"tfj-mnist " + (v == null ? "dev" : v) + " (TensorFlow Java 1.1.0, TF 2.18 runtime)"};
    }
  }
}
