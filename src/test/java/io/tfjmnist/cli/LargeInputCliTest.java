package io.tfjmnist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.keras.WeightsCheckpoint;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.optimizers.Adam;
import io.tfjmnist.testing.Cli;
import io.tfjmnist.testing.Cli.Outcome;
import io.tfjmnist.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs larger than the known data sets or the heap: an evaluation of an unexpected size shows
 * progress, and running out of Java heap ends in one {@code error:} line naming the file and the
 * {@code -Xmx} needed (in child JVMs with a small heap), never a stack trace.
 */
class LargeInputCliTest {
  @TempDir static Path dir;
  static Path weights;

  @BeforeAll
  static void checkpoint() {
    weights = dir.resolve("mnist");
    WeightsCheckpoint.save(weights, ModelWeights.glorotUniform(ModelArchitecture.quickstartCnn(), 5), null, Adam.kerasDefaults());
  }

  @Test
  void anEvaluationLargerThanTheKnownTestSetShowsProgress() throws IOException {
    Path data = Files.createDirectories(dir.resolve("big-test-set"));
    int n = 10_500;
    byte[] pixels = new byte[n * 784];
    new Random(11).nextBytes(pixels);
    byte[] labels = new byte[n];
    for (int i = 0; i < n; i++) {
      labels[i] = (byte) (i % 10);
    }
    Files.write(data.resolve("mnist.npz"), npz(List.of(
        new Array("x_train.npy", "(1, 28, 28)", new byte[784]), new Array("y_train.npy", "(1,)", new byte[1]),
        new Array("x_test.npy", "(" + n + ", 28, 28)", pixels), new Array("y_test.npy", "(" + n + ",)", labels))));

    Outcome o = Cli.run("eval", "--data-dir", data.toString(), "--weights", weights.toString(), "--threads", "2");
    assertEquals(0, o.exitCode(), o.err());
    assertTrue(o.out().contains("(10500 images)"), o.out());
    List<String> err = o.errLines();
    assertTrue(err.get(0).startsWith("Evaluating 10,500 test images from ") && err.get(0).endsWith(
        "(the mnist test set has 10,000); progress follows."), err.toString());
    assertTrue(err.get(err.size() - 1).matches("  10,500/10,500 images \\(100 %\\), \\d+\\.\\d s"), err.toString());

    // The known size stays quiet.
    Outcome known = Cli.run("eval", "--data-dir", TestData.datasetsDir().toString(), "--test-size", "200",
        "--weights", weights.toString());
    assertEquals(0, known.exitCode(), known.err());
    assertEquals(List.of(), known.errLines());
  }

  @Test
  void runningOutOfHeapIsOneLineNamingTheFileAndTheHeapNeeded() throws Exception {
    String data = TestData.datasetsDir().toString();
    // 40 MB cannot hold MNIST's 45 MB of training images: the reader refuses before allocating (and a heap
    // that holds the array only just fails in the reader too, naming the file; either file may be read first).
    Outcome o = java("-Xmx40m", "eval", "--data-dir", data, "--weights", weights.toString());
    assertEquals(1, o.exitCode(), o.err());
    assertEquals(1, o.errLines().size(), o.err());
    String line = o.errLines().get(0);
    assertTrue(line.matches("error: Reading \\S+/(train-images-idx3-ubyte\\.gz \\(60000 images of 28x28\\) needs 45 MB"
        + "|t10k-images-idx3-ubyte\\.gz \\(10000 images of 28x28\\) needs 8 MB) of memory, but the Java heap is limited to"
        + " \\d+ MB; run Java with at least -Xmx\\dg \\(java -Xmx\\dg -jar \\.\\.\\.\\)\\."), line);
    assertFalse(o.err().contains("\tat ") || o.err().contains("Exception in thread"), o.err());

    // An OutOfMemoryError outside the readers (here eval's 2e9-image result arrays) is caught by
    // Main, which picocli's exception handler never sees, and still becomes one line.
    Outcome other = java("-Xmx256m", "eval", "--data-dir", data, "--weights", weights.toString(),
        "--batch-size", "2000000000", "--test-size", "100");
    assertEquals(1, other.exitCode(), other.err());
    assertEquals(1, other.errLines().size(), other.err());
    assertTrue(other.errLines().get(0).matches(
        "error: Java ran out of memory \\(Java heap space\\): its heap is limited to \\d+ MB; run it with a larger heap, e\\.g\\. java -Xmx\\dg -jar \\.\\.\\., or use a smaller --batch-size\\."),
        other.err());
    assertFalse(other.err().contains("\tat ") || other.err().contains("Exception in thread"), other.err());
  }

  /** The CLI's main class in a child JVM with the test class path and the given heap flag. */
  static Outcome java(String heap, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        heap, "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
    pb.environment().remove("TFJ_MNIST_DEBUG");
    Process p = pb.start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError("timed out: " + cmd + "\n" + Files.readString(err));
    }
    return new Outcome(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  record Array(String name, String shape, byte[] data) {}

  /** An uncompressed npz (np.savez) of uint8 arrays. */
  static byte[] npz(List<Array> arrays) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (Array a : arrays) {
        String dict = "{'descr': '|u1', 'fortran_order': False, 'shape': " + a.shape() + ", }";
        int padded = (10 + dict.length() + 1 + 63) / 64 * 64;
        byte[] header = (dict + " ".repeat(padded - 10 - dict.length() - 1) + "\n").getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer npy = ByteBuffer.allocate(10 + header.length + a.data().length).order(ByteOrder.LITTLE_ENDIAN);
        npy.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length)
            .put(header).put(a.data());
        CRC32 crc = new CRC32();
        crc.update(npy.array());
        ZipEntry e = new ZipEntry(a.name());
        e.setMethod(ZipEntry.STORED);
        e.setSize(npy.capacity());
        e.setCompressedSize(npy.capacity());
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(npy.array());
        zip.closeEntry();
      }
    }
    return bytes.toByteArray();
  }
}
