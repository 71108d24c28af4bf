package io.tfjmnist.images.preprocessing;

/**
 * Pillow's 8-bit resampling ({@code ImagingResampleHorizontal_8bpc}, then
 * {@code ImagingResampleVertical_8bpc}), bit for bit: 22-bit fixed-point weights, each pass's sums
 * started at half a unit, shifted, clipped to 8 bits; the horizontal pass only over the rows the
 * vertical one reads, as Pillow does.
 *
 * <p>The sums are Java {@code int}s, whose additions wrap, so the order of their terms cannot change
 * a result (Pillow's own sums fit an {@code int}); the loops are ordered for speed instead of
 * Pillow's. Both passes are written as {@code acc[i] += column[i] * weight} over arrays that share
 * the index, the one loop shape Java 17's C2 turns into SIMD multiply-adds: a dot product along a
 * row (Pillow's order) vectorises poorly, and reading bytes with an offset not at all. So the
 * horizontal pass first copies a block of rows into one {@code int[]} per column (every sample of
 * that column, rows and channels interleaved), and each tap of each output pixel is then one such
 * loop over the whole block. It reads the samples where the decoder left them, as bands or
 * interleaved, so no band view has to be made first.
 */
final class PillowResample8 {
  static final int PRECISION_BITS = 32 - 8 - 2;
  /** The rounding half every sum starts from. */
  private static final int HALF = 1 << (PRECISION_BITS - 1);
  /** Samples per column block: long enough for C2's vector loop to dominate, small enough for the cache. */
  private static final int BLOCK_SAMPLES = 192;

  private static final int CACHE_LINE = 64;
  /** Where {@link Samples#touchRows} leaves its sums: a field the JIT must write, so it keeps the reads. */
  @SuppressWarnings("unused")
  private static int touched;

  private PillowResample8() {}

  /**
   * Where an image's 8-bit samples are: sample {@code ch} of pixel (x, y) is
   * {@code arrays[ch][offsets[ch] + y * rowStride + x * pixelStride]}.
   */
  record Samples(int width, int height, byte[][] arrays, int[] offsets, int pixelStride, int rowStride) {
    /** One array per band, row-major (a {@code PillowImage}'s bands). */
    static Samples ofBands(byte[][] bands, int width, int height) {
      return new Samples(width, height, bands, new int[bands.length], 1, width);
    }

    /** One array of {@code channels} interleaved bytes per pixel, row-major (what libjpeg-turbo writes). */
    static Samples interleaved(byte[] samples, int channels, int width, int height) {
      byte[][] arrays = new byte[channels][];
      int[] offsets = new int[channels];
      for (int ch = 0; ch < channels; ch++) {
        arrays[ch] = samples;
        offsets[ch] = ch;
      }
      return new Samples(width, height, arrays, offsets, channels, width * channels);
    }

    int channels() {
      return arrays.length;
    }

    /**
     * Reads one byte of every cache line of rows {@code y0 .. y0 + rows - 1}, front to back. The
     * column copy then reads a whole block of rows side by side, more streams than the hardware
     * prefetcher follows, and on a photo fresh from the decoder (not in cache) it waited on memory
     * for each: about 0.3 ms of a 530 px photo's 1 ms. One sequential pass loads them at the
     * memory's streaming rate instead. Returns a sum of what it read, for the caller to keep, so
     * that the JIT cannot drop the reads.
     */
    int touchRows(int y0, int rows) {
      int sum = 0;
      for (int ch = 0; ch < arrays.length; ch++) {
        if (ch > 0 && arrays[ch] == arrays[0]) {
          break; // interleaved: one array holds every channel
        }
        byte[] a = arrays[ch];
        int to = offsets[ch] + (y0 + rows) * rowStride;
        for (int q = offsets[ch] + y0 * rowStride; q < to; q += CACHE_LINE) {
          sum += a[q];
        }
      }
      return sum;
    }

