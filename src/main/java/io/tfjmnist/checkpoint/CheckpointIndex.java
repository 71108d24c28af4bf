package io.tfjmnist.checkpoint;

import io.tfjmnist.TfjMnistException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tensorflow.proto.BundleEntryProto;
import org.tensorflow.proto.BundleHeaderProto;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorShapeProto;

/**
 * The {@code .index} file of a TensorFlow V2 checkpoint ("tensor bundle"), parsed without the
 * native runtime.
 *
 * <p>The file is a LevelDB-format table ({@link LevelDbTable}). The key {@code ""} maps to a
 * {@link BundleHeaderProto}; every other key is a tensor name mapped to a {@link BundleEntryProto}
 * saying where its bytes live in {@code prefix.data-0000K-of-0000N} ({@link CheckpointPaths}).
 *
 * <p>Every block checksum is verified. Problems surface as {@link TfjMnistException} naming the
 * file.
 */
public final class CheckpointIndex {

  /** Key of the serialized {@code TrackableObjectGraph} in object-based (TF2) checkpoints. */
  public static final String OBJECT_GRAPH_KEY = "_CHECKPOINTABLE_OBJECT_GRAPH";

  /** The tensor bundle format version this reader understands ({@code kTensorBundleVersion}). */
  static final int BUNDLE_VERSION = 1;

  /**
   * One tensor of the bundle.
   *
   * @param key the tensor name, e.g. {@code dense_1/kernel/.ATTRIBUTES/VARIABLE_VALUE}
   * @param dtype its element type
   * @param shape its dimensions (empty for a scalar); do not modify
   * @param shardId which {@code .data-K-of-N} file holds it
   * @param offset byte offset inside that file
   * @param size byte length inside that file
   * @param crc32c the masked CRC32C stored for those bytes
   * @param proto the raw entry (for slices and anything not surfaced above)
   */
  public record Entry(
      String key,
      DataType dtype,
      long[] shape,
      int shardId,
      long offset,
      long size,
      int crc32c,
      BundleEntryProto proto) {

    /**
     * Number of elements: the product of the dimensions, 1 for a scalar.
     *
     * @throws TfjMnistException when the product does not fit in 64 bits (a corrupt shape such as
     *     {@code [1099511627776,1099511627776]}), rather than wrapping around to a small number
     */
    public long numElements() {
      long n = 1;
      try {
        for (long d : shape) {
          n = Math.multiplyExact(n, d);
        }
      } catch (ArithmeticException overflow) {
        throw new TfjMnistException("Tensor \"" + key + "\" has shape " + shapeString()
            + ", more elements than 64 bits can count, so its checkpoint is corrupt.");
      }
      return n;
    }

    /** Whether the tensor is stored as partitioned slices rather than in one piece. */
    public boolean isSliced() {
      return proto.getSlicesCount() > 0;
    }

    /** The shape as {@code [784,64]}, {@code []} for a scalar. */
    public String shapeString() {
      return CheckpointIndex.shapeString(shape);
    }

    /** {@code key dtype shape}, e.g. {@code d1/kernel/.ATTRIBUTES/VARIABLE_VALUE float32 [784,64]}. */
    public String describe() {
      return key + " " + dtypeName(dtype) + " " + shapeString();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Entry e && proto.equals(e.proto) && key.equals(e.key);
    }

    @Override
    public int hashCode() {
      return key.hashCode() * 31 + proto.hashCode();
    }

    @Override
    public String toString() {
      return describe();
    }
  }

  private final Path prefix;
  private final Path indexFile;
  private final BundleHeaderProto header;
  private final List<Entry> entries;
  private final Map<String, Entry> byKey;
  private final int dataBlocks;

  private CheckpointIndex(Path prefix, Path indexFile, BundleHeaderProto header, List<Entry> entries,
      int dataBlocks) {
    this.dataBlocks = dataBlocks;
    this.prefix = prefix;
    this.indexFile = indexFile;
    this.header = header;
    this.entries = Collections.unmodifiableList(entries);
    Map<String, Entry> map = new LinkedHashMap<>();
    for (Entry e : entries) {
      map.put(e.key(), e);
    }
    this.byKey = Collections.unmodifiableMap(map);
  }

