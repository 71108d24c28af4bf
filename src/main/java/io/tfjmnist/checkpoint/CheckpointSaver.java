package io.tfjmnist.checkpoint;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.files.AtomicFiles;
import io.tfjmnist.files.DiskSpace;
import io.tfjmnist.files.FileErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TString;

/**
 * Writes named tensors as a TF V2 checkpoint ({@code PREFIX.index} + {@code PREFIX.data-00000-of-00001})
 * through TF's own {@code SaveV2} op, so the bytes are exactly what TF and Python read.
 *
 * <p>Nothing is lost on a crash: the bundle is written under a temporary prefix in the same
 * folder and then moved into place by {@link TornPairs#replace}, which keeps the old pair until the
 * new one is whole, so a reader always finds a complete old or new pair. The {@code checkpoint}
 * state file is replaced atomically too.
 */
public final class CheckpointSaver {
  private CheckpointSaver() {}

  /** The data shard TF writes for a single-shard save. */
  public static Path dataFile(Path prefix) {
    return prefix.resolveSibling(prefix.getFileName() + ".data-00000-of-00001");
  }

  public static Path indexFile(Path prefix) {
    return prefix.resolveSibling(prefix.getFileName() + ".index");
  }

  /** Saves {@code tensors} (key → value, any dtype) under {@code prefix}. */
  public static void save(Path prefix, Map<String, Tensor> tensors) {
    Path absolute = prefix.toAbsolutePath().normalize();
    Path dir = absolute.getParent();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new TfjMnistException("Cannot create folder " + dir + " for checkpoint " + prefix + ": " + e.getMessage(), e);
    }
    Path tmp = AtomicFiles.temporarySibling(absolute);
    try {
      DiskSpace.require(dir, bytesOf(tensors) + (64L << 10)); // a full disk said in one line, before TF tries
      writeBundle(tmp, prefix, tensors);
      TornPairs.replace(tmp, absolute);
    } catch (IOException e) {
      throw new TfjMnistException("Cannot write checkpoint " + prefix + ": " + FileErrors.reason(e) + ".", e);
    } finally {
      AtomicFiles.deleteQuietly(dataFile(tmp));
      AtomicFiles.deleteQuietly(indexFile(tmp));
    }
  }

  private static long bytesOf(Map<String, Tensor> tensors) {
    long n = 0;
    for (Tensor t : tensors.values()) {
      n += t.numBytes();
    }
    return n;
  }

  private static void writeBundle(Path prefix, Path userPrefix, Map<String, Tensor> tensors) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      List<String> names = new ArrayList<>(tensors.keySet());
      List<Operand<?>> inputs = new ArrayList<>();
      List<Placeholder<?>> feeds = new ArrayList<>();
      for (String name : names) {
        Placeholder<?> p = tf.placeholder(((org.tensorflow.types.family.TType) tensors.get(name)).type());
        feeds.add(p);
        inputs.add(p);
      }
      Placeholder<TString> prefixFeed = tf.placeholder(TString.class);
      String[] shapes = new String[names.size()];
      java.util.Arrays.fill(shapes, "");
      var save = tf.train.save(prefixFeed,
          tf.constant(NdArrays.vectorOfObjects(names.toArray(new String[0]))),
          tf.constant(NdArrays.vectorOfObjects(shapes)), inputs);
      try (TString prefixTensor = TString.scalarOf(prefix.toString())) {
        Session.Runner runner = s.runner().feed(prefixFeed, prefixTensor);
        for (int i = 0; i < names.size(); i++) {
          runner.feed(feeds.get(i), tensors.get(names.get(i)));
        }
        runner.addTarget(save).run().close();
      }
    } catch (TfjMnistException e) {
      throw e;
    } catch (RuntimeException e) {
      // TF's message names the hidden temporary prefix and may add a multi-line OOM hint: the
      // user's path and the OS's reason are what one line needs.
      throw new TfjMnistException("Cannot write checkpoint " + userPrefix + ": " + FileErrors.reason(e) + ".", e);
    }
  }

  /**
   * Writes the {@code checkpoint} state file beside {@code prefix} as Keras's {@code save_weights}
   * does (relative paths), atomically.
   */
  public static void writeCheckpointState(Path prefix, List<String> allPrefixes) {
    Path dir = prefix.toAbsolutePath().getParent();
    new CheckpointState(prefix.getFileName().toString(),
        allPrefixes.stream().map(p -> new CheckpointState.Entry(p, Double.NaN)).toList()).write(dir);
  }

  /** Writes {@code bytes} to a temporary file beside {@code target}, then renames it over {@code target}. */
  public static void writeAtomically(Path target, byte[] bytes) {
    try {
      AtomicFiles.write(target, bytes);
    } catch (IOException e) {
      throw new TfjMnistException("Cannot write " + target + ": " + FileErrors.reason(e) + ".", e);
    }
  }

  /**
   * Lets {@code writer} write a temporary file beside {@code target}, then renames it over
   * {@code target}: for writers, such as jHDF's, that take a path rather than bytes.
   */
  public static void writeAtomically(Path target, AtomicFiles.PathWriter writer) {
    try {
      AtomicFiles.writeWith(target, writer);
    } catch (IOException e) {
      throw new TfjMnistException("Cannot write " + target + ": " + FileErrors.reason(e) + ".", e);
    }
  }

  /** What {@code writer} writes, as bytes (through a temporary file that is always deleted). */
  public static byte[] bytesOf(AtomicFiles.PathWriter writer) {
    try {
      return AtomicFiles.bytesOf(writer);
    } catch (IOException e) {
      throw new TfjMnistException("Cannot write a temporary file: " + e.getMessage(), e);
    }
  }
}