    /** Column {@code x} of rows {@code y0 .. y0 + rows - 1} into {@code col}: row by row, channels interleaved. */
    void column(int x, int y0, int rows, int[] col) {
      int c = arrays.length;
      int lanes = rows * c;
      if (c == 3) {
        // Photos: all three samples of a row at once (twice as fast as a pass per channel).
        byte[] r = arrays[0];
        byte[] g = arrays[1];
        byte[] b = arrays[2];
        int q = y0 * rowStride + x * pixelStride;
        int ro = q + offsets[0];
        int go = q + offsets[1];
        int bo = q + offsets[2];
        for (int d = 0, k = 0; d < lanes; d += 3, k += rowStride) {
          col[d] = r[ro + k] & 0xFF;
          col[d + 1] = g[go + k] & 0xFF;
          col[d + 2] = b[bo + k] & 0xFF;
        }
        return;
      }
      for (int ch = 0; ch < c; ch++) {
        byte[] a = arrays[ch];
        int q = offsets[ch] + y0 * rowStride + x * pixelStride;
        for (int d = ch; d < lanes; d += c, q += rowStride) {
          col[d] = a[q] & 0xFF;
        }
      }
    }
  }

  /** One axis's fixed-point weights, flattened: output i uses {@code count[i]} weights from {@code start[i]}. */
  private static final class FixedPoint {
    final int[] min;
    final int[] count;
    final int[] start;
    final int[] weights;

    FixedPoint(PillowResize.Coefficients c) {
      int[][] k = c.fixedPoint();
      min = c.min;
      count = c.count;
      start = new int[k.length];
      int total = 0;
      for (int i = 0; i < k.length; i++) {
        start[i] = total;
        total += k[i].length;
      }
      weights = new int[total];
      for (int i = 0; i < k.length; i++) {
        System.arraycopy(k[i], 0, weights, start[i], k[i].length);
      }
    }
  }

  /**
   * One thread's column blocks and intermediate rows, reused photo after photo: a 530 px photo's
   * come to about 600 KB, which a fresh JVM would otherwise fault in page by page. Every lane a
   * resample reads it has first written in the same call (a block's first {@code lanes} samples of
   * each column, a row's first {@code outW * c} sums), so nothing of one image reaches the next.
   * Above {@link #MAX_KEPT_INTS} of either, a call uses arrays of its own and keeps none of them.
   */
  private static final class Scratch extends ThreadScratch {
    static final int MAX_KEPT_INTS = 1 << 20;
    private static final ThreadLocal<Scratch> THREADS = ThreadLocal.withInitial(Scratch::new);

    private int[][] cols = new int[0][];
    private int[][] rows = new int[0][];

    /** The calling thread's scratch, or a new one while that is in use. */
    static Scratch take() {
      return take(THREADS, Scratch::new);
    }

    /** {@code count} arrays of at least {@code length} ints. */
    int[][] cols(int count, int length) {
      return cols = lines(cols, count, length);
    }

    int[][] rows(int count, int length) {
      return rows = lines(rows, count, length);
    }

    private static int[][] lines(int[][] kept, int count, int length) {
      if ((long) count * length > MAX_KEPT_INTS) {
        return new int[count][length];
      }
      int[][] out = kept.length >= count ? kept : java.util.Arrays.copyOf(kept, count);
      for (int i = 0; i < count; i++) {
        if (out[i] == null || out[i].length < length) {
          out[i] = new int[length];
        }
      }
      return out;
    }
  }

  /** The image resampled to outW x outH, one row-major array per channel. */
  static byte[][] resample(Samples in, int outW, int outH) {
    Scratch scratch = Scratch.take();
    try {
      return resample(in, outW, outH, scratch);
    } finally {
      scratch.release();
    }
  }

  private static byte[][] resample(Samples in, int outW, int outH, Scratch scratch) {
    int w = in.width();
    int h = in.height();
    int c = in.channels();
    FixedPoint vert = outH != h ? new FixedPoint(new PillowResize.Coefficients(h, outH)) : null;
    // ImagingResampleInner: the horizontal pass makes only the rows the vertical pass reads.
    int y0 = vert == null ? 0 : vert.min[0];
    int y1 = vert == null ? h : vert.min[outH - 1] + vert.count[outH - 1];
    int[][] rows = outW != w
        ? horizontal(in, y0, y1, new FixedPoint(new PillowResize.Coefficients(w, outW)), scratch)
        : widen(in, y0, y1, scratch);
    if (vert != null) {
      rows = vertical(rows, y0, outW * c, vert);
    }
    byte[][] out = new byte[c][outW * outH];
    for (int y = 0; y < outH; y++) {
      int[] row = rows[y];
      for (int x = 0, i = 0; x < outW; x++) {
        for (int ch = 0; ch < c; ch++, i++) {
          out[ch][y * outW + x] = (byte) row[i];
        }
      }
    }
    return out;
  }

