package io.tfjmnist.files;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A save checks for room before TensorFlow writes: TF's own out-of-space error is several lines of
 * native logging (with an OOM hint) naming a hidden temporary, where the user needs one line naming
 * their path. A disk that fills up during the write still fails there, with TF's lines.
 */
public final class DiskSpace {
  private DiskSpace() {}

  /**
   * Throws a {@link FileSystemException} whose reason starts "No space left on device" when the
   * file store of {@code dir} (or of its nearest existing parent) has fewer than {@code bytes} free.
   */
  public static void require(Path dir, long bytes) throws IOException {
    Path p = dir.toAbsolutePath();
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    if (p == null) {
      return;
    }
    long free = Files.getFileStore(p).getUsableSpace();
    if (free < bytes) {
      throw new FileSystemException(dir.toString(), null, String.format(Locale.ROOT,
          "No space left on device (%.1f MB free, %.1f MB needed)", free / 1e6, bytes / 1e6));
    }
  }
}
