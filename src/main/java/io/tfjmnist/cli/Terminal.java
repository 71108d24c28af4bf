package io.tfjmnist.cli;

import java.io.Console;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether one of the process's standard streams is a terminal, so that escape sequences (the
 * progress bar's line clearing, picocli's colours) go only where a terminal reads them. Java 17's
 * {@code System.console()} answers for stdin and stdout together, not for stderr, and from Java 22
 * on it returns a console even when both are redirected; Linux says per stream where each points.
 */
final class Terminal {
  static final int STDOUT = 1;
  static final int STDERR = 2;

  private Terminal() {}

  static boolean isTerminal(int fd) {
    Path link = Path.of("/proc/self/fd/" + fd);
    if (Files.isSymbolicLink(link)) {
      try {
        String target = Files.readSymbolicLink(link).toString();
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
      } catch (IOException | UnsupportedOperationException | SecurityException e) {
        return false;
      }
    }
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try { // Java 22+: a console exists whatever the streams are; isTerminal() tells
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (NoSuchMethodException e) {
      return true; // before Java 22, a console means stdin and stdout are a terminal
    } catch (ReflectiveOperationException | ClassCastException e) {
      return false;
    }
  }
}
