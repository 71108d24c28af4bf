package io.tfjmnist.checkpoint;

import io.tfjmnist.TfjMnistException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A LevelDB-format table as TensorFlow writes it ({@code core/lib/io/table}), the container of a
 * checkpoint's {@code .index}: a 48-byte footer at the end holds the block handles of the
 * meta-index and index blocks plus the magic number {@code 0xdb4775248b80fb57}; the index block
 * maps separator keys to the handles of the data blocks; each block ends with a 5-byte trailer
 * (compression type, masked CRC32C of the contents and the type byte), which is verified. Data
 * blocks hold prefix-compressed, sorted keys. Problems surface as {@link TfjMnistException}s
 * beginning with {@code where}.
 *
 * @param dataBlocks every data block's (key, value) pairs, in file order
 */
record LevelDbTable(List<List<byte[][]>> dataBlocks) {
  static final long TABLE_MAGIC = 0xdb4775248b80fb57L;
  static final int FOOTER_SIZE = 48;
  static final int BLOCK_TRAILER_SIZE = 5;

  /** Parses the whole table in {@code file}. */
  static LevelDbTable parse(byte[] file, String where) {
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
    List<List<byte[][]>> blocks = new ArrayList<>();
    for (byte[][] kv : parseBlock(indexBlock, where, "index block")) {
      int[] hp = {0};
      long blockOffset = readVarint64(kv[1], hp, kv[1].length, where, "index block");
      long blockSize = readVarint64(kv[1], hp, kv[1].length, where, "index block");
      byte[] dataBlock = readBlock(file, blockOffset, blockSize, footer, where, "data block");
      blocks.add(parseBlock(dataBlock, where, "data block at offset " + blockOffset));
    }
    return new LevelDbTable(List.copyOf(blocks));
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
}
