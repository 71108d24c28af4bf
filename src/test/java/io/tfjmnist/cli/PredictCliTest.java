package io.tfjmnist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tfjmnist.keras.WeightsCheckpoint;
import io.tfjmnist.data.Dataset;
import io.tfjmnist.testing.PhotoSynth;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.testing.Cli;
import io.tfjmnist.testing.Cli.Outcome;
import io.tfjmnist.testing.TestData;
import io.tfjmnist.optimizers.Adam;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * predict and show from the command line: every bad input gets its own line while the good files
 * in the same call are still classified; JSON lines; the quickstart's figure read back.
 */
class PredictCliTest {
  @TempDir
  static Path dir;

  static Path weights;
  static Path good1;
  static Path good2;

  @BeforeAll
  static void setUp() throws Exception {
    weights = dir.resolve("mnist");
    WeightsCheckpoint.save(weights, ModelWeights.glorotUniform(ModelArchitecture.quickstartCnn(), 3), null, Adam.kerasDefaults());
    Dataset test = TestData.mnist().test();
    good1 = dir.resolve("seven.jpg");
    Files.write(good1, PhotoSynth.jpeg(PhotoSynth.photoOf(test.image(0), 1, PhotoSynth.Options.DEFAULT), 0.9f));
    good2 = dir.resolve("two.png");
    ImageIO.write(PhotoSynth.photoOf(test.image(1), 2, PhotoSynth.Options.DEFAULT), "png", good2.toFile());
  }

  private static Outcome predict(String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "predict";
    all[1] = "--weights";
    all[2] = weights.toString();
    System.arraycopy(args, 0, all, 3, args.length);
    return Cli.run(all);
  }

  @Test
  void eachBadFileGetsOneLineAndTheOthersAreStillClassified() throws Exception {
    Path empty = Files.write(dir.resolve("empty.png"), new byte[0]);
    Path text = Files.writeString(dir.resolve("notes.jpg"), "this is not an image\n");
    byte[] jpeg = Files.readAllBytes(good1);
    Path truncated = Files.write(dir.resolve("truncated.jpg"), java.util.Arrays.copyOf(jpeg, jpeg.length / 2));
    Path tiny = dir.resolve("tiny.png");
    ImageIO.write(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB), "png", tiny.toFile());
    Path bomb = Files.write(dir.resolve("bomb.png"), pngHeaderOnly(20000, 20000));
    Path folder = Files.createDirectories(dir.resolve("a-folder-inside")).resolve("nested");
    Files.createDirectories(folder);
    Path missing = dir.resolve("missing.png");

