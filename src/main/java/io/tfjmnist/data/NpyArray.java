package io.tfjmnist.data;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.tensors.HeapLimit;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One array from a numpy {@code .npy} stream: its dtype string, order, shape and raw data bytes.
 *
 * <p>Format (numpy's {@code lib/format.py}): the magic {@code \x93NUMPY}, a major and minor
 * version byte, the header length (2 bytes little-endian in version 1, 4 bytes in versions 2 and
 * 3), then a Python dict literal such as
 * {@code {'descr': '|u1', 'fortran_order': False, 'shape': (60000, 28, 28), }} (ASCII in 1 and 2,
 * UTF-8 in 3), then the data. Only numeric dtypes are understood; that is all MNIST needs.
 *
 * @param descr the numpy dtype string, e.g. {@code |u1} or {@code <f4}
 * @param fortranOrder whether the data is column-major
 * @param shape the dimensions; empty for a scalar
 * @param data the raw element bytes, in the order and byte order {@code descr} says
 */
public record NpyArray(String descr, boolean fortranOrder, long[] shape, byte[] data) {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  /** numpy writes headers of a few hundred bytes; anything huge is a corrupt length field. */
  private static final int MAX_HEADER_BYTES = 1 << 20;
  /** How much data past the declared end is read to say how long the array is. */
  private static final int MAX_SURPLUS = 1 << 20;

  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
  private static final Pattern NUMERIC_DTYPE = Pattern.compile("[<>|=]?[biuf](\\d+)");

  /** Number of elements, the product of the shape. */
  public long elementCount() {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  /** The shape as Python prints it, e.g. {@code (60000, 28, 28)} or {@code (10000,)}. */
  public String shapeString() {
    return formatShape(shape);
  }

  static String formatShape(long[] shape) {
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(shape[i]);
    }
    return sb.append(shape.length == 1 ? ",)" : ")").toString();
  }

  /**
   * Reads one {@code .npy} array from {@code in}, which must hold nothing after the data.
   * {@code what} names the array in error messages, e.g. {@code "x_train.npy in mnist.npz"}.
   */
  public static NpyArray read(InputStream in, String what) throws IOException {
    return read(in, what, (descr, shape, headerBytes, dataBytes) -> {});
  }

  /**
   * What a caller checks between the header and the data, against what it knows of the stream
   * (a zip entry's sizes): the header's word alone must not decide how much is allocated.
   */
  @FunctionalInterface
  interface DataCheck {
    /**
     * Throws if {@code dataBytes} cannot be right.
     *
     * @param headerBytes how many bytes preamble and header took, i.e. where the data starts
     */
    void check(String descr, long[] shape, long headerBytes, long dataBytes);
  }

  /** As {@link #read(InputStream, String)}, calling {@code check} before the data is allocated. */
  static NpyArray read(InputStream in, String what, DataCheck check) throws IOException {
    byte[] prefix = readExactly(in, 8, what, "its .npy preamble");
    if (!Arrays.equals(Arrays.copyOf(prefix, 6), MAGIC)) {
      throw bad(what, "is not a .npy array: it does not start with the \\x93NUMPY magic");
    }
    int major = prefix[6] & 0xFF;
    int minor = prefix[7] & 0xFF;
    long headerLength;
    if (major == 1) {
      byte[] len = readExactly(in, 2, what, "its .npy header length");
      headerLength = (len[0] & 0xFF) | (len[1] & 0xFF) << 8;
    } else if (major == 2 || major == 3) {
      byte[] len = readExactly(in, 4, what, "its .npy header length");
      headerLength =
          ((len[0] & 0xFFL) | (len[1] & 0xFFL) << 8 | (len[2] & 0xFFL) << 16 | (len[3] & 0xFFL) << 24);
    } else {
      throw bad(what, "uses .npy format version " + major + "." + minor + ", but only 1, 2 and 3 are supported");
    }
    if (headerLength > MAX_HEADER_BYTES) {
      throw bad(what, "has a corrupt .npy header: it claims to be " + headerLength + " bytes long");
    }
    byte[] headerBytes = readExactly(in, (int) headerLength, what, "its .npy header");
    String header =
        new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1)
            .trim();

    Matcher descrMatch = DESCR.matcher(header);
    Matcher fortranMatch = FORTRAN.matcher(header);
    Matcher shapeMatch = SHAPE.matcher(header);
    if (!header.startsWith("{") || !descrMatch.find() || !fortranMatch.find() || !shapeMatch.find()) {
      throw bad(what, "has a .npy header that is not understood: " + abbreviate(header));
    }
    String descr = descrMatch.group(1);
    Matcher dtype = NUMERIC_DTYPE.matcher(descr);
    if (!dtype.matches()) {
      throw bad(what, "has dtype '" + descr + "', which is not a plain numeric type");
    }
    int itemSize = Integer.parseInt(dtype.group(1));
    long[] shape = parseShape(shapeMatch.group(1), what, header);
    long dataBytes;
    try {
      long elements = 1;
      for (long d : shape) {
        elements = Math.multiplyExact(elements, d);
      }
      dataBytes = Math.multiplyExact(elements, itemSize);
    } catch (ArithmeticException e) {
      dataBytes = Long.MAX_VALUE;
    }
    if (dataBytes > Integer.MAX_VALUE - 8) {
      throw bad(what, "is too large to load: shape " + formatShape(shape) + " needs more than 2 GiB");
    }
    long preamble = (major == 1 ? 10 : 12) + headerLength;
    check.check(descr, shape, preamble, dataBytes);
    byte[] data = HeapLimit.bytes(dataBytes, "Reading " + what + " (shape " + formatShape(shape) + ")");
    int filled = 0;
    while (filled < data.length) {
      int n = in.read(data, filled, data.length - filled);
      if (n < 0) {
        break;
      }
      filled += n;
    }
    if (filled < dataBytes) {
      throw truncated(what, descr, shape, dataBytes, filled);
    }
    // Reading to the end lets a zip entry's CRC be checked; past a megabyte of surplus the
    // answer is known and a compressed stream could go on for gigabytes.
    long extra = 0;
    byte[] scratch = new byte[8192];
    int n;
    while (extra <= MAX_SURPLUS && (n = in.read(scratch)) > 0) {
      extra += n;
    }
    if (extra > 0) {
      throw bad(
          what,
          "is longer than its header says: "
              + dataBytes
              + " data bytes are declared but "
              + (extra > MAX_SURPLUS ? "more than " : "")
              + (dataBytes + extra)
              + " follow");
    }
    return new NpyArray(descr, "True".equals(fortranMatch.group(1)), shape, data);
  }

  /** The message for data that ends before the size its header declares. */
  static TfjMnistException truncated(String what, String descr, long[] shape, long dataBytes, long present) {
    return bad(
        what,
        "is truncated: its header declares "
            + descr
            + " data of shape "
            + formatShape(shape)
            + ", which is "
            + dataBytes
            + " bytes, but only "
            + present
            + " follow");
  }

  private static long[] parseShape(String text, String what, String header) {
    String[] parts = text.split(",");
    long[] dims = new long[parts.length];
    int n = 0;
    for (String part : parts) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue; // "(60000,)" and "()"
      }
      if (p.endsWith("L")) {
        p = p.substring(0, p.length() - 1); // written by Python 2
      }
      try {
        dims[n] = Long.parseLong(p);
      } catch (NumberFormatException e) {
        throw bad(what, "has a .npy header with an unreadable shape: " + abbreviate(header));
      }
      if (dims[n] < 0) {
        throw bad(what, "has a .npy header with a negative dimension: " + abbreviate(header));
      }
      n++;
    }
    return Arrays.copyOf(dims, n);
  }

  private static byte[] readExactly(InputStream in, int n, String what, String part)
      throws IOException {
    byte[] b;
    try {
      b = in.readNBytes(n);
    } catch (EOFException e) {
      b = new byte[0];
    }
    if (b.length < n) {
      throw bad(what, "is truncated: it ends inside " + part);
    }
    return b;
  }

  private static String abbreviate(String s) {
    return s.length() <= 120 ? s : s.substring(0, 117) + "...";
  }

  private static TfjMnistException bad(String what, String problem) {
    return new TfjMnistException(what + " " + problem + ".");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NpyArray a
        && descr.equals(a.descr)
        && fortranOrder == a.fortranOrder
        && Arrays.equals(shape, a.shape)
        && Arrays.equals(data, a.data);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * descr.hashCode() + Arrays.hashCode(shape)) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "NpyArray[" + descr + " " + shapeString() + (fortranOrder ? " fortran" : "") + "]";
  }
}
