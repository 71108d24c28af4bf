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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tensorflow.proto.BundleEntryProto;
import org.tensorflow.proto.BundleHeaderProto;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorShapeProto;

/**
 * The {@code .index} file of a TensorFlow V2 checkpoint ("tensor bundle"), parsed without the
 * native runtime.
 *
 * <p>The file is a LevelDB-format table (TensorFlow's {@code core/lib/io/table}): a 48-byte footer
 * at the end holds the block handles of the meta-index and index blocks plus the magic number
 * {@code 0xdb4775248b80fb57}; the index block maps separator keys to the handles of the data
 * blocks; each block ends with a 5-byte trailer (compression type, masked CRC32C of the contents
 * and the type byte). Data blocks hold prefix-compressed, sorted keys. The key {@code ""} maps to a
 * {@link BundleHeaderProto}; every other key is a tensor name mapped to a {@link BundleEntryProto}
 * saying where its bytes live in {@code prefix.data-0000K-of-0000N}.
 *
 * <p>Every block checksum is verified. Problems surface as {@link TfjMnistException} naming the
 * file.
 */
public final class CheckpointIndex {

  /** Key of the serialized {@code TrackableObjectGraph} in object-based (TF2) checkpoints. */
  public static final String OBJECT_GRAPH_KEY = "_CHECKPOINTABLE_OBJECT_GRAPH";

  static final long TABLE_MAGIC = 0xdb4775248b80fb57L;
  static final int FOOTER_SIZE = 48;
  static final int BLOCK_TRAILER_SIZE = 5;
  /** The tensor bundle format version this reader understands ({@code kTensorBundleVersion}). */
  static final int BUNDLE_VERSION = 1;

  private static final Pattern DATA_SUFFIX = Pattern.compile("\\.data-\\d{5}-of-\\d{5}$");

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
  private int dataBlocks;

