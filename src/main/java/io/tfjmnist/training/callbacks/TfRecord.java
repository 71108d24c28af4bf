package io.tfjmnist.training.callbacks;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * TFRecord framing, as TensorFlow's {@code record_writer.cc} writes it and TensorBoard reads it:
 * {@code uint64 length (LE) | uint32 masked crc32c(length bytes) | data | uint32 masked crc32c(data)}.
 * The checksums are masked (rotated and offset) so that a CRC stored inside CRC-covered data does
 * not produce trivially predictable values, which is why a plain CRC32C never matches.
 */
final class TfRecord {
  static final int HEADER_BYTES = 12;
  static final int FOOTER_BYTES = 4;
  private static final int MASK_DELTA = 0xa282ead8;

  private TfRecord() {}

  /** The whole framed record: written with one call so a record is never split across writes. */
  static byte[] frame(byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + data.length + FOOTER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(data.length);
    b.putInt(maskedCrc(b.array(), 0, 8));
    b.put(data);
    b.putInt(maskedCrc(data, 0, data.length));
    return b.array();
  }

  static int maskedCrc(byte[] bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, length);
    int c = (int) crc.getValue();
    return ((c >>> 15) | (c << 17)) + MASK_DELTA;
  }
}
