package io.tfjmnist.training.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Real SIGINTs raised in this JVM. A handler of the test's own is always installed underneath
 * before any signal is raised, so a signal that gets through counts there instead of ending the
 * test JVM; the JVM's original handler is put back at the end.
 */
class InterruptHandlerTest {
  private static final Signal INT = new Signal("INT");

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    // Signals are delivered on the JVM's signal-dispatch thread, a moment after raise().
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(5);
    }
  }

  /**
   * Whether this process ignores SIGINT, as a job started in the background by a non-interactive
   * shell does: HotSpot then refuses every handler, so no signal test can run. Linux reports it in
   * /proc/self/status (bit 1 of SigIgn is SIGINT); elsewhere this answers false.
   */
  private static boolean sigintIgnored() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("SigIgn:")) {
          return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & 0x2L) != 0;
        }
      }
    } catch (IOException | RuntimeException e) {
      return false;
    }
    return false;
  }

  @Test
  void aProcessThatIgnoresSigintGetsAHandlerThatIsNotInstalled() {
    assumeTrue(sigintIgnored(), "SIGINT is not ignored in this process");
    try (InterruptHandler h = InterruptHandler.install(null)) {
      assertFalse(h.installed(), "HotSpot installs no handler for an ignored SIGINT");
    }
  }

  @Test
  void firstCtrlCRequestsAStopSecondPassesItOnAndCloseRestores() throws Exception {
    assumeTrue(!sigintIgnored(), "this process ignores SIGINT (a background job): no signal can be tested");
    AtomicInteger passedOn = new AtomicInteger();
    SignalHandler underneath = s -> passedOn.incrementAndGet();
    SignalHandler original = Signal.handle(INT, underneath);
    try {
      AtomicInteger told = new AtomicInteger();
      try (InterruptHandler h = InterruptHandler.install(told::incrementAndGet)) {
        assumeTrue(h.installed(), "this JVM does not let SIGINT be handled");
        assertFalse(h.stopRequested());

        Signal.raise(INT);
        await(h::stopRequested, "the stop flag");
        assertEquals(0, passedOn.get(), "the first Ctrl-C is ours alone");
        assertEquals(1, told.get(), "the first Ctrl-C is reported to the caller once");

        Signal.raise(INT);
        await(() -> passedOn.get() == 1, "the second Ctrl-C to reach the previous handler");
        assertTrue(h.stopRequested());
        assertEquals(1, told.get(), "only the first Ctrl-C is reported");

        Signal.raise(INT); // the previous handler is back in charge
        await(() -> passedOn.get() == 2, "the third Ctrl-C");
      }
      assertTrue(Signal.handle(INT, underneath) == underneath, "close left the previous handler installed");
    } finally {
      Signal.handle(INT, original);
    }
  }

  @Test
  void closeRestoresThePreviousHandlerWithoutAnySignal() throws Exception {
    assumeTrue(!sigintIgnored(), "this process ignores SIGINT (a background job): no signal can be tested");
    AtomicInteger passedOn = new AtomicInteger();
    SignalHandler underneath = s -> passedOn.incrementAndGet();
    SignalHandler original = Signal.handle(INT, underneath);
    try {
      InterruptHandler h = InterruptHandler.install(null);
      assumeTrue(h.installed());
      h.close();
      h.close(); // idempotent
      Signal.raise(INT);
      await(() -> passedOn.get() == 1, "the restored handler");
      assertFalse(h.stopRequested());
    } finally {
      Signal.handle(INT, original);
    }
  }

  @Test
  void noneNeverFiresButCanBeAskedToStop() {
    try (InterruptHandler h = InterruptHandler.none()) {
      assertFalse(h.installed());
      assertFalse(h.stopRequested());
      h.requestStop();
      assertTrue(h.stopRequested());
    }
  }
}
