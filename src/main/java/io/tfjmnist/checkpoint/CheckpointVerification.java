package io.tfjmnist.checkpoint;

import io.tfjmnist.TfjMnistException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.proto.DataType;

/**
 * Every entry of a checkpoint checked the way reading it would check it, for {@code inspect}: the
 * reader reads one tensor when asked, this looks at all of them and names what is wrong.
 */
final class CheckpointVerification {
  private CheckpointVerification() {}

  /**
   * Checks every entry of {@code reader}'s checkpoint, so that a listing ({@code inspect}) never shows
   * as valid what {@code eval} would refuse: a shape whose byte size fits its dtype and entry,
   * bytes that lie inside their data shard, the stored CRC32C, and every tensor the object graph
   * names present in the index. Reads each tensor once (bounded by the data files' real sizes).
   *
   * @throws TfjMnistException naming the first problems found and how many there are in all
   */
  static void verifyAll(CheckpointReader reader) {
    CheckpointIndex index = reader.index();
    List<String> problems = new ArrayList<>();
    for (CheckpointIndex.Entry e : index.entries()) {
      String problem = problemWith(reader, e);
      if (problem != null) {
        problems.add(problem);
      }
    }
    if (problems.isEmpty() && reader.hasObjectGraph()) {
      try {
        ObjectGraphListing.checkAgainst(reader.objectGraph(), index);
      } catch (TfjMnistException ex) {
        problems.add(ex.getMessage().replaceFirst("\\.$", ""));
      }
    }
    if (!problems.isEmpty()) {
      int shown = Math.min(3, problems.size());
      String more = problems.size() > shown ? "; and " + (problems.size() - shown) + " more" : "";
      throw new TfjMnistException("Checkpoint " + index.prefix() + " is corrupt (" + problems.size() + " problem"
          + (problems.size() == 1 ? "" : "s") + "): " + String.join("; ", problems.subList(0, shown)) + more + ".");
    }
  }

  /** What is wrong with one entry, as a clause without a final period, or null. */
  private static String problemWith(CheckpointReader reader, CheckpointIndex.Entry e) {
    if (e.isSliced()) {
      return null; // its slices are entries of their own
    }
    String tensor = "tensor \"" + e.key() + "\" (" + CheckpointIndex.dtypeName(e.dtype()) + " " + e.shapeString() + ")";
    long elements = 1;
    try {
      for (long d : e.shape()) {
        elements = Math.multiplyExact(elements, d);
      }
      int itemSize = CheckpointIndex.elementSize(e.dtype());
      if (itemSize > 0) {
        long bytes = Math.multiplyExact(elements, itemSize);
        if (bytes != e.size()) {
          return tensor + " should take " + bytes + " bytes, but its entry says " + e.size();
        }
      }
    } catch (ArithmeticException overflow) {
      return tensor + " has more elements than 64 bits can count";
    }
    Path file = reader.index().dataFile(e.shardId());
    try {
      long fileSize = reader.shardSize(e.shardId());
      if (e.offset() < 0 || e.size() < 0 || e.offset() > fileSize - e.size()) {
        return tensor + " needs bytes [" + e.offset() + ", " + (e.offset() + e.size()) + ") of " + file.getFileName()
            + ", which has " + fileSize;
      }
    } catch (IOException ex) {
      return "data shard " + file + " could not be read (" + ex.getMessage() + ")";
    }
    if (e.dtype() == DataType.DT_VARIANT || e.dtype() == DataType.DT_RESOURCE) {
      return null; // never read by this project; their bytes are TF's own encoding
    }
    try {
      reader.readRaw(e.key());
    } catch (TfjMnistException ex) {
      return ex.getMessage().replaceFirst("\\.$", "");
    }
    return null;
  }
}
