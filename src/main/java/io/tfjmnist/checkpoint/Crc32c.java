package io.tfjmnist.checkpoint;

import java.util.zip.CRC32C;

/**
 * CRC32C helpers matching TensorFlow's {@code tensorflow/core/lib/hash/crc32c.h}: the plain
 * Castagnoli checksum plus the LevelDB/TensorFlow "mask" applied to checksums that are stored
 * next to the data they cover (checkpoint index blocks and tensors, TFRecord/event-file records).
 * The project's one masked CRC.
 */
public final class Crc32c {
  private static final int MASK_DELTA = 0xa282ead8;

  private Crc32c() {}

  /** CRC32C of {@code data[offset, offset+length)}. */
  public static int value(byte[] data, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(data, offset, length);
    return (int) crc.getValue();
  }

  /** TensorFlow's {@code crc32c::Mask}: rotate right by 15 bits and add a constant. */
  public static int mask(int crc) {
    return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
  }

  /** The masked CRC32C of {@code data[offset, offset+length)}, as TF stores it beside the data. */
  public static int masked(byte[] data, int offset, int length) {
    return mask(value(data, offset, length));
  }

  /** Inverse of {@link #mask}. */
  public static int unmask(int masked) {
    int rot = masked - MASK_DELTA;
    return (rot >>> 17) | (rot << 15);
  }

  static String hex(int crc) {
    return String.format("0x%08x", crc);
  }
}