  /** Rows y0..y1-1 resampled along x: each row's outW pixels, channels interleaved, clipped to 0..255. */
  private static int[][] horizontal(Samples in, int y0, int y1, FixedPoint k, Scratch scratch) {
    int w = in.width();
    int c = in.channels();
    int outW = k.min.length;
    int block = Math.min(Math.max(1, BLOCK_SAMPLES / c), y1 - y0);
    int[][] cols = scratch.cols(w, block * c);
    int[] acc = new int[block * c];
    int[][] out = scratch.rows(y1 - y0, outW * c);
    for (int yb = y0; yb < y1; yb += block) {
      int rows = Math.min(block, y1 - yb);
      int lanes = rows * c;
      touched = in.touchRows(yb, rows);
      for (int x = 0; x < w; x++) {
        in.column(x, yb, rows, cols[x]);
      }
      for (int xx = 0; xx < outW; xx++) {
        java.util.Arrays.fill(acc, 0, lanes, HALF);
        addTaps(acc, cols, k.min[xx], k.weights, k.start[xx], k.count[xx], lanes);
        for (int yi = 0, i = 0; yi < rows; yi++) {
          int[] row = out[yb - y0 + yi];
          for (int ch = 0; ch < c; ch++, i++) {
            row[xx * c + ch] = acc[i];
          }
        }
      }
      for (int yi = 0; yi < rows; yi++) {
        clip8(out[yb - y0 + yi], outW * c);
      }
    }
    return out;
  }

  /** Rows y0..y1-1 as they are, channels interleaved, for a resize along y only. */
  private static int[][] widen(Samples in, int y0, int y1, Scratch scratch) {
    int w = in.width();
    int c = in.channels();
    int[][] out = scratch.rows(y1 - y0, w * c);
    int[] col = new int[c];
    for (int y = y0; y < y1; y++) {
      for (int x = 0; x < w; x++) {
        in.column(x, y, 1, col);
        System.arraycopy(col, 0, out[y - y0], x * c, c);
      }
    }
    return out;
  }

  /** Resampled along y from {@code rows} (row y of the image is rows[y - y0]), each row n samples wide. */
  private static int[][] vertical(int[][] rows, int y0, int n, FixedPoint k) {
    int outH = k.min.length;
    int[][] out = new int[outH][n];
    for (int yy = 0; yy < outH; yy++) {
      int[] acc = out[yy];
      java.util.Arrays.fill(acc, HALF);
      addTaps(acc, rows, k.min[yy] - y0, k.weights, k.start[yy], k.count[yy], n);
      clip8(acc, n);
    }
    return out;
  }

  /**
   * acc[i] += sum over taps t of lines[first + t][i] * weights[start + t], for i below lanes: two
   * taps per loop, which halves the loads and stores of acc.
   */
  private static void addTaps(int[] acc, int[][] lines, int first, int[] weights, int start, int taps, int lanes) {
    int t = 0;
    for (; t + 2 <= taps; t += 2) {
      int[] a = lines[first + t];
      int[] b = lines[first + t + 1];
      int wa = weights[start + t];
      int wb = weights[start + t + 1];
      for (int i = 0; i < lanes; i++) {
        acc[i] += a[i] * wa + b[i] * wb;
      }
    }
    if (t < taps) {
      int[] a = lines[first + t];
      int wa = weights[start + t];
      for (int i = 0; i < lanes; i++) {
        acc[i] += a[i] * wa;
      }
    }
  }

  /** clip8 on the first n sums: the accumulator holds value << 22 plus the rounding half; shift and clamp. */
  private static void clip8(int[] sums, int n) {
    for (int i = 0; i < n; i++) {
      int v = sums[i] >> PRECISION_BITS;
      sums[i] = v < 0 ? 0 : Math.min(v, 255);
    }
  }
}
