package io.tfjmnist.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.checkpoint.CheckpointIndex;
import io.tfjmnist.keras.WeightsCheckpoint;
import io.tfjmnist.data.DatasetName;
import io.tfjmnist.data.IdxReader;
import io.tfjmnist.data.MnistData;
import io.tfjmnist.data.NpzReader;
import io.tfjmnist.images.preprocessing.PreprocessedImage;
import io.tfjmnist.images.preprocessing.Preprocessing;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.optimizers.Adam;
import io.tfjmnist.modelfiles.ModelFiles;
import io.tfjmnist.testing.Cli;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.zip.CRC32;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import io.tfjmnist.testing.TestData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutated inputs of every format the project reads, made here from a fixed seed (nothing is
 * committed): truncations, bit and byte flips, huge header fields, inserted, deleted and zeroed
 * runs, appended garbage. Each mutant must give a {@link TfjMnistException} (through the CLI: one
 * {@code error:} line) or the original's result, within a few seconds, never another exception.
 *
 * <p>Formats that carry checksums (gzip, zip, TF checkpoints) or are verified against known
 * SHA-256s must give exactly the original result when they give one. A SavedModel's protobuf and
 * JPEG carry none, and Java's PNG reader does not check chunk CRCs: a flip there can be a valid,
 * different file, so for them any complete result (a listing, a 28x28 input in [0, 1]) is accepted.
 */
class ReaderFuzzTest {
  private static final long SEED = 16; // issue 16
  private static final Duration PER_MUTANT = Duration.ofSeconds(10);

  @TempDir static Path dir;
  static Path checkpoint;
  static ModelWeights weights;

  @BeforeAll
  static void checkpoint() {
    checkpoint = dir.resolve("ckpt/mnist");
    weights = ModelWeights.glorotUniform(ModelArchitecture.quickstartCnn(), 4);
    WeightsCheckpoint.save(checkpoint, weights, null, Adam.kerasDefaults());
  }

  // ---------------------------------------------------------------------------------------------
  // Data sets.

  @Test
  void idxGzip() throws IOException {
    byte[] pixels = new byte[20 * 784];
    new Random(SEED).nextBytes(pixels);
    byte[] idx = ByteBuffer.allocate(16 + pixels.length).putInt(IdxReader.IMAGES_MAGIC).putInt(20).putInt(28)
        .putInt(28).put(pixels).array();
    byte[] gz = gzip(idx);
    Random r = new Random(SEED);
    int n = 0;
    // The compressed bytes: gzip's CRC-32 and length catch what the deflate stream does not.
    for (byte[] m : Mutator.mutants(gz, r, 40)) {
      Path f = write("idx/" + n++ + "-images.gz", m);
      expectSameOrError("IDX gzip mutant " + f, () -> IdxReader.readImages(f), pixels);
    }
    // The uncompressed bytes, headers first, freshly compressed: only a known set's count and
    // checksum can tell, so they are read as such.
    IdxReader.Expected known = new IdxReader.Expected(20, sha256(idx));
    for (byte[] m : Mutator.mutants(idx, r, 24, 16)) {
      Path f = write("idx/" + n++ + "-images.gz", gzip(m));
      expectSameOrError("IDX header mutant " + f, () -> IdxReader.readImages(f, known), pixels);
    }
  }

