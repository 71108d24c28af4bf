package io.tfjmnist.checkpoint;

import java.util.zip.CRC32C;

/**
 * CRC32C helpers matching TensorFlow's {@code tensorflow/core/lib/hash/crc32c.h}: the plain
 * Castagnoli checksum plus the LevelDB/TensorFlow "mask" applied to checksums that are stored
 * next to the data they cover.
 */
final class Crc32c {
  private static final int MASK_DELTA = 0xa282ead8;

  private Crc32c() {}

  /** CRC32C of {@code data[offset, offset+length)}. */
  static int value(byte[] data, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(data, offset, length);
    return (int) crc.getValue();
  }

  /** TensorFlow's {@code crc32c::Mask}: rotate right by 15 bits and add a constant. */
  static int mask(int crc) {
    return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
  }

  /** Inverse of {@link #mask}. */
  static int unmask(int masked) {
    int rot = masked - MASK_DELTA;
    return (rot >>> 17) | (rot << 15);
  }

  static String hex(int crc) {
    return String.format("0x%08x", crc);
  }
}
