package io.tfjmnist.checkpoint;

import io.tfjmnist.TfjMnistException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph;

/**
 * Reads tensor values out of a TensorFlow V2 checkpoint, without the native runtime: looks the key
 * up in the {@link CheckpointIndex}, reads its bytes from the right {@code .data-K-of-N} shard,
 * verifies the entry's masked CRC32C the way {@code tensor_bundle.cc} does, and decodes
 * little-endian values.
 *
 * <p>String tensors use the bundle encoding {@code [varint64 len]*N [masked crc32c of the lengths,
 * 4 bytes LE] [bytes]*N}; the length checksum covers each length as a little-endian uint32 (uint64
 * when it does not fit), and the entry checksum covers those lengths, the 4 stored length-checksum
 * bytes and the string bytes.
 *
 * <p>Data files are opened on first use and kept open until {@link #close()}.
 */
public final class CheckpointReader implements AutoCloseable {

  private final CheckpointIndex index;
  private final FileChannel[] shards;
  private boolean closed;

  public CheckpointReader(CheckpointIndex index) {
    this.index = index;
    this.shards = new FileChannel[index.numShards()];
  }

  /** Opens a checkpoint given any path {@link CheckpointIndex#open} accepts. */
  public static CheckpointReader open(Path path) {
    return new CheckpointReader(CheckpointIndex.open(path));
  }

  public CheckpointIndex index() {
    return index;
  }

  public boolean contains(String key) {
    return index.contains(key);
  }

  public CheckpointIndex.Entry entry(String key) {
    return index.entry(key);
  }

  /** Shape of {@code key}'s tensor (a copy). */
  public long[] shape(String key) {
    return index.entry(key).shape().clone();
  }

  /**
   * The raw, checksum-verified bytes of {@code key} exactly as stored in its data shard (for
   * strings: the encoded lengths, length checksum and contents).
   */
  public byte[] readRaw(String key) {
    CheckpointIndex.Entry e = index.entry(key);
    byte[] bytes = readEntryBytes(e);
    verify(e, bytes);
    return bytes;
  }

  public float[] readFloats(String key) {
    ByteBuffer b = fixed(key, DataType.DT_FLOAT);
    float[] out = new float[b.remaining() / 4];
    b.asFloatBuffer().get(out);
    return out;
  }

  public long[] readLongs(String key) {
    ByteBuffer b = fixed(key, DataType.DT_INT64);
    long[] out = new long[b.remaining() / 8];
    b.asLongBuffer().get(out);
    return out;
  }

  /** A scalar float32 (or one-element float32 tensor). */
  public float readFloatScalar(String key) {
    float[] v = readFloats(key);
    requireOne(key, v.length);
    return v[0];
  }

  /** A scalar int64 (or one-element int64 tensor), e.g. {@code optimizer/iter}. */
  public long readLongScalar(String key) {
    long[] v = readLongs(key);
    requireOne(key, v.length);
    return v[0];
  }

  /** All elements of a string tensor, as raw bytes, in row-major order. */
  public List<byte[]> readStrings(String key) {
    CheckpointIndex.Entry e = index.entry(key);
    if (e.dtype() != DataType.DT_STRING) {
      throw wrongType(e, "string");
    }
    return decodeStrings(e, readEntryBytes(e));
  }

