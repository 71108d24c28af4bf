package io.tfjmnist.training.callbacks;

import io.tfjmnist.training.TrainingListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Ctrl-C, and SIGTERM (what {@code docker stop}, systemd and Kubernetes send), as a polite stop: the
 * first such signal only sets a flag that {@link #stopRequested()} reports, so the
 * {@link io.tfjmnist.training.Trainer} stops after the current step and the caller can still save;
 * a second one puts the previous handlers back and passes the signal on, so the JVM exits as it
 * normally would (exit code 130 or 143, shutdown hooks run).
 *
 * <p>Uses {@code sun.misc.Signal} from the {@code jdk.unsupported} module, the only way to catch a
 * signal in Java. Where it is missing or a signal cannot be taken (a JVM started with {@code -Xrs},
 * a process that ignores SIGINT, non-HotSpot runtimes), that signal keeps its usual meaning.
 * {@link #close()} restores the handlers that were there before.
 */
public final class InterruptHandler implements TrainingListener, AutoCloseable {
  private final AtomicInteger signals = new AtomicInteger();
  private final AtomicReference<String> firstSignal = new AtomicReference<>();
  private final Consumer<String> onFirstSignal; // null: nothing to do
  private final List<Hook> hooks = new ArrayList<>();
  private final boolean interruptHandled;

  private InterruptHandler(Consumer<String> onFirstSignal, boolean install) {
    this.onFirstSignal = onFirstSignal;
    Hook intHook = install ? Hook.tryInstall(this, "INT") : null;
    Hook termHook = install ? Hook.tryInstall(this, "TERM") : null;
    this.interruptHandled = intHook != null;
    if (intHook != null) {
      hooks.add(intHook);
    }
    if (termHook != null) {
      hooks.add(termHook);
    }
  }

  /**
   * Takes over SIGINT and SIGTERM until {@link #close()}.
   *
   * @param onFirstSignal run on the JVM's signal thread at the first signal (the CLI says "stopping
   *     after this step" there); null for nothing
   */
  public static InterruptHandler install(Runnable onFirstSignal) {
    return new InterruptHandler(onFirstSignal == null ? null : signal -> onFirstSignal.run(), true);
  }

  /** As {@link #install(Runnable)}, telling the caller which signal came first ("INT" or "TERM"). */
  public static InterruptHandler installFor(Consumer<String> onFirstSignal) {
    return new InterruptHandler(onFirstSignal, true);
  }

  /** A handler that never fires, for runs that leave Ctrl-C alone (tests, embedding applications). */
  public static InterruptHandler none() {
    return new InterruptHandler(null, false);
  }

  /** Whether SIGINT is really handled here (false when the runtime would not allow it). */
  public boolean installed() {
    return interruptHandled;
  }

  @Override
  public boolean stopRequested() {
    return signals.get() > 0;
  }

  /** The signal that asked for the stop ("INT" or "TERM"); null when none did. */
  public String signal() {
    return firstSignal.get();
  }

  /** Requests a stop as the first Ctrl-C does (for callers with other stop triggers). */
  public void requestStop() {
    signals.compareAndSet(0, 1);
  }

  /** Called on the JVM's signal thread. Returns true when the signal should go on to the previous handler. */
  boolean onSignal(String name) {
    int n = signals.incrementAndGet();
    if (n == 1) {
      firstSignal.compareAndSet(null, name);
      if (onFirstSignal != null) {
        onFirstSignal.accept(name);
      }
      return false;
    }
    return true;
  }

  /** Restores the previous handlers (idempotent). */
  @Override
  public void close() {
    hooks.forEach(Hook::restore);
  }

  /** Everything that touches {@code sun.misc}, kept apart so its absence is one caught LinkageError. */
  private static final class Hook {
    private final sun.misc.Signal signal;
    private final sun.misc.SignalHandler previous;
    private final sun.misc.SignalHandler ours;
    private boolean restored;

    private Hook(sun.misc.Signal signal, sun.misc.SignalHandler previous, sun.misc.SignalHandler ours) {
      this.signal = signal;
      this.previous = previous;
      this.ours = ours;
    }

    static Hook tryInstall(InterruptHandler owner, String name) {
      try {
        sun.misc.Signal sig = new sun.misc.Signal(name);
        Hook[] self = new Hook[1];
        sun.misc.SignalHandler ours = s -> {
          if (owner.onSignal(name) && self[0] != null) {
            self[0].passOn(s);
          }
        };
        sun.misc.SignalHandler previous = sun.misc.Signal.handle(sig, ours);
        if (previous == sun.misc.SignalHandler.SIG_IGN) {
          // The process ignores the signal (SIGINT in a background job, anything under nohup):
          // HotSpot then keeps it ignored and installs nothing, and no such signal can reach us.
          sun.misc.Signal.handle(sig, previous);
          return null;
        }
        self[0] = new Hook(sig, previous, ours);
        return self[0];
      } catch (LinkageError | IllegalArgumentException | UnsupportedOperationException | SecurityException e) {
        return null; // degrade: Ctrl-C keeps its default meaning
      }
    }

    /** Second Ctrl-C: back to the previous behaviour, then let it act on this very signal. */
    synchronized void passOn(sun.misc.Signal s) {
      restore();
      if (previous == sun.misc.SignalHandler.SIG_IGN) {
        return;
      }
      if (previous == sun.misc.SignalHandler.SIG_DFL) {
        sun.misc.Signal.raise(s); // the OS default (terminate) now that it is installed again
        return;
      }
      previous.handle(s);
    }

    synchronized void restore() {
      if (restored) {
        return;
      }
      restored = true;
      sun.misc.SignalHandler current = sun.misc.Signal.handle(signal, previous);
      if (current != ours) {
        sun.misc.Signal.handle(signal, current); // someone installed a handler over ours: leave theirs
      }
    }
  }
}
