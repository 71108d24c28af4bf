package io.tfjmnist.files;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Locale;

/**
 * The cause of a failed write as a short clause for a one-line message: "no space left on device",
 * "permission denied", "read-only file system". The OS's reason only, never the path of a hidden
 * temporary (the caller names the user's path) and never TensorFlow's multi-line hints.
 */
public final class FileErrors {
  private FileErrors() {}

  /** The reason {@code t} (or a cause of it) gives, as a lower-case clause without a final period. */
  public static String reason(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      String known = knownReason(c.getMessage());
      if (known != null) {
        return known;
      }
      if (c instanceof AccessDeniedException) {
        return "permission denied";
      }
      if (c instanceof NoSuchFileException) {
        return "a folder on the way does not exist";
      }
      if (c instanceof FileSystemException fse && fse.getReason() != null) {
        return lowerFirst(fse.getReason());
      }
    }
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : firstLine(t.getMessage());
    // A hidden temporary's path means nothing to the user, who is told their own path by the caller.
    m = m.replaceAll("\\S*/\\.[^/\\s]+\\.tmp-\\d+-\\d+\\S*", "a temporary file");
    return m.replaceFirst("[.\\s]+$", "");
  }

  /** Whether {@code t} says the disk (or quota) is full. */
  public static boolean isDiskFull(Throwable t) {
    return "no space left on device".equals(reason(t)) || "disk quota exceeded".equals(reason(t));
  }

  private static String knownReason(String message) {
    if (message == null) {
      return null;
    }
    String m = message.toLowerCase(Locale.ROOT);
    if (m.contains("no space left on device") || m.contains("enospc")) {
      return "no space left on device";
    }
    if (m.contains("disk quota exceeded") || m.contains("edquot")) {
      return "disk quota exceeded";
    }
    if (m.contains("read-only file system") || m.contains("erofs")) {
      return "read-only file system";
    }
    if (m.contains("permission denied") || m.contains("eacces")) {
      return "permission denied";
    }
    return null;
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static String lowerFirst(String s) {
    return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }
}
