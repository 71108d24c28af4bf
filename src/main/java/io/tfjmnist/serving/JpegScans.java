package io.tfjmnist.serving;

/**
 * The number of scans (SOS segments) in a JPEG file, found by walking its markers without decoding
 * anything. Decoding costs about pixels x scans: a progressive JPEG may legally hold hundreds of
 * scans over a large picture, so a 35 KB file can cost seconds of CPU (a "scan bomb"), where its
 * pixel count alone looks harmless. Not a JPEG, or unparseable: 1.
 */
final class JpegScans {
  private JpegScans() {}

  static int count(byte[] b) {
    if (b.length < 4 || (b[0] & 0xff) != 0xFF || (b[1] & 0xff) != 0xD8) {
      return 1;
    }
    int scans = 0;
    int i = 2;
    while (i + 1 < b.length) {
      if ((b[i] & 0xff) != 0xFF) {
        i++; // entropy-coded data, or padding
        continue;
      }
      int m = b[i + 1] & 0xff;
      if (m == 0xFF) {
        i++; // fill byte
        continue;
      }
      if (m == 0x00 || (m >= 0xD0 && m <= 0xD7) || m == 0x01) {
        i += 2; // a stuffed 0xFF in the data, a restart marker, TEM: no length
        continue;
      }
      if (m == 0xD9) {
        break; // end of image
      }
      if (i + 3 >= b.length) {
        break;
      }
      int length = ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
      if (m == 0xDA) {
        scans++;
      }
      i += 2 + Math.max(2, length); // the scan's entropy data after an SOS header is skipped by the loop above
    }
    return Math.max(1, scans);
  }
}