  /**
   * Decodes a bundle string tensor and verifies both its length checksum and the entry checksum
   * (which covers the lengths as fixed-width integers, not their varint bytes).
   */
  private List<byte[]> decodeStrings(CheckpointIndex.Entry e, byte[] raw) {
    String where = "Tensor \"" + e.key() + "\" in " + index.dataFile(e.shardId());
    long n = e.numElements();
    List<byte[]> out = new ArrayList<>();
    if (raw.length == 0) {
      // TensorFlow writes nothing (size 0) only for an empty tensor.
      if (n != 0) {
        throw new TfjMnistException(where + " is corrupt: it has no bytes for " + n + " strings.");
      }
      return out;
    }
    if (n > raw.length) {
      throw new TfjMnistException(where + " is corrupt: " + raw.length + " bytes cannot hold " + n
          + " strings.");
    }
    CRC32C crc = new CRC32C();
    ByteBuffer tmp = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    int[] pos = {0};
    long[] lengths = new long[(int) n];
    for (int i = 0; i < n; i++) {
      lengths[i] = LevelDbTable.readVarint64(raw, pos, raw.length, where, "string lengths");
      tmp.clear();
      if (lengths[i] >= 0 && lengths[i] <= 0xffffffffL) {
        tmp.putInt((int) lengths[i]);
      } else {
        tmp.putLong(lengths[i]);
      }
      crc.update(tmp.array(), 0, tmp.position());
    }
    if (pos[0] + 4 > raw.length) {
      throw new TfjMnistException(where + " is corrupt: its string lengths overrun the entry.");
    }
    int storedLengthCrc = Crc32c.unmask(LevelDbTable.readFixed32(raw, pos[0]));
    if (storedLengthCrc != (int) crc.getValue()) {
      throw new TfjMnistException(where + " fails the checksum of its string lengths (stored "
          + Crc32c.hex(storedLengthCrc) + ", computed " + Crc32c.hex((int) crc.getValue())
          + "), so the checkpoint is corrupt.");
    }
    crc.update(raw, pos[0], 4);
    pos[0] += 4;
    for (int i = 0; i < n; i++) {
      if (lengths[i] < 0 || lengths[i] > raw.length - pos[0]) {
        throw new TfjMnistException(where + " is corrupt: string element " + i + " overruns the entry.");
      }
      int len = (int) lengths[i];
      out.add(Arrays.copyOfRange(raw, pos[0], pos[0] + len));
      crc.update(raw, pos[0], len);
      pos[0] += len;
    }
    checkCrc(e, (int) crc.getValue());
    if (pos[0] != raw.length) {
      throw new TfjMnistException(where + " is corrupt: " + (raw.length - pos[0])
          + " bytes follow its last string.");
    }
    return out;
  }

  /** A scalar string tensor's bytes decoded as UTF-8. */
  public String readString(String key) {
    List<byte[]> v = readStrings(key);
    requireOne(key, v.size());
    return new String(v.get(0), StandardCharsets.UTF_8);
  }

  /** The scalar string tensor's raw bytes (e.g. a serialized proto). */
  public byte[] readStringBytes(String key) {
    List<byte[]> v = readStrings(key);
    requireOne(key, v.size());
    return v.get(0);
  }

  /** Whether the checkpoint is object-based (has {@value CheckpointIndex#OBJECT_GRAPH_KEY}). */
  public boolean hasObjectGraph() {
    return index.contains(CheckpointIndex.OBJECT_GRAPH_KEY);
  }

  /**
   * The parsed {@code _CHECKPOINTABLE_OBJECT_GRAPH}, or an empty graph (no nodes) for name-based
   * (TF1) checkpoints that have none.
   */
  public TrackableObjectGraph objectGraph() {
    if (!hasObjectGraph()) {
      return TrackableObjectGraph.getDefaultInstance();
    }
    byte[] bytes = readStringBytes(CheckpointIndex.OBJECT_GRAPH_KEY);
    try {
      return TrackableObjectGraph.parseFrom(bytes);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new TfjMnistException(
          "Checkpoint " + index.prefix() + " has an object graph (" + CheckpointIndex.OBJECT_GRAPH_KEY
              + ") that does not parse as a TrackableObjectGraph.", e);
    }
  }

  /**
   * Checks every entry the way reading it would, so that a listing ({@code inspect}) never shows
   * as valid what {@code eval} would refuse; see {@link CheckpointVerification}.
   *
   * @throws TfjMnistException naming the first problems found and how many there are in all
   */
  public void verifyAll() {
    CheckpointVerification.verifyAll(this);
  }

  /** The size in bytes of data shard {@code shard}, opening it if need be. */
  long shardSize(int shard) throws IOException {
    return channel(shard).size();
  }

