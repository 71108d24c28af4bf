package io.tfjmnist.files;

import java.util.function.Consumer;

/**
 * What a reader or writer repaired on its own (a torn weights pair put back, a lost export folder
 * restored, a rebuilt checkpoint state file, stale temporaries removed). The library never prints:
 * it reports here, and the CLI installs a listener that shows each notice as one line. Without a
 * listener notices are dropped, so an embedding application sees the repaired files only.
 */
public final class Notices {
  private static volatile Consumer<String> listener = s -> { };

  private Notices() {}

  /** Sends every later notice to {@code sink} (replacing the previous one); null drops them. */
  public static void listen(Consumer<String> sink) {
    listener = sink == null ? s -> { } : sink;
  }

  /** Reports one sentence. */
  public static void report(String sentence) {
    listener.accept(sentence);
  }
}
