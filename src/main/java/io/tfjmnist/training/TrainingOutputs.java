package io.tfjmnist.training;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.files.AtomicFiles;
import io.tfjmnist.files.FileErrors;
import io.tfjmnist.files.OutputLock;
import io.tfjmnist.files.StaleTemporaries;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.WeightSpec;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A training run's claim on its output folders, taken before the first step: one writer per
 * weights prefix and per checkpoint folder ({@link OutputLock}: a second run is refused at once,
 * naming the holder), the project's own stale temporaries there removed, and every folder checked
 * to be writable with room for one save. So a read-only or full folder, or a run already writing
 * there, is found in a second, not after all the training.
 */
public final class TrainingOutputs implements AutoCloseable {
  /** Headroom besides the tensors: the index, object graph, sidecar and state file. */
  private static final long SAVE_OVERHEAD_BYTES = 1L << 20;

  private final List<OutputLock> locks;

  private TrainingOutputs(List<OutputLock> locks) {
    this.locks = locks;
  }

  /**
   * Claims the outputs of a run.
   *
   * @param weights the final weights' prefix (or {@code .weights.h5} file)
   * @param checkpointDir the checkpoint folder, or null (then an interrupted run saves beside the weights)
   * @param otherFiles files the run also writes (history, curves); null entries are skipped
   * @param logdir TensorBoard's folder, or null
   */
  static TrainingOutputs claim(ModelArchitecture arch, Path weights, Path checkpointDir, List<Path> otherFiles, Path logdir) {
    long saveBytes = saveBytes(arch);
    List<OutputLock> locks = new ArrayList<>();
    try {
      Path weightsDir = weights.toAbsolutePath().normalize().getParent();
      checkWritable(weightsDir, "the weights' folder", saveBytes);
      locks.add(lock(OutputLock.besides(weights), "the weights " + weights.toAbsolutePath().normalize()));
      StaleTemporaries.cleanAndReport(weightsDir);
      Path fallback = TrainingJob.defaultCheckpointDir(weights);
      if (checkpointDir != null) {
        Path dir = checkpointDir.toAbsolutePath().normalize();
        checkWritable(dir, "the checkpoint folder", saveBytes);
        locks.add(lock(OutputLock.inside(dir), "the checkpoint folder " + dir));
        StaleTemporaries.cleanAndReport(dir);
      } else {
        StaleTemporaries.cleanAndReport(fallback); // written only when the run is stopped; locked with the weights
      }
      Set<Path> folders = new LinkedHashSet<>();
      for (Path f : otherFiles) {
        if (f != null) {
          folders.add(f.toAbsolutePath().normalize().getParent());
        }
      }
      if (logdir != null) {
        folders.add(logdir.toAbsolutePath().normalize());
      }
      for (Path f : folders) {
        checkWritable(f, "the folder", 0);
      }
      return new TrainingOutputs(locks);
    } catch (RuntimeException e) {
      locks.forEach(OutputLock::close);
      throw e;
    }
  }

  /** The bytes one save takes: every weight with Adam's two slots, as float32, plus the small files. */
  static long saveBytes(ModelArchitecture arch) {
    long floats = 0;
    for (WeightSpec w : arch.weights()) {
      floats += w.size();
    }
    return 3 * 4 * floats + SAVE_OVERHEAD_BYTES;
  }

  private static OutputLock lock(Path lockFile, String what) {
    try {
      return OutputLock.acquire(lockFile);
    } catch (OutputLock.HeldException e) {
      throw new TfjMnistException("Another run (" + e.holder() + ") is writing " + what
          + ": wait for it to end, or write this run's results elsewhere.");
    } catch (IOException e) {
      throw new TfjMnistException("Cannot write to " + lockFile.getParent() + ": " + FileErrors.reason(e)
          + ". Nothing was trained.", e);
    }
  }

  /**
   * Creates {@code dir} if needed and writes (then removes) a probe file there, so permissions,
   * read-only mounts and a full disk show now; {@code needBytes} must be free besides.
   */
  static void checkWritable(Path dir, String what, long needBytes) {
    Path probe = AtomicFiles.temporarySibling(dir.resolve("write-check"));
    try {
      Files.createDirectories(dir);
      try (FileChannel ch = FileChannel.open(probe, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ch.write(java.nio.ByteBuffer.wrap(new byte[] {0}));
        ch.force(false);
      }
      long free = Files.getFileStore(dir).getUsableSpace();
      if (free < needBytes) {
        throw new TfjMnistException("Cannot save to " + dir + " (" + what + "): only " + megabytes(free)
            + " free, and one save needs " + megabytes(needBytes) + ". Nothing was trained.");
      }
    } catch (IOException e) {
      throw new TfjMnistException("Cannot write to " + dir + " (" + what + "): " + FileErrors.reason(e)
          + ". Nothing was trained.", e);
    } finally {
      AtomicFiles.deleteQuietly(probe);
    }
  }

  private static String megabytes(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1e6);
  }

  @Override
  public void close() {
    locks.forEach(OutputLock::close);
  }
}