  private CheckpointIndex(Path prefix, Path indexFile, BundleHeaderProto header, List<Entry> entries) {
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

  /**
   * Turns any of the accepted spellings (see {@link #open}) into the checkpoint prefix, without
   * checking that the index exists.
   */
  public static Path resolvePrefix(Path path) {
    Path p = path.toAbsolutePath().normalize();
    String name = p.getFileName() == null ? "" : p.getFileName().toString();
    if (name.endsWith(".index") && !Files.isDirectory(p)) {
      return p.resolveSibling(name.substring(0, name.length() - ".index".length()));
    }
    Matcher m = DATA_SUFFIX.matcher(name);
    if (m.find() && !Files.isDirectory(p)) {
      return p.resolveSibling(name.substring(0, m.start()));
    }
    if (Files.isDirectory(p)) {
      Path savedModelVars = p.resolve("variables").resolve("variables");
      if (Files.isRegularFile(indexPath(savedModelVars))) {
        return savedModelVars;
      }
      Path latest = latestFromStateFile(p);
      if (latest != null) {
        return latest;
      }
      return onlyCheckpointIn(p);
    }
    return p;
  }

  /**
   * A folder without a {@code checkpoint} state file: its one checkpoint, whatever the prefix
   * ({@code w1.index} is as good as {@code mnist.index}); with several, the user must choose and
   * the message lists them by name.
   */
  private static Path onlyCheckpointIn(Path dir) {
    List<String> prefixes = new ArrayList<>();
    try (var files = Files.list(dir)) {
      files.map(f -> f.getFileName().toString())
          .filter(n -> n.endsWith(".index") && n.length() > ".index".length())
          .map(n -> n.substring(0, n.length() - ".index".length()))
          .sorted()
          .forEach(prefixes::add);
    } catch (IOException e) {
      throw new TfjMnistException("Directory " + dir + " cannot be listed: " + e.getMessage() + ".", e);
    }
    if (prefixes.size() == 1) {
      return dir.resolve(prefixes.get(0));
    }
    if (prefixes.isEmpty()) {
      throw new TfjMnistException(
          "Directory " + dir + " holds no checkpoint (no .index file): give a checkpoint prefix such as "
              + dir.resolve("mnist") + " (the path of its .index file without the extension).");
    }
    throw new TfjMnistException(
        "Directory " + dir + " holds " + prefixes.size() + " checkpoints (" + String.join(", ", prefixes)
            + ") and no checkpoint state file naming the latest: give one as a prefix, such as "
            + dir.resolve(prefixes.get(0)) + ".");
  }

  /** The newest checkpoint the folder's state file names; null when there is none or it is unreadable. */
  private static Path latestFromStateFile(Path dir) {
    try {
      return CheckpointState.read(dir).latestPrefix(dir);
    } catch (RuntimeException e) {
      return null; // reported as "holds no checkpoint" by the caller
    }
  }

  /** {@code prefix.index}. */
  public static Path indexPath(Path prefix) {
    return prefix.resolveSibling(prefix.getFileName() + ".index");
  }

  /** {@code prefix.data-0000K-of-0000N}, TensorFlow's {@code DataFilename}. */
  public static Path dataPath(Path prefix, int shard, int numShards) {
    return prefix.resolveSibling(
        String.format("%s.data-%05d-of-%05d", prefix.getFileName(), shard, numShards));
  }

  // ---------------------------------------------------------------------------------------------
  // Table parsing.

  static CheckpointIndex parse(Path prefix, Path indexFile, byte[] file) {
    String where = "Checkpoint index " + indexFile;
    if (file.length < FOOTER_SIZE) {
      throw new TfjMnistException(
          where + " is truncated or not a checkpoint index: it has " + file.length
              + " bytes, fewer than the 48-byte table footer.");
    }
    int footer = file.length - FOOTER_SIZE;
    long magic = readFixed64(file, file.length - 8);
    if (magic != TABLE_MAGIC) {
      throw new TfjMnistException(
          where + " is truncated or not a checkpoint index: its last 8 bytes are not the table magic"
              + " number 0xdb4775248b80fb57.");
    }
    int[] pos = {footer};
    long metaOffset = readVarint64(file, pos, footer + 40, where, "footer");
    long metaSize = readVarint64(file, pos, footer + 40, where, "footer");
    long indexOffset = readVarint64(file, pos, footer + 40, where, "footer");
    long indexSize = readVarint64(file, pos, footer + 40, where, "footer");

    readBlock(file, metaOffset, metaSize, footer, where, "meta-index block");
    byte[] indexBlock = readBlock(file, indexOffset, indexSize, footer, where, "index block");

    List<Entry> entries = new ArrayList<>();
    BundleHeaderProto header = null;
    String previousKey = null;
    List<byte[][]> blockHandles = parseBlock(indexBlock, where, "index block");
    for (byte[][] kv : blockHandles) {
      int[] hp = {0};
      long blockOffset = readVarint64(kv[1], hp, kv[1].length, where, "index block");
      long blockSize = readVarint64(kv[1], hp, kv[1].length, where, "index block");
      byte[] dataBlock = readBlock(file, blockOffset, blockSize, footer, where, "data block");
      for (byte[][] entry : parseBlock(dataBlock, where, "data block at offset " + blockOffset)) {
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
    CheckpointIndex index = new CheckpointIndex(prefix, indexFile, header, entries);
    index.dataBlocks = blockHandles.size();
    return index;
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

  /** Reads the block at [offset, offset+size) plus its trailer, verifying type and checksum. */
  private static byte[] readBlock(byte[] file, long offset, long size, int limit, String where, String what) {
    if (offset < 0 || size < 0 || offset + size + BLOCK_TRAILER_SIZE > limit) {
      throw new TfjMnistException(
          where + " is truncated or corrupt: its " + what + " at offset " + offset + " (" + size
              + " bytes) lies outside the file.");
    }
    int off = (int) offset;
    int len = (int) size;
    int type = file[off + len] & 0xff;
    int stored = Crc32c.unmask(readFixed32(file, off + len + 1));
    int actual = Crc32c.value(file, off, len + 1); // contents plus the type byte
    if (stored != actual) {
      throw new TfjMnistException(
          where + " is corrupt: the checksum of its " + what + " at offset " + offset
              + " does not match (stored " + Crc32c.hex(stored) + ", computed " + Crc32c.hex(actual) + ").");
    }
    if (type == 1) {
      throw new TfjMnistException(
          where + " uses Snappy-compressed blocks, which this reader does not support"
              + " (TensorFlow writes checkpoint indexes uncompressed).");
    }
    if (type != 0) {
      throw new TfjMnistException(
          where + " is corrupt: its " + what + " at offset " + offset + " has unknown compression type "
              + type + ".");
    }
    return Arrays.copyOfRange(file, off, off + len);
  }

  /** Decodes a block's prefix-compressed entries into (key, value) pairs, in order. */
  private static List<byte[][]> parseBlock(byte[] block, String where, String what) {
    String corrupt = where + " is corrupt: its " + what;
    if (block.length < 4) {
      throw new TfjMnistException(corrupt + " is too short to hold a restart count.");
    }
    long numRestarts = readFixed32(block, block.length - 4) & 0xffffffffL;
    long restartsStart = block.length - 4 - 4 * numRestarts;
    if (numRestarts < 1 || restartsStart < 0) {
      throw new TfjMnistException(corrupt + " has an invalid restart count " + numRestarts + ".");
    }
    int limit = (int) restartsStart;
    List<byte[][]> out = new ArrayList<>();
    byte[] lastKey = new byte[0];
    int[] pos = {0};
    while (pos[0] < limit) {
      long shared = readVarint64(block, pos, limit, where, what);
      long nonShared = readVarint64(block, pos, limit, where, what);
      long valueLength = readVarint64(block, pos, limit, where, what);
      if (shared > lastKey.length || nonShared > limit - pos[0]
          || valueLength > limit - pos[0] - nonShared) {
        throw new TfjMnistException(corrupt + " has an entry at byte " + pos[0] + " that overruns it.");
      }
      byte[] key = new byte[(int) (shared + nonShared)];
      System.arraycopy(lastKey, 0, key, 0, (int) shared);
      System.arraycopy(block, pos[0], key, (int) shared, (int) nonShared);
      pos[0] += (int) nonShared;
      byte[] value = Arrays.copyOfRange(block, pos[0], pos[0] + (int) valueLength);
      pos[0] += (int) valueLength;
      out.add(new byte[][] {key, value});
      lastKey = key;
    }
    return out;
  }

  static long readVarint64(byte[] b, int[] pos, int limit, String where, String what) {
    long result = 0;
    for (int shift = 0; shift <= 63; shift += 7) {
      if (pos[0] >= limit) {
        throw new TfjMnistException(where + " is truncated or corrupt: a varint in its " + what
            + " runs past the end.");
      }
      int x = b[pos[0]++] & 0xff;
      result |= (long) (x & 0x7f) << shift;
      if ((x & 0x80) == 0) {
        return result;
      }
    }
    throw new TfjMnistException(where + " is corrupt: a varint in its " + what + " is too long.");
  }

  static int readFixed32(byte[] b, int at) {
    return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
  }

  static long readFixed64(byte[] b, int at) {
    return (readFixed32(b, at) & 0xffffffffL) | ((long) readFixed32(b, at + 4) << 32);
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
    return switch (t) {
      case DT_FLOAT -> "float32";
      case DT_DOUBLE -> "float64";
      case DT_HALF -> "float16";
      case DT_BFLOAT16 -> "bfloat16";
      case DT_INT8 -> "int8";
      case DT_INT16 -> "int16";
      case DT_INT32 -> "int32";
      case DT_INT64 -> "int64";
      case DT_UINT8 -> "uint8";
      case DT_UINT16 -> "uint16";
      case DT_UINT32 -> "uint32";
      case DT_UINT64 -> "uint64";
      case DT_BOOL -> "bool";
      case DT_STRING -> "string";
      case DT_COMPLEX64 -> "complex64";
      case DT_COMPLEX128 -> "complex128";
      case DT_RESOURCE -> "resource";
      case DT_VARIANT -> "variant";
      default -> t.name().startsWith("DT_") ? t.name().substring(3).toLowerCase() : t.name().toLowerCase();
    };
  }

  /** Bytes per element of a fixed-size dtype, or -1 for string, variant and unknown types. */
  public static int elementSize(DataType t) {
    return switch (t) {
      case DT_BOOL, DT_INT8, DT_UINT8, DT_QINT8, DT_QUINT8 -> 1;
      case DT_HALF, DT_BFLOAT16, DT_INT16, DT_UINT16, DT_QINT16, DT_QUINT16 -> 2;
      case DT_FLOAT, DT_INT32, DT_UINT32, DT_QINT32 -> 4;
      case DT_DOUBLE, DT_INT64, DT_UINT64, DT_COMPLEX64 -> 8;
      case DT_COMPLEX128 -> 16;
      default -> -1;
    };
  }

  static String shapeString(long[] shape) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < shape.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(shape[i]);
    }
    return sb.append(']').toString();
  }
}