  @Override
  public synchronized void close() {
    closed = true;
    for (int i = 0; i < shards.length; i++) {
      if (shards[i] != null) {
        try {
          shards[i].close();
        } catch (IOException ignored) {
          // Read-only file; nothing to flush.
        }
        shards[i] = null;
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  private ByteBuffer fixed(String key, DataType expected) {
    CheckpointIndex.Entry e = index.entry(key);
    if (e.dtype() != expected) {
      throw wrongType(e, CheckpointIndex.dtypeName(expected));
    }
    requireWhole(e);
    long expectedBytes;
    try {
      expectedBytes = Math.multiplyExact(e.numElements(), CheckpointIndex.elementSize(expected));
    } catch (ArithmeticException overflow) {
      throw new TfjMnistException("Checkpoint index " + index.indexFile() + " is corrupt: tensor \"" + key
          + "\" of shape " + e.shapeString() + " would take more bytes than 64 bits can count.");
    }
    if (e.size() != expectedBytes) {
      throw new TfjMnistException(
          "Checkpoint index " + index.indexFile() + " is corrupt: tensor \"" + key + "\" of shape "
              + e.shapeString() + " should take " + expectedBytes + " bytes but its entry says "
              + e.size() + ".");
    }
    byte[] bytes = readEntryBytes(e);
    verify(e, bytes);
    return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  private void requireWhole(CheckpointIndex.Entry e) {
    if (e.isSliced()) {
      throw new TfjMnistException(
          "Tensor \"" + e.key() + "\" in checkpoint " + index.prefix()
              + " is saved as partitioned slices, which this reader does not support.");
    }
  }

  private void requireOne(String key, int n) {
    if (n != 1) {
      throw new TfjMnistException(
          "Tensor \"" + key + "\" in checkpoint " + index.prefix() + " has " + n
              + " elements where a scalar was expected.");
    }
  }

  private TfjMnistException wrongType(CheckpointIndex.Entry e, String wanted) {
    return new TfjMnistException(
        "Tensor \"" + e.key() + "\" in checkpoint " + index.prefix() + " is "
            + CheckpointIndex.dtypeName(e.dtype()) + ", not " + wanted + ".");
  }

  private void verify(CheckpointIndex.Entry e, byte[] bytes) {
    if (e.dtype() == DataType.DT_STRING) {
      decodeStrings(e, bytes);
    } else if (e.dtype() == DataType.DT_VARIANT) {
      throw new TfjMnistException("Tensor \"" + e.key() + "\" in checkpoint " + index.prefix()
          + " is a variant tensor, which this reader does not support.");
    } else {
      checkCrc(e, Crc32c.value(bytes, 0, bytes.length));
    }
  }

  private void checkCrc(CheckpointIndex.Entry e, int actual) {
    int stored = Crc32c.unmask(e.crc32c());
    if (actual != stored) {
      throw new TfjMnistException(
          "Tensor \"" + e.key() + "\" in " + index.dataFile(e.shardId())
              + " fails its checksum (stored " + Crc32c.hex(stored) + ", computed " + Crc32c.hex(actual)
              + "), so the checkpoint is corrupt.");
    }
  }

  private byte[] readEntryBytes(CheckpointIndex.Entry e) {
    requireWhole(e);
    Path file = index.dataFile(e.shardId());
    if (e.size() > Integer.MAX_VALUE - 16 || e.size() < 0 || e.offset() < 0) {
      throw new TfjMnistException(
          "Tensor \"" + e.key() + "\" in " + file + " has an unsupported size " + e.size() + " bytes.");
    }
    FileChannel ch = channel(e.shardId());
    try {
      long fileSize = ch.size();
      if (e.offset() + e.size() > fileSize) {
        throw new TfjMnistException(
            "Data shard " + file + " is truncated: tensor \"" + e.key() + "\" needs bytes ["
                + e.offset() + ", " + (e.offset() + e.size()) + ") but the file has " + fileSize + " bytes.");
      }
      ByteBuffer buf = ByteBuffer.allocate((int) e.size());
      long pos = e.offset();
      while (buf.hasRemaining()) {
        int n = ch.read(buf, pos);
        if (n < 0) {
          throw new TfjMnistException("Data shard " + file + " ended early while reading \"" + e.key() + "\".");
        }
        pos += n;
      }
      return buf.array();
    } catch (IOException ex) {
      throw new TfjMnistException("Could not read data shard " + file + ": " + ex.getMessage() + ".", ex);
    }
  }

  private synchronized FileChannel channel(int shard) {
    if (closed) {
      throw new IllegalStateException("CheckpointReader for " + index.prefix() + " is closed");
    }
    if (shards[shard] == null) {
      Path file = index.dataFile(shard);
      try {
        shards[shard] = FileChannel.open(file, StandardOpenOption.READ);
      } catch (java.nio.file.NoSuchFileException ex) {
        throw new TfjMnistException(
            "Checkpoint " + index.prefix() + " is missing its data shard " + file.getFileName() + ".", ex);
      } catch (IOException ex) {
        throw new TfjMnistException("Could not open data shard " + file + ": " + ex.getMessage() + ".", ex);
      }
    }
    return shards[shard];
  }
}