  @Test
  void npz() throws IOException {
    byte[] x = new byte[6 * 784];
    new Random(SEED).nextBytes(x);
    byte[] y = {0, 1, 2, 3, 4, 5};
    Map<String, byte[]> arrays = Map.of(
        "x_train.npy", npy("(6, 28, 28)", x), "y_train.npy", npy("(6,)", y),
        "x_test.npy", npy("(4, 28, 28)", Arrays.copyOf(x, 4 * 784)), "y_test.npy", npy("(4,)", Arrays.copyOf(y, 4)));
    Random r = new Random(SEED + 1);
    int n = 0;
    for (boolean deflate : new boolean[] {true, false}) {
      for (byte[] m : Mutator.mutants(zip(arrays, deflate), r, 30)) {
        Path f = write("npz/" + n++ + "/mnist.npz", m);
        Object result = outcome("npz mutant " + f, () -> NpzReader.read(f, DatasetName.MNIST));
        if (result instanceof MnistData d) {
          assertArrayEquals(x, d.train().copyImages(), "npz mutant " + f + " read without error, so unchanged");
          assertArrayEquals(y, d.train().copyLabels(), f.toString());
          assertArrayEquals(Arrays.copyOf(x, 4 * 784), d.test().copyImages(), f.toString());
          assertArrayEquals(Arrays.copyOf(y, 4), d.test().copyLabels(), f.toString());
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Checkpoints and SavedModels.

  @Test
  void checkpointIndexAndData() throws IOException {
    Path index = CheckpointIndex.indexPath(checkpoint);
    Path data = CheckpointIndex.dataPath(checkpoint, 0, 1);
    List<String> listing = ModelFiles.describe(checkpoint);
    Random r = new Random(SEED + 2);
    int n = 0;
    for (byte[] m : Mutator.mutants(Files.readAllBytes(index), r, 40)) {
      Path prefix = dir.resolve("ckpt-index/" + n++ + "/mnist");
      Files.createDirectories(prefix.getParent());
      Files.write(CheckpointIndex.indexPath(prefix), m);
      Files.createLink(CheckpointIndex.dataPath(prefix, 0, 1), data);
      expectCheckpoint(prefix, listing);
    }
    byte[] dataBytes = Files.readAllBytes(data);
    for (byte[] m : Mutator.mutants(dataBytes, r, 24)) {
      Path prefix = dir.resolve("ckpt-data/" + n++ + "/mnist");
      Files.createDirectories(prefix.getParent());
      Files.copy(index, CheckpointIndex.indexPath(prefix));
      Files.write(CheckpointIndex.dataPath(prefix, 0, 1), m);
      expectCheckpoint(prefix, listing);
    }
    // A few through the CLI: inspect prints the listing or one error line.
    for (int i = 0; i < 4; i++) {
      Path prefix = dir.resolve("ckpt-index/" + i + "/mnist");
      Cli.Outcome o = Cli.run("inspect", prefix.toString());
      assertCliClean(o, "inspect " + prefix);
      if (o.exitCode() == 0) {
        assertEquals(listing, relabel(o.out().lines().toList(), prefix), "inspect " + prefix);
      }
    }
  }

  private void expectCheckpoint(Path prefix, List<String> listing) {
    Object loaded = outcome("checkpoint mutant " + prefix,
        () -> WeightsCheckpoint.load(prefix, ModelArchitecture.quickstartCnn()).weights());
    if (loaded instanceof ModelWeights w) {
      for (Map.Entry<String, float[]> e : weights.asMap().entrySet()) {
        assertArrayEquals(e.getValue(), w.get(e.getKey()), "checkpoint mutant " + prefix + " loaded, so unchanged");
      }
    }
    Object described = outcome("checkpoint mutant " + prefix + " (inspect)", () -> ModelFiles.describe(prefix));
    if (!(described instanceof TfjMnistException)) {
      assertEquals(listing, relabel(described, prefix), "checkpoint mutant " + prefix + " listed, so unchanged");
    }
  }

  /** A mutant's listing with its own prefix replaced by the original's, which the listing names. */
  private static List<String> relabel(Object listing, Path prefix) {
    return ((List<?>) listing).stream()
        .map(l -> l.toString().replace(prefix.toAbsolutePath().toString(), checkpoint.toAbsolutePath().toString()))
        .toList();
  }

  @Test
  void savedModelProto() throws IOException {
    // TestData skips without ../shared, and fails instead under TFJ_MNIST_REQUIRE_SHARED=1 (CI)
    Path fixture = TestData.fixturesDir().resolve("savedmodels/keras-mlp128-tf2.2").toAbsolutePath().normalize();
    byte[] pb = Files.readAllBytes(fixture.resolve("saved_model.pb"));
    Random r = new Random(SEED + 3);
    int n = 0;
    for (byte[] m : Mutator.mutants(pb, r, 30)) {
      Path sm = dir.resolve("savedmodel/" + n++);
      Files.createDirectories(sm);
      Files.write(sm.resolve("saved_model.pb"), m);
      Files.createSymbolicLink(sm.resolve("variables"), fixture.resolve("variables"));
      // No checksum in a protobuf: a flipped character is a valid, different model. Any listing
      // or a clean error; inspection never loads the native runtime, so nothing can crash it.
      Object result = outcome("SavedModel mutant " + sm, () -> ModelFiles.describe(sm));
      if (!(result instanceof TfjMnistException)) {
        assertFalse(((List<?>) result).isEmpty(), sm.toString());
      }
      if (n <= 3) {
        assertCliClean(Cli.run("inspect", sm.toString()), "inspect " + sm);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Images.

  @Test
  void images() throws IOException {
    BufferedImage photo = new BufferedImage(60, 80, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = photo.createGraphics();
    g.setColor(new Color(235, 230, 220));
    g.fillRect(0, 0, 60, 80);
    g.setColor(new Color(30, 30, 40));
    g.setStroke(new java.awt.BasicStroke(7));
    g.drawLine(15, 15, 45, 15);
    g.drawLine(45, 15, 25, 68);
    g.dispose();
    Random r = new Random(SEED + 4);
    int n = 0;
    List<Path> forCli = new ArrayList<>();
    for (String format : List.of("png", "jpg", "bmp", "gif")) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      assertTrue(ImageIO.write(photo, format, out), format);
      for (byte[] m : Mutator.mutants(out.toByteArray(), r, 15)) {
        Path f = write("images/" + n++ + "." + format, m);
        Object result = outcome("image mutant " + f, () -> Preprocessing.MNIST.apply(f));
        if (result instanceof PreprocessedImage p) {
          assertEquals(784, p.input().length, f.toString()); // the record itself checks [0, 1]
        }
        if (n % 6 == 0) {
          forCli.add(f);
        }
      }
    }
    // One predict call over some of them: a line per image or per error, exit 0 or 1.
    List<String> args = new ArrayList<>(List.of("predict", "--weights", checkpoint.toString()));
    forCli.forEach(f -> args.add(f.toString()));
    Cli.Outcome o = Cli.run(args.toArray(String[]::new));
    assertCliClean(o, "predict on image mutants");
    long errors = o.errLines().stream().filter(l -> l.startsWith("error: ")).count();
    assertEquals(forCli.size(), o.out().lines().count() + errors, o.out() + o.err());
  }

  // ---------------------------------------------------------------------------------------------

  /** Runs {@code read}: its result, or the TfjMnistException it threw; anything else fails the test. */
  private static Object outcome(String what, Supplier<Object> read) {
    return assertTimeoutPreemptively(PER_MUTANT, () -> {
      try {
        return read.get();
      } catch (TfjMnistException e) {
        assertTrue(e.getMessage() != null && e.getMessage().endsWith("."), what + ": not a sentence: " + e.getMessage());
        return e;
      } catch (Throwable t) {
        fail(what + " threw " + t, t);
        return null;
      }
    }, what + " took longer than " + PER_MUTANT);
  }

  private static void expectSameOrError(String what, Supplier<Object> read, byte[] original) {
    Object result = outcome(what, read);
    if (result instanceof byte[] b) {
      assertArrayEquals(original, b, what + " read without error, so unchanged");
    }
  }

  private static void assertCliClean(Cli.Outcome o, String what) {
    assertTrue(o.exitCode() == 0 || o.exitCode() == 1, what + ": exit " + o.exitCode() + "\n" + o.err());
    for (String line : o.errLines()) {
      assertTrue(line.startsWith("error: ") || line.startsWith("Classified "), what + ": stray stderr line " + line);
    }
    if (o.exitCode() == 1) {
      assertTrue(o.errLines().stream().anyMatch(l -> l.startsWith("error: ")), what + ": exit 1 says why");
    }
    assertFalse(o.err().contains("\tat ") || o.err().contains("Exception"), what + ": " + o.err());
  }

  private static Path write(String name, byte[] bytes) throws IOException {
    Path f = dir.resolve(name);
    Files.createDirectories(f.getParent());
    return Files.write(f, bytes);
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  private static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] npy(String shape, byte[] data) {
    String dict = "{'descr': '|u1', 'fortran_order': False, 'shape': " + shape + ", }";
    int padded = (10 + dict.length() + 1 + 63) / 64 * 64;
    byte[] header = (dict + " ".repeat(padded - 10 - dict.length() - 1) + "\n").getBytes(StandardCharsets.ISO_8859_1);
    return ByteBuffer.allocate(10 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN)
        .put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length)
        .put(header).put(data).array();
  }

  private static byte[] zip(Map<String, byte[]> entries, boolean deflate) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      for (String name : new java.util.TreeSet<>(entries.keySet())) {
        byte[] data = entries.get(name);
        ZipEntry e = new ZipEntry(name);
        if (!deflate) {
          CRC32 crc = new CRC32();
          crc.update(data);
          e.setMethod(ZipEntry.STORED);
          e.setSize(data.length);
          e.setCompressedSize(data.length);
          e.setCrc(crc.getValue());
        }
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
      }
    }
    return out.toByteArray();
  }
}
