package io.tfjmnist.images.decoding;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ImageDecoder#warmUpFor} starts libjpeg-turbo's warm-up when a run's first files hold a
 * JPEG by their bytes (whatever their names), and otherwise starts nothing and throws nothing: a
 * folder of PNGs, files that are missing or unreadable are left for the real decode to report.
 */
class DecoderWarmUpTest {
  @TempDir
  Path dir;

  private Path write(String name, String format) throws IOException {
    Path f = dir.resolve(name);
    ImageIO.write(new BufferedImage(12, 12, BufferedImage.TYPE_BYTE_GRAY), format, f.toFile());
    return f;
  }

  @Test
  void aJpegAmongTheFirstFilesStartsTheWarmUpWhateverItsName() throws IOException {
    assertTrue(ImageDecoder.warmUpFor(List.of(write("a.png", "png"), write("b.png", "jpg"))));
  }

  @Test
  void pngsMissingFilesAndFoldersStartNothingAndThrowNothing() throws IOException {
    assertFalse(ImageDecoder.warmUpFor(List.of()));
    assertFalse(ImageDecoder.warmUpFor(List.of(dir.resolve("missing.jpg"), dir, write("c.jpg", "png"))));
  }

  @Test
  void onlyTheFirstFewFilesAreLookedAt() throws IOException {
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      files.add(write(i + ".png", "png"));
    }
    files.add(write("4.jpg", "jpg"));
    assertFalse(ImageDecoder.warmUpFor(files), "a long folder's every file would be opened twice");
  }
}
