package io.tfjmnist.serving;

import io.tfjmnist.cli.ServeCommand;
import picocli.CommandLine;

/**
 * {@code tfj-mnist serve} for a child JVM in tests, independent of whether {@code Main} lists the
 * command yet.
 */
public final class ServeMain {
  private ServeMain() {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new ServeCommand()).execute(args));
  }
}