    Outcome o = predict(good1.toString(), empty.toString(), text.toString(), truncated.toString(), tiny.toString(),
        bomb.toString(), missing.toString(), good2.toString());
    assertEquals(1, o.exitCode(), o.err());
    List<String> out = o.out().lines().toList();
    assertEquals(2, out.size(), o.out());
    assertTrue(out.get(0).startsWith(good1 + ": ") && out.get(1).startsWith(good2 + ": "), o.out());
    assertTrue(out.get(0).matches(".*: \\d \\(\\d\\.\\d{4}\\)  top-3:( \\d \\d\\.\\d{4}){3}"), out.get(0));
    List<String> errors = o.errLines().stream().filter(l -> l.startsWith("error: ")).toList();
    assertEquals(6, errors.size(), o.err());
    for (Path bad : List.of(empty, text, truncated, tiny, bomb, missing)) {
      assertTrue(errors.stream().anyMatch(l -> l.contains(bad.getFileName().toString())), bad + " in " + errors);
    }
    assertTrue(errors.stream().anyMatch(l -> l.contains("bomb.png") && l.contains("20000")), errors.toString());
    assertTrue(o.errLines().stream().anyMatch(l -> l.startsWith("Classified 2 of 8 images")), o.err());
    assertTrue(!o.err().contains("\tat "), "no stack trace");
  }

  @Test
  void jsonLinesAndAFolder() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("photos"));
    Files.copy(good1, folder.resolve("a.jpg"));
    Files.copy(good2, folder.resolve("b.png"));
    Outcome o = predict("--json", folder.toString());
    assertEquals(0, o.exitCode(), o.err());
    List<String> lines = o.out().lines().toList();
    assertEquals(2, lines.size());
    JsonNode first = new ObjectMapper().readTree(lines.get(0));
    assertTrue(first.get("file").asText().endsWith("a.jpg"));
    assertEquals(10, first.get("probabilities").size());
    assertEquals(3, first.get("top3").size());
    assertEquals(first.get("digit").asInt(), first.get("top3").get(0).get("digit").asInt());
  }

  @Test
  void aFolderWithNothingToClassifyIsAnError() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty-folder"));
    Outcome o = predict(empty.toString());
    assertEquals(1, o.exitCode(), o.err());
    assertEquals(List.of("error: Folder " + empty + " holds no image files (hidden files and subfolders are skipped),"
        + " so there is nothing to classify."), o.errLines());
    assertEquals("", o.out());

    // Hidden files and subfolders do not count; a good file beside the empty folder does not excuse it.
    Files.writeString(empty.resolve(".DS_Store"), "x");
    Files.createDirectories(empty.resolve("sub"));
    Outcome mixed = predict(good1.toString(), empty.toString());
    assertEquals(1, mixed.exitCode(), mixed.err());
    assertTrue(mixed.errLines().get(0).startsWith("error: Folder " + empty + " holds no image files"), mixed.err());

    // A folder of files that are not images: one line for each, exit 1.
    Path notImages = Files.createDirectories(dir.resolve("no-images"));
    Files.writeString(notImages.resolve("readme.txt"), "digits go here\n");
    Outcome none = predict(notImages.toString());
    assertEquals(1, none.exitCode(), none.err());
    assertEquals("", none.out());
    assertTrue(none.errLines().get(0).startsWith("error: ") && none.errLines().get(0).contains("readme.txt"), none.err());
  }

  @Test
  void thePredictPyFigureHasThreePanels() throws Exception {
    Path png = dir.resolve("figure.png");
    Outcome o = predict("--plot", png.toString(), "--preprocess", "seed", good1.toString());
    assertEquals(0, o.exitCode(), o.err());
    BufferedImage fig = ImageIO.read(png.toFile());
    assertEquals(960, fig.getWidth());
    assertEquals(720, fig.getHeight());
    // Three panels side by side: each third of the width has non-white pixels in its middle band.
    for (int panel = 0; panel < 3; panel++) {
      int dark = 0;
      for (int x = panel * 320 + 20; x < panel * 320 + 300; x++) {
        for (int y = 200; y < 520; y++) {
          int rgb = fig.getRGB(x, y) & 0xffffff;
          if (rgb != 0xffffff) {
            dark++;
          }
        }
      }
      assertTrue(dark > 1000, "panel " + panel + " has content: " + dark);
    }
  }

  @Test
  void badPreprocessingNameAndShow() throws Exception {
    Outcome bad = predict("--preprocess", "magic", good1.toString());
    assertEquals(2, bad.exitCode(), "a bad flag value is a usage error");
    assertTrue(bad.errLines().get(0).contains("magic"), bad.err());

    Path strip = dir.resolve("first3.png");
    Outcome show = Cli.run("show", "--count", "3", "--plot", strip.toString(), "--data-dir", TestData.mnistDataDir().toString());
    assertEquals(0, show.exitCode(), show.err());
    assertEquals("7 2 1", show.out().lines().findFirst().orElseThrow());
    BufferedImage img = ImageIO.read(strip.toFile());
    assertTrue(img.getWidth() > img.getHeight(), "side by side");
  }

  /** A PNG whose IHDR declares width x height (valid CRC) and holds no pixel data. */
  static byte[] pngHeaderOnly(int width, int height) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 2)
        .put((byte) 0).put((byte) 0).put((byte) 0);
    writeChunk(out, "IHDR", ihdr.array());
    writeChunk(out, "IDAT", new byte[] {0x78, (byte) 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
    writeChunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void writeChunk(ByteArrayOutputStream out, String type, byte[] data) throws Exception {
    out.write(ByteBuffer.allocate(4).putInt(data.length).array());
    byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    out.write(t);
    out.write(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }
}