  /**
   * Opens and parses a checkpoint index, and checks that every data shard it names exists.
   *
   * @param path a checkpoint prefix ({@code .../mnist}), its {@code .index} file, one of its data
   *     files, a directory holding a {@code checkpoint} state file, or a SavedModel directory
   *     (its {@code variables/variables} is used)
   */
  public static CheckpointIndex open(Path path) {
    return openExact(TornPairs.forReading(resolvePrefix(path)));
  }

  /** {@link #open} of exactly this prefix, without looking for an interrupted replacement ({@link TornPairs}). */
  static CheckpointIndex openExact(Path prefix) {
    Path indexFile = indexPath(prefix);
    if (!Files.isRegularFile(indexFile)) {
      throw new TfjMnistException(
          "No checkpoint index found at " + indexFile + " (expected the file written with prefix "
              + prefix + ").");
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(indexFile);
    } catch (IOException e) {
      throw new TfjMnistException("Could not read checkpoint index " + indexFile + ": " + e.getMessage() + ".", e);
    }
    CheckpointIndex index = parse(prefix, indexFile, bytes);
    for (int shard = 0; shard < index.numShards(); shard++) {
      Path data = index.dataFile(shard);
      if (!Files.isRegularFile(data)) {
        throw new TfjMnistException(
            "Checkpoint " + prefix + " is missing its data shard " + data.getFileName() + " (the index "
                + indexFile.getFileName() + " names " + index.numShards() + " shard"
                + (index.numShards() == 1 ? "" : "s") + ").");
      }
    }
    return index;
  }

  /** See {@link CheckpointPaths#resolvePrefix}. */
  public static Path resolvePrefix(Path path) {
    return CheckpointPaths.resolvePrefix(path);
  }

  /** {@code prefix.index}. */
  public static Path indexPath(Path prefix) {
    return CheckpointPaths.indexPath(prefix);
  }

  /** {@code prefix.data-0000K-of-0000N}, TensorFlow's {@code DataFilename}. */
  public static Path dataPath(Path prefix, int shard, int numShards) {
    return CheckpointPaths.dataPath(prefix, shard, numShards);
  }

  // ---------------------------------------------------------------------------------------------
  // Table parsing.

  static CheckpointIndex parse(Path prefix, Path indexFile, byte[] file) {
    String where = "Checkpoint index " + indexFile;
    LevelDbTable table = LevelDbTable.parse(file, where);
    List<Entry> entries = new ArrayList<>();
    BundleHeaderProto header = null;
    String previousKey = null;
    for (List<byte[][]> block : table.dataBlocks()) {
      for (byte[][] entry : block) {
        String key = new String(entry[0], StandardCharsets.UTF_8);
        if (previousKey != null && compareBytes(previousKey, key) >= 0) {
          throw new TfjMnistException(where + " is corrupt: its keys are not sorted (\"" + key
              + "\" follows \"" + previousKey + "\").");
        }
        if (previousKey == null && !key.isEmpty()) {
          throw new TfjMnistException(
              where + " is not a tensor bundle index: it has no header entry (the empty key).");
        }
        previousKey = key;
        if (key.isEmpty()) {
          header = parseHeader(entry[1], where);
          continue;
        }
        BundleEntryProto proto;
        try {
          proto = BundleEntryProto.parseFrom(entry[1]);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
          throw new TfjMnistException(
              where + " is corrupt: the entry for tensor \"" + key + "\" does not parse.", e);
        }
        entries.add(toEntry(key, proto, header, where));
      }
    }
    if (header == null) {
      throw new TfjMnistException(
          where + " is not a tensor bundle index: it has no header entry (the empty key).");
    }
    return new CheckpointIndex(prefix, indexFile, header, entries, table.dataBlocks().size());
  }

  private static BundleHeaderProto parseHeader(byte[] value, String where) {
    BundleHeaderProto header;
    try {
      header = BundleHeaderProto.parseFrom(value);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new TfjMnistException(where + " is corrupt: its header entry does not parse.", e);
    }
    if (header.getNumShards() < 1) {
      throw new TfjMnistException(
          where + " is corrupt: its header says " + header.getNumShards() + " data shards.");
    }
    if (header.getEndianness() != BundleHeaderProto.Endianness.LITTLE) {
      throw new TfjMnistException(
          where + " was written on a big-endian machine, which this reader does not support.");
    }
    int minConsumer = header.getVersion().getMinConsumer();
    if (minConsumer > BUNDLE_VERSION
        || header.getVersion().getBadConsumersList().contains(BUNDLE_VERSION)) {
      throw new TfjMnistException(
          where + " needs tensor bundle reader version " + minConsumer
              + " or newer, but this reader implements version " + BUNDLE_VERSION + ".");
    }
    return header;
  }

