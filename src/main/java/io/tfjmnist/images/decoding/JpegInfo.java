package io.tfjmnist.images.decoding;

/**
 * What the decoder needs to know about a JPEG before decoding it, read from its markers: the
 * component count (4 means CMYK/YCCK, which needs {@link CmykJpeg}), the Adobe APP14 colour
 * transform, the EXIF orientation, and how many scans the entropy-coded data holds (a
 * progressive JPEG with thousands of tiny scans decodes for minutes: a known denial of service).
 *
 * <p>Bytes that are not a marker between segments are skipped, as libjpeg skips them (with its
 * "extraneous bytes" warning) and goes on decoding, so that every scan libjpeg will decode is
 * counted. A marker stream that is malformed otherwise stops the scan quietly: ImageIO then
 * reports the real error.
 */
public final class JpegInfo {
  /** Components in the frame header (1 grey, 3 colour, 4 CMYK/YCCK); 0 if none was found. */
  int components;
  boolean progressive;
  /** The Adobe APP14 transform (0 none/CMYK, 1 YCbCr, 2 YCCK), or -1 without an Adobe marker. */
  int adobeTransform = -1;
  /** EXIF orientation 1..8 (1 = as stored). */
  int exifOrientation = 1;
  /** Start-of-scan markers seen. */
  int scans;
  /** The frame header's marker (0xC0 baseline, 0xC1 extended sequential, ...); 0 if none was found. */
  int frameMarker;
  /** Bits per sample in the frame header (8, or 12 for the rare 12-bit files). */
  int precision;
  /** Width and height in the frame header (a height of 0 is defined later, by a DNL marker). */
  int width;
  int height;
  /** Each component's identifier and sampling factors ({@code H << 4 | V}), in frame order. */
  int[] componentIds = new int[0];
  int[] sampling = new int[0];
  /** Whether the markers end in an EOI, and whether bytes that are not a marker lay between segments. */
  boolean endsWithEoi;
  boolean extraneousBytes;
  /** The DRI marker's restart interval in MCUs; 0 without restart markers. */
  int restartInterval;

  private JpegInfo() {}

  /**
   * The number of scans (SOS segments) in a JPEG file, found by walking its markers without decoding
   * anything. Decoding costs about pixels x scans: a progressive JPEG may legally hold hundreds of
   * scans over a large picture, so a 35 KB file can cost seconds of CPU (a "scan bomb"), where its
   * pixel count alone looks harmless. Not a JPEG, or no scan found: 1.
   */
  public static int scanCount(byte[] b) {
    if (b.length < 4 || (b[0] & 0xFF) != 0xFF || (b[1] & 0xFF) != 0xD8) {
      return 1;
    }
    return Math.max(1, scan(b).scans);
  }

  static JpegInfo scan(byte[] b) {
    JpegInfo info = new JpegInfo();
    int i = 2; // after SOI
    while (i + 1 < b.length) {
      if ((b[i] & 0xFF) != 0xFF) {
        i++; // extraneous bytes between segments
        info.extraneousBytes = true;
        continue;
      }
      int marker = b[i + 1] & 0xFF;
      if (marker == 0xFF) { // fill byte
        i++;
        continue;
      }
      if (marker == 0xD9) { // EOI
        info.endsWithEoi = true;
        return info;
      }
      if (marker == 0x01 || marker >= 0xD0 && marker <= 0xD8) { // no length field
        i += 2;
        continue;
      }
      if (i + 3 >= b.length) {
        return info;
      }
      int len = (b[i + 2] & 0xFF) << 8 | (b[i + 3] & 0xFF);
      int data = i + 4;
      int end = i + 2 + len;
      if (len < 2 || end > b.length) {
        return info;
      }
      if (isStartOfFrame(marker) && len >= 8) {
        info.components = b[data + 5] & 0xFF;
        info.progressive = marker == 0xC2 || marker == 0xC6 || marker == 0xCA || marker == 0xCE;
        info.frameMarker = marker;
        info.precision = b[data] & 0xFF;
        info.height = (b[data + 1] & 0xFF) << 8 | (b[data + 2] & 0xFF);
        info.width = (b[data + 3] & 0xFF) << 8 | (b[data + 4] & 0xFF);
        int n = Math.min(info.components, (len - 8) / 3);
        info.componentIds = new int[n];
        info.sampling = new int[n];
        for (int c = 0; c < n; c++) {
          info.componentIds[c] = b[data + 6 + 3 * c] & 0xFF;
          info.sampling[c] = b[data + 7 + 3 * c] & 0xFF;
        }
      } else if (marker == 0xDD && len == 4) {
        info.restartInterval = (b[data] & 0xFF) << 8 | (b[data + 1] & 0xFF);
      } else if (marker == 0xEE && len >= 14 && ascii(b, data, "Adobe")) {
        info.adobeTransform = b[data + 11] & 0xFF;
      } else if (marker == 0xE1 && len >= 16 && ascii(b, data, "Exif\0\0")) {
        info.exifOrientation = exifOrientation(b, data + 6, end);
      }
      i = end;
      if (marker == 0xDA) {
        info.scans++;
        i = skipEntropyCodedData(b, i);
      }
    }
    return info;
  }

  private static boolean isStartOfFrame(int m) {
    return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
  }

  /** Advances past scan data to the next real marker (not a stuffed 0xFF00 nor a restart). */
  private static int skipEntropyCodedData(byte[] b, int i) {
    while (i + 1 < b.length) {
      if ((b[i] & 0xFF) == 0xFF) {
        int next = b[i + 1] & 0xFF;
        if (next != 0 && !(next >= 0xD0 && next <= 0xD7) && next != 0xFF) {
          return i;
        }
      }
      i++;
    }
    return b.length;
  }

  private static boolean ascii(byte[] b, int at, String s) {
    for (int k = 0; k < s.length(); k++) {
      if (at + k >= b.length || b[at + k] != (byte) s.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /** Tag 0x0112 of IFD0 in the TIFF structure at {@code tiff}; 1 when absent or malformed. */
  private static int exifOrientation(byte[] b, int tiff, int end) {
    if (tiff + 8 > end) {
      return 1;
    }
    boolean little = b[tiff] == 'I' && b[tiff + 1] == 'I';
    if (!little && !(b[tiff] == 'M' && b[tiff + 1] == 'M')) {
      return 1;
    }
    long ifd = tiff + u32(b, tiff + 4, little);
    if (ifd + 2 > end) {
      return 1;
    }
    int entries = u16(b, (int) ifd, little);
    for (int e = 0; e < entries; e++) {
      int at = (int) ifd + 2 + 12 * e;
      if (at + 12 > end) {
        return 1;
      }
      if (u16(b, at, little) == 0x0112 && u16(b, at + 2, little) == 3) {
        int v = u16(b, at + 8, little);
        return v >= 1 && v <= 8 ? v : 1;
      }
    }
    return 1;
  }

  private static int u16(byte[] b, int at, boolean little) {
    int b0 = b[at] & 0xFF;
    int b1 = b[at + 1] & 0xFF;
    return little ? b0 | b1 << 8 : b0 << 8 | b1;
  }

  private static long u32(byte[] b, int at, boolean little) {
    long lo = u16(b, little ? at : at + 2, little);
    long hi = u16(b, little ? at + 2 : at, little);
    return hi << 16 | lo;
  }
}
