package io.tfjmnist.training.callbacks;

import com.google.protobuf.InvalidProtocolBufferException;
import io.tfjmnist.TfjMnistException;
import io.tfjmnist.checkpoint.Crc32c;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.Summary;

/**
 * Reads TensorBoard event files back (ours or TF's): every TFRecord's length and data checksums are
 * verified before its {@link Event} is parsed, so a flipped byte or a cut-off file is reported
 * rather than misread. Event files are small, so each is read whole.
 */
public final class EventFileReader {
  /** TFRecord framing: {@code uint64 length | uint32 masked crc32c(length) | data | uint32 masked crc32c(data)}. */
  static final int HEADER_BYTES = 12;
  static final int FOOTER_BYTES = 4;

  private EventFileReader() {}

  /** One scalar point: {@code simple_value} summaries, or float/double scalar tensors as TF 2 writes them. */
  public record Scalar(String tag, long step, float value, double wallTime) {}

  /** Every event in {@code file}, in order, the file-version record included. */
  public static List<Event> read(Path file) {
    List<Event> events = new ArrayList<>();
    List<byte[]> records = readRecords(file);
    for (int i = 0; i < records.size(); i++) {
      try {
        events.add(Event.parseFrom(records.get(i)));
      } catch (InvalidProtocolBufferException e) {
        throw new TfjMnistException("Event file " + file + " is corrupt: record " + i
            + " passes its checksums but is not a TensorFlow Event.", e);
      }
    }
    return events;
  }

  /** The data of every record, checksums verified. */
  public static List<byte[]> readRecords(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new TfjMnistException("Cannot read event file " + file + ": " + e.getMessage() + ".", e);
    }
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    List<byte[]> out = new ArrayList<>();
    int pos = 0;
    while (pos < bytes.length) {
      int record = out.size();
      String where = "Event file " + file + " ";
      if (bytes.length - pos < HEADER_BYTES) {
        throw new TfjMnistException(where + "ends inside the header of record " + record + " (byte " + pos
            + "): it is truncated or still being written.");
      }
      long length = b.getLong(pos);
      if (b.getInt(pos + 8) != Crc32c.masked(bytes, pos, 8)) {
        throw new TfjMnistException(where + "is corrupt: the length checksum of record " + record
            + " (byte " + pos + ") does not match.");
      }
      int start = pos + HEADER_BYTES;
      if (length < 0 || length > bytes.length - start - FOOTER_BYTES) {
        throw new TfjMnistException(where + "ends inside record " + record + " (byte " + pos + ", " + length
            + " data bytes announced): it is truncated or still being written.");
      }
      int n = (int) length;
      if (b.getInt(start + n) != Crc32c.masked(bytes, start, n)) {
        throw new TfjMnistException(where + "is corrupt: the data checksum of record " + record
            + " (byte " + pos + ") does not match.");
      }
      byte[] data = new byte[n];
      System.arraycopy(bytes, start, data, 0, n);
      out.add(data);
      pos = start + n + FOOTER_BYTES;
    }
    return out;
  }

  /** The scalar points of {@code file}, in file order. */
  public static List<Scalar> scalars(Path file) {
    List<Scalar> out = new ArrayList<>();
    for (Event e : read(file)) {
      if (!e.hasSummary()) {
        continue;
      }
      for (Summary.Value v : e.getSummary().getValueList()) {
        if (v.hasSimpleValue()) {
          out.add(new Scalar(v.getTag(), e.getStep(), v.getSimpleValue(), e.getWallTime()));
        } else if (v.hasTensor() && v.getTensor().getFloatValCount() == 1) {
          out.add(new Scalar(v.getTag(), e.getStep(), v.getTensor().getFloatVal(0), e.getWallTime()));
        } else if (v.hasTensor() && v.getTensor().getDoubleValCount() == 1) {
          out.add(new Scalar(v.getTag(), e.getStep(), (float) v.getTensor().getDoubleVal(0), e.getWallTime()));
        } else if (v.hasTensor() && v.getTensor().getDtype() == DataType.DT_FLOAT
            && v.getTensor().getTensorContent().size() == 4) {
          float f = v.getTensor().getTensorContent().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).getFloat();
          out.add(new Scalar(v.getTag(), e.getStep(), f, e.getWallTime()));
        }
      }
    }
    return out;
  }

  /** The event files directly in {@code dir} (names containing "tfevents", as TensorBoard picks them), oldest name first. */
  public static List<Path> eventFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().contains("tfevents") && Files.isRegularFile(p))
          .sorted(Comparator.comparing(p -> p.getFileName().toString()))
          .toList();
    } catch (IOException e) {
      throw new TfjMnistException("Cannot list TensorBoard log folder " + dir + ": " + e.getMessage() + ".", e);
    }
  }
}
