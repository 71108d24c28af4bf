package io.tfjmnist.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.tensorflow.proto.BundleEntryProto;
import org.tensorflow.proto.BundleHeaderProto;

/**
 * Writes a tensor-bundle {@code .index} (a LevelDB table) from a header and entries, so tests can
 * state impossible shapes, offsets or missing keys that TensorFlow itself would never write.
 * One data block, keys unshared, one restart point: the simplest table the format allows.
 */
public final class IndexWriter {
  private static final long TABLE_MAGIC = 0xdb4775248b80fb57L;
  private static final int FOOTER_SIZE = 48;

  private IndexWriter() {}

  /** A complete {@code .index} file holding {@code header} and {@code entries} (key to entry). */
  public static byte[] write(BundleHeaderProto header, Map<String, BundleEntryProto> entries) {
    TreeMap<byte[], byte[]> sorted = new TreeMap<>(java.util.Arrays::compareUnsigned);
    sorted.put(new byte[0], header.toByteArray());
    entries.forEach((k, v) -> sorted.put(k.getBytes(StandardCharsets.UTF_8), v.toByteArray()));
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    long[] data = block(file, sorted);
    long[] meta = block(file, new TreeMap<>(java.util.Arrays::compareUnsigned));
    TreeMap<byte[], byte[]> indexEntries = new TreeMap<>(java.util.Arrays::compareUnsigned);
    ByteArrayOutputStream handle = new ByteArrayOutputStream();
    varint(handle, data[0]);
    varint(handle, data[1]);
    indexEntries.put(sorted.lastKey(), handle.toByteArray());
    long[] index = block(file, indexEntries);
    ByteArrayOutputStream footer = new ByteArrayOutputStream();
    varint(footer, meta[0]);
    varint(footer, meta[1]);
    varint(footer, index[0]);
    varint(footer, index[1]);
    byte[] f = java.util.Arrays.copyOf(footer.toByteArray(), FOOTER_SIZE);
    ByteBuffer.wrap(f, 40, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(TABLE_MAGIC);
    file.writeBytes(f);
    return file.toByteArray();
  }

  /** Appends one block and its trailer; returns {offset, size}. */
  private static long[] block(ByteArrayOutputStream file, TreeMap<byte[], byte[]> kvs) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    kvs.forEach((k, v) -> {
      varint(b, 0);
      varint(b, k.length);
      varint(b, v.length);
      b.writeBytes(k);
      b.writeBytes(v);
    });
    b.writeBytes(le32(0)); // the one restart point, at offset 0
    b.writeBytes(le32(1)); // number of restarts
    byte[] contents = b.toByteArray();
    long offset = file.size();
    file.writeBytes(contents);
    byte[] typed = java.util.Arrays.copyOf(contents, contents.length + 1); // type 0: uncompressed
    file.write(0);
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(typed);
    int c = (int) crc.getValue();
    file.writeBytes(le32(((c >>> 15) | (c << 17)) + 0xa282ead8)); // TensorFlow's masked CRC32C
    return new long[] {offset, contents.length};
  }

  private static byte[] le32(int v) {
    return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
  }

  private static void varint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7fL) != 0) {
      out.write((int) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }
}
