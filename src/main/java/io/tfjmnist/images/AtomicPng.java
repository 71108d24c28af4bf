package io.tfjmnist.images;

import io.tfjmnist.TfjMnistException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import javax.imageio.ImageIO;

/**
 * Writes a PNG so that readers only ever see the old file or the complete new one: the image
 * goes to a temporary file in the same directory, which is then renamed over the target. An
 * interrupted run (Ctrl-C, a full disk) leaves no half-written figure behind.
 */
public final class AtomicPng {
  private AtomicPng() {}

  public static void write(BufferedImage image, Path target) {
    Path absolute = target.toAbsolutePath();
    Path dir = absolute.getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      if (Files.isDirectory(absolute)) {
        throw new TfjMnistException("Cannot write the figure to '" + target + "': it is a directory.");
      }
      tmp = Files.createTempFile(dir, "." + absolute.getFileName(), ".tmp");
      // createTempFile makes the file private (0600); a figure is an ordinary file.
      if (Files.getFileStore(tmp).supportsFileAttributeView(PosixFileAttributeView.class)) {
        Files.setPosixFilePermissions(tmp, Files.exists(absolute)
            ? Files.getPosixFilePermissions(absolute)
            : PosixFilePermissions.fromString("rw-r--r--"));
      }
      try (OutputStream out = Files.newOutputStream(tmp)) {
        if (!ImageIO.write(image, "png", out)) {
          throw new IOException("no PNG writer for this image type");
        }
      }
      try {
        Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
    } catch (IOException e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new TfjMnistException("Cannot write the figure to '" + target + "': " + why + ".", e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // Best effort: the temporary file is hidden and harmless.
        }
      }
    }
  }
}