  private static Entry toEntry(String key, BundleEntryProto p, BundleHeaderProto header, String where) {
    if (header != null && p.getSlicesCount() == 0
        && (p.getShardId() < 0 || p.getShardId() >= header.getNumShards())) {
      throw new TfjMnistException(
          where + " is corrupt: tensor \"" + key + "\" names data shard " + p.getShardId()
              + " but the checkpoint has " + header.getNumShards() + ".");
    }
    TensorShapeProto sp = p.getShape();
    long[] shape = new long[sp.getDimCount()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = sp.getDim(i).getSize();
      if (shape[i] < 0) {
        throw new TfjMnistException(
            where + " is corrupt: tensor \"" + key + "\" has a negative dimension " + shape[i] + ".");
      }
    }
    if (sp.getUnknownRank()) {
      throw new TfjMnistException(where + " is corrupt: tensor \"" + key + "\" has an unknown rank.");
    }
    return new Entry(key, p.getDtype(), shape, p.getShardId(), p.getOffset(), p.getSize(),
        p.getCrc32C(), p);
  }

  private static int compareBytes(String a, String b) {
    byte[] x = a.getBytes(StandardCharsets.UTF_8);
    byte[] y = b.getBytes(StandardCharsets.UTF_8);
    return Arrays.compareUnsigned(x, y);
  }

  // ---------------------------------------------------------------------------------------------
  // Accessors.

  /** The checkpoint prefix (absolute), e.g. {@code /x/mnist}. */
  public Path prefix() {
    return prefix;
  }

  /** The {@code .index} file that was parsed. */
  public Path indexFile() {
    return indexFile;
  }

  /** How many data blocks the index table has (for tests). */
  int dataBlockCount() {
    return dataBlocks;
  }

  /** The bundle header (num_shards, endianness, version). */
  public BundleHeaderProto header() {
    return header;
  }

  public int numShards() {
    return header.getNumShards();
  }

  /** The data file of {@code shard}. */
  public Path dataFile(int shard) {
    return dataPath(prefix, shard, numShards());
  }

  /** Every tensor entry (the header excluded), in the file's (sorted) key order. */
  public List<Entry> entries() {
    return entries;
  }

  /** Tensor names in key order. */
  public List<String> keys() {
    return List.copyOf(byKey.keySet());
  }

  public boolean contains(String key) {
    return byKey.containsKey(key);
  }

  public Optional<Entry> find(String key) {
    return Optional.ofNullable(byKey.get(key));
  }

  /** The entry for {@code key}; throws a {@link TfjMnistException} naming the checkpoint if absent. */
  public Entry entry(String key) {
    Entry e = byKey.get(key);
    if (e == null) {
      throw new TfjMnistException(
          "Checkpoint " + prefix + " has no tensor named \"" + key + "\".");
    }
    return e;
  }

  /**
   * One line per tensor, {@code key dtype shape}, e.g.
   * {@code dense_1/kernel/.ATTRIBUTES/VARIABLE_VALUE float32 [784,64]}, in key order.
   */
  public List<String> describe() {
    List<String> lines = new ArrayList<>(entries.size());
    for (Entry e : entries) {
      lines.add(e.describe());
    }
    return lines;
  }

  @Override
  public String toString() {
    return "CheckpointIndex[" + prefix + ", " + entries.size() + " tensors, " + numShards() + " shard(s)]";
  }

  // ---------------------------------------------------------------------------------------------
  // Data types.

  /** Python-style dtype name: {@code float32}, {@code int64}, {@code string}, ... */
  public static String dtypeName(DataType t) {
    return DataTypes.name(t);
  }

  /** Bytes per element of a fixed-size dtype, or -1 for string, variant and unknown types. */
  public static int elementSize(DataType t) {
    return DataTypes.elementSize(t);
  }

  static String shapeString(long[] shape) {
    return DataTypes.shapeString(shape);
  }

}
