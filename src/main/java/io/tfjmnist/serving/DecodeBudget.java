package io.tfjmnist.serving;

import io.tfjmnist.images.decoding.ImageDecoder;
import io.tfjmnist.images.decoding.JpegInfo;
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
 *   <li>the work of decoding, pixels x scans ({@link JpegInfo#scanCount}), at most {@value #SCANS_ALLOWED} times
 *       those pixel limits: a real progressive photo has about 10 scans, a crafted one hundreds
 *       (seconds of CPU from a 35 KB file);
 *   <li>decodes run at most one per core at a time, the slots shared fairly between clients
 *       ({@link FairSlots}), and only while the pixels being decoded at once
 *       fit in half of the Java heap ({@value #BYTES_PER_PIXEL} bytes per pixel, measured for
 *       decoding plus preprocessing): a burst of large photos waits its turn instead of running
 *       the JVM out of memory, and an image that could not fit even alone is refused;
 *   <li>a request whose client has gone stops before its next image (408), and so does one still
 *       decoding when the server's stop timeout has passed (503); a request that waits longer than
 *       {@code waitMillis} for its turn gets 503.
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
  /** Scans per pixel an image may cost: libjpeg's default progressive script has 10 for colour. */
  static final int SCANS_ALLOWED = 16;
  private static final long UNIT = 1 << 16; // pixels per memory permit
  private static final long POLL_MILLIS = 100;

  private final PredictParser.ImageInput decoder;
  private final Runnable onDecoded;
  private final long maxImagePixels;
  private final long maxRequestPixels;
  private final long heapPixels;
  private final FairSlots decoders;
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
    this.decoders = new FairSlots(Math.max(1, cores));
    this.memory = new Semaphore((int) Math.max(1, Math.min(Integer.MAX_VALUE, heapPixels / UNIT)), true);
    this.waitMillis = waitMillis;
  }

  /** The largest image this server decodes: the configured limit, or less if the heap is small. */
  long effectiveImagePixels() {
    return Math.min(maxImagePixels, heapPixels);
  }

  /** {@link #forRequest(String, BooleanSupplier, BooleanSupplier)} for one local client that the server never cuts off. */
  PredictParser.ImageInput forRequest(BooleanSupplier clientGone) {
    return forRequest("local", clientGone, () -> false);
  }

  /**
   * Decodes the images of one request, counting its pixels and cost.
   *
   * @param client who sent it (the remote address): decode slots are shared fairly between clients
   * @param clientGone asked before each image and while waiting: the client closed its connection (408)
   * @param cutOff asked likewise: the server's stop timeout has passed and this request was answered 503
   */
  PredictParser.ImageInput forRequest(String client, BooleanSupplier clientGone, BooleanSupplier cutOff) {
    long[] used = {0, 0}; // pixels, cost
    return (bytes, where) -> {
      checkStillWanted(clientGone, cutOff);
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
      int scans = JpegInfo.scanCount(bytes);
      long cost = pixels * scans;
      if (cost > maxImagePixels * SCANS_ALLOWED) {
        throw ApiException.badRequest(String.format(Locale.ROOT, "%s is a JPEG of %dx%d pixels in %d scans: decoding"
            + " it costs as much as %d scans of %s, more than this server allows per image (%d scans of %s); send it"
            + " as a baseline JPEG or a PNG.", where, d.width, d.height, scans, scans, megapixels(pixels),
            SCANS_ALLOWED, megapixels(maxImagePixels)));
      }
      if (used[0] + pixels > maxRequestPixels) {
        throw ApiException.badRequest(String.format(Locale.ROOT, "The images up to %s declare %s together, more"
            + " than the limit of %s per request; send them in several requests.", where,
            megapixels(used[0] + pixels), megapixels(maxRequestPixels)));
      }
      if (used[1] + cost > maxRequestPixels * SCANS_ALLOWED) {
        throw ApiException.badRequest(String.format(Locale.ROOT, "The images up to %s cost as much to decode as %s"
            + " in %d scans each, more than this server allows per request; send them in several requests.", where,
            megapixels(maxRequestPixels), SCANS_ALLOWED));
      }
      used[0] += pixels;
      used[1] += cost;
      int units = (int) Math.max(1, (pixels + UNIT - 1) / UNIT);
      FairSlots.Ticket slot = decoders.enter(client);
      try {
        awaitSlot(slot, clientGone, cutOff);
        acquire(memory, units, clientGone, cutOff);
        try {
          float[] input = decoder.decode(bytes, where);
          onDecoded.run();
          return input;
        } finally {
          memory.release(units);
        }
      } finally {
        slot.close();
      }
    };
  }

  private static void checkStillWanted(BooleanSupplier clientGone, BooleanSupplier cutOff) {
    if (cutOff.getAsBoolean()) {
      throw new ApiException(503, "The server is shutting down.");
    }
    if (clientGone.getAsBoolean()) {
      throw new ApiException(408, "The client closed the connection before its images were decoded.");
    }
  }

  private static ApiException busy() {
    return new ApiException(503, "The server is busy decoding other images; try again shortly.");
  }

  /** Waits for a decode slot in short slices, as {@link #acquire} does. */
  private void awaitSlot(FairSlots.Ticket slot, BooleanSupplier clientGone, BooleanSupplier cutOff) {
    waitInSlices(() -> slot.await(POLL_MILLIS), clientGone, cutOff);
  }

  /** Waits for permits in short slices, giving up when the client leaves, the server stops, or the wait is too long. */
  private void acquire(Semaphore s, int permits, BooleanSupplier clientGone, BooleanSupplier cutOff) {
    waitInSlices(() -> s.tryAcquire(permits, POLL_MILLIS, TimeUnit.MILLISECONDS), clientGone, cutOff);
  }

  /** One wait of at most {@link #POLL_MILLIS}: true once what is waited for is had. */
  @FunctionalInterface
  private interface Slice {
    boolean await() throws InterruptedException;
  }

  /**
   * Repeats {@code slice} until it succeeds, checking between slices that the request is still
   * wanted; past {@code waitMillis} the request gets 503.
   */
  private void waitInSlices(Slice slice, BooleanSupplier clientGone, BooleanSupplier cutOff) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
    try {
      while (!slice.await()) {
        checkStillWanted(clientGone, cutOff);
        if (System.nanoTime() > deadline) {
          throw busy();
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
