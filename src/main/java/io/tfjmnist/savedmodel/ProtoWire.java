package io.tfjmnist.savedmodel;

import io.tfjmnist.TfjMnistException;
import java.util.ArrayList;
import java.util.List;

/**
 * The protobuf wire format, just enough to read messages that have no generated Java class here
 * (Keras's {@code SavedMetadata} in {@code keras_metadata.pb}): a message is a run of
 * {@code (field << 3 | wire type)} varint tags, each followed by a varint (type 0), 8 bytes (1),
 * a varint length and that many bytes (2) or 4 bytes (5). Unknown fields are skipped, as protobuf
 * readers must.
 */
final class ProtoWire {
  /** One field occurrence: its number, wire type, and either a varint value or its bytes. */
  record Field(int number, int wireType, long varint, byte[] bytes) {
    String string() {
      return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  private ProtoWire() {}

  /** Every top-level field of {@code message}, in file order. */
  static List<Field> fields(byte[] message, String where) {
    List<Field> out = new ArrayList<>();
    int[] pos = {0};
    while (pos[0] < message.length) {
      long tag = varint(message, pos, where);
      int number = (int) (tag >>> 3);
      int type = (int) (tag & 7);
      if (number <= 0) {
        throw corrupt(where, "a field number of " + number);
      }
      switch (type) {
        case 0 -> out.add(new Field(number, type, varint(message, pos, where), null));
        case 1 -> out.add(new Field(number, type, 0, take(message, pos, 8, where)));
        case 2 -> {
          long len = varint(message, pos, where);
          if (len < 0 || len > message.length - pos[0]) {
            throw corrupt(where, "a field " + number + " longer than the data left");
          }
          out.add(new Field(number, type, 0, take(message, pos, (int) len, where)));
        }
        case 5 -> out.add(new Field(number, type, 0, take(message, pos, 4, where)));
        default -> throw corrupt(where, "wire type " + type + " (groups or garbage)");
      }
    }
    return out;
  }

  private static byte[] take(byte[] b, int[] pos, int n, String where) {
    if (n > b.length - pos[0]) {
      throw corrupt(where, "a truncated field");
    }
    byte[] out = java.util.Arrays.copyOfRange(b, pos[0], pos[0] + n);
    pos[0] += n;
    return out;
  }

  private static long varint(byte[] b, int[] pos, String where) {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos[0] >= b.length) {
        throw corrupt(where, "a truncated varint");
      }
      int c = b[pos[0]++] & 0xff;
      result |= (long) (c & 0x7f) << shift;
      if (c < 0x80) {
        return result;
      }
    }
    throw corrupt(where, "a varint longer than 10 bytes");
  }

  private static TfjMnistException corrupt(String where, String what) {
    return new TfjMnistException(where + " is corrupt or not a protobuf message: it has " + what + ".");
  }
}
