package io.tfjmnist.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Says on the console why a test was skipped. Surefire counts skipped tests but keeps their reasons
 * in its report files, so a run without Python or {@code ../shared} would look the same as a run that
 * tested everything; this prints each reason ("needs a python with TensorFlow 2.21...") in the
 * {@code mvn} output, one line per skipped test. Registered for every test class through
 * {@code META-INF/services} and {@code junit-platform.properties} (extension autodetection).
 */
public final class SkipReasons implements TestWatcher {
  @Override
  public void testAborted(ExtensionContext context, Throwable cause) {
    report(context, cause == null ? null : cause.getMessage());
  }

  @Override
  public void testDisabled(ExtensionContext context, java.util.Optional<String> reason) {
    report(context, reason.orElse(null));
  }

  private static void report(ExtensionContext context, String reason) {
    String test = context.getRequiredTestClass().getSimpleName() + "." + context.getDisplayName();
    System.out.println("[SKIPPED] " + test + ": " + (reason == null || reason.isBlank() ? "no reason given" : reason));
    System.out.flush();
  }
}
