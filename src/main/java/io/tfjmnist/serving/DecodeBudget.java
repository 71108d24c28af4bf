package io.tfjmnist.serving;

import io.tfjmnist.images.ImageDecoder;
import java.awt.Dimension;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * What decoding {@code {"b64": ...}} images may cost the server. A small file can declare a huge
 * picture (a 22 KB one-bit PNG of 7000x7000 pixels takes 4 s of CPU and 600 MB of heap to decode),
 * so every limit is checked from the image's header, before a pixel is decoded:
 *
 * <ul>
 *   <li>each image at most {@code maxImagePixels};
 *   <li>all images of one request together at most {@code maxRequestPixels};
 *   <li>decodes run at most one per core at a time, and only while the pixels being decoded at once
 *       fit in half of the Java heap ({@value #BYTES_PER_PIXEL} bytes per pixel, measured for
 *       decoding plus preprocessing): a burst of large photos waits its turn instead of running
 *       the JVM out of memory, and an image that could not fit even alone is refused;
 *   <li>a request whose client has gone stops before its next image.
 * </ul>
 */
final class DecodeBudget {
  /**
   * Heap per decoded pixel, with a margin: ImageIO's raster, the ARGB copy, the grayscale planes and
   * the preprocessing's float planes. Measured with the thread's allocation counter: decoding and
   * preprocessing a 4000x3000 PNG or JPEG photo allocates 31 bytes per pixel in all (371 MB); it
   * fails with -Xmx200m and passes with -Xmx300m.
   */
  static final long BYTES_PER_PIXEL = 40;
  private static final long UNIT = 1 << 16; // pixels per memory permit
  private static final long POLL_MILLIS = 100;

  private final PredictParser.ImageInput decoder;
  private final Runnable onDecoded;
  private final long maxImagePixels;
  private final long maxRequestPixels;
  private final long heapPixels;
  private final Semaphore decoders;
  private final Semaphore memory;
  private final long waitMillis;

  /**
   * @param decoder image bytes to model input (decoding and preprocessing)
   * @param heapBytes the Java heap, half of which decodes may use at once
   * @param cores the most decodes at a time
   * @param waitMillis the longest a request waits for its turn to decode before a 503
   * @param onDecoded told after every decoded image (metrics)
   */
  DecodeBudget(PredictParser.ImageInput decoder, long maxImagePixels, long maxRequestPixels, long heapBytes, int cores,
      long waitMillis, Runnable onDecoded) {
    this.decoder = decoder;
    this.onDecoded = onDecoded;
    this.maxImagePixels = maxImagePixels;
    this.maxRequestPixels = maxRequestPixels;
    this.heapPixels = heapBytes / 2 / BYTES_PER_PIXEL;
    this.decoders = new Semaphore(Math.max(1, cores), true);
    this.memory = new Semaphore((int) Math.max(1, Math.min(Integer.MAX_VALUE, heapPixels / UNIT)), true);
    this.waitMillis = waitMillis;
  }

  /** The largest image this server decodes: the configured limit, or less if the heap is small. */
  long effectiveImagePixels() {
    return Math.min(maxImagePixels, heapPixels);
  }

  /** Decodes the images of one request, counting its pixels; {@code clientGone} is asked before each image. */
  PredictParser.ImageInput forRequest(BooleanSupplier clientGone) {
    long[] used = {0};
    return (bytes, where) -> {
      if (clientGone.getAsBoolean()) {
        throw new ApiException(408, "The client closed the connection before its images were decoded.");
      }
      Dimension d = ImageDecoder.dimensions(bytes, where);
      long pixels = (long) d.width * d.height;
      if (pixels > maxImagePixels) {
        throw ApiException.badRequest(String.format(Locale.ROOT, "%s declares %dx%d pixels (%s), more than the"
            + " limit of %s per image; send a smaller photo of the digit.", where, d.width, d.height,
            megapixels(pixels), megapixels(maxImagePixels)));
      }
      if (pixels > heapPixels) {
        throw new ApiException(413, String.format(Locale.ROOT, "%s declares %dx%d pixels (%s); this server's memory"
            + " allows %s per image; send a smaller photo of the digit.", where, d.width, d.height,
            megapixels(pixels), megapixels(heapPixels)));
      }
      if (used[0] + pixels > maxRequestPixels) {
        throw ApiException.badRequest(String.format(Locale.ROOT, "The images up to %s declare %s together, more"
            + " than the limit of %s per request; send them in several requests.", where,
            megapixels(used[0] + pixels), megapixels(maxRequestPixels)));
      }
      used[0] += pixels;
      int units = (int) Math.max(1, (pixels + UNIT - 1) / UNIT);
      acquire(decoders, 1, clientGone);
      try {
        acquire(memory, units, clientGone);
        try {
          float[] input = decoder.decode(bytes, where);
          onDecoded.run();
          return input;
        } finally {
          memory.release(units);
        }
      } finally {
        decoders.release();
      }
    };
  }

  /** Waits for permits in short slices, giving up when the client leaves or the wait is too long. */
  private void acquire(Semaphore s, int permits, BooleanSupplier clientGone) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
    try {
      while (!s.tryAcquire(permits, POLL_MILLIS, TimeUnit.MILLISECONDS)) {
        if (clientGone.getAsBoolean()) {
          throw new ApiException(408, "The client closed the connection before its images were decoded.");
        }
        if (System.nanoTime() > deadline) {
          throw new ApiException(503, "The server is busy decoding other images; try again shortly.");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(503, "The server is shutting down.");
    }
  }

  static String megapixels(long pixels) {
    return String.format(Locale.ROOT, "%.1f megapixels", pixels / 1e6);
  }
}
