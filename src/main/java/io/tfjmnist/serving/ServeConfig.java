package io.tfjmnist.serving;

import io.tfjmnist.images.Preprocessing;
import java.util.Objects;

/**
 * How the server listens and protects itself. {@link #defaults()} is what {@code serve} uses;
 * the {@code with...} methods return changed copies.
 *
 * @param host the address to bind ({@code 127.0.0.1}: this machine only)
 * @param port the TCP port; 0 picks a free one
 * @param maxBodyBytes larger request bodies are refused with 413 (default 10 MiB)
 * @param maxThreads request threads in Jetty's pool; bodies are read without holding one
 * @param idleTimeoutMillis a connection that sends or reads nothing for this long is closed
 * @param requestTimeoutMillis a request must arrive whole (headers and body) within this time of its
 *     first byte, however steadily it drips; otherwise its connection is closed (see {@link ConnectionGuard})
 * @param stopTimeoutMillis on shutdown, how long in-flight requests get to finish before they are
 *     answered 503
 * @param maxConnections open connections at most; from 90 % of it, the slowest clients are closed to
 *     make room, and at the limit the server stops accepting until some close
 * @param maxBatch the most images merged into one session run; 1 turns micro-batching off
 * @param batchRunners how many merged batches may run at the same time (each on a request thread)
 * @param inferenceTimeoutMillis a request whose batch has not run after this long gets 503
 * @param maxImagePixels a {@code b64} image declaring more pixels (width x height, read from its
 *     header) is refused before it is decoded
 * @param maxRequestPixels the most pixels all {@code b64} images of one request may declare together
 * @param preprocessing what turns {@code {"b64": ...}} images into model input
 * @param exactBatching every session run has the model's run size (padded), so an image's
 *     probabilities do not depend on its batch-mates; false: runs of any size, faster when few
 *     requests wait
 */
public record ServeConfig(String host, int port, long maxBodyBytes, int maxThreads, long idleTimeoutMillis,
    long requestTimeoutMillis, long stopTimeoutMillis, int maxConnections, int maxBatch, int batchRunners,
    long inferenceTimeoutMillis, long maxImagePixels, long maxRequestPixels, Preprocessing preprocessing,
    boolean exactBatching) {

  public static final int DEFAULT_PORT = 8501;
  public static final long DEFAULT_MAX_BODY = 10L * 1024 * 1024;
  /**
   * 12 megapixels: a 4000x3000 phone photo of a digit. Posters and scans are refused before decoding
   * (a 7000x7000 one-bit PNG is 22 KB of upload but 49 megapixels and 4 s of CPU to decode).
   */
  public static final long DEFAULT_MAX_IMAGE_PIXELS = 12_000_000L;
  /** Two full-size photos, or thousands of small drawings, per request. */
  public static final long DEFAULT_MAX_REQUEST_PIXELS = 24_000_000L;

  public ServeConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(preprocessing, "preprocessing");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535: " + port);
    }
    if (maxBodyBytes < 1 || maxBodyBytes > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("maxBodyBytes out of range: " + maxBodyBytes);
    }
    if (maxThreads < 4 || maxBatch < 1 || batchRunners < 1 || maxConnections < 1) {
      throw new IllegalArgumentException("need maxThreads >= 4, maxBatch >= 1, batchRunners >= 1, maxConnections >= 1");
    }
    if (idleTimeoutMillis < 1 || requestTimeoutMillis < 1 || stopTimeoutMillis < 0 || inferenceTimeoutMillis < 1) {
      throw new IllegalArgumentException("timeouts must be positive");
    }
    if (maxImagePixels < 1 || maxRequestPixels < maxImagePixels) {
      throw new IllegalArgumentException("need maxImagePixels >= 1 and maxRequestPixels >= maxImagePixels");
    }
  }

  public static ServeConfig defaults() {
    return new ServeConfig("127.0.0.1", DEFAULT_PORT, DEFAULT_MAX_BODY, 64, 30_000, 20_000, 10_000, 1024, 64, 2, 30_000,
        DEFAULT_MAX_IMAGE_PIXELS, DEFAULT_MAX_REQUEST_PIXELS, Preprocessing.DEFAULT, true);
  }

  public ServeConfig withHost(String h) {
    return new ServeConfig(h, port, maxBodyBytes, maxThreads, idleTimeoutMillis, requestTimeoutMillis,
        stopTimeoutMillis, maxConnections, maxBatch, batchRunners, inferenceTimeoutMillis, maxImagePixels,
        maxRequestPixels, preprocessing, exactBatching);
  }

  public ServeConfig withPort(int p) {
    return new ServeConfig(host, p, maxBodyBytes, maxThreads, idleTimeoutMillis, requestTimeoutMillis,
        stopTimeoutMillis, maxConnections, maxBatch, batchRunners, inferenceTimeoutMillis, maxImagePixels,
        maxRequestPixels, preprocessing, exactBatching);
  }

  public ServeConfig withMaxBodyBytes(long b) {
    return new ServeConfig(host, port, b, maxThreads, idleTimeoutMillis, requestTimeoutMillis,
        stopTimeoutMillis, maxConnections, maxBatch, batchRunners, inferenceTimeoutMillis, maxImagePixels,
        maxRequestPixels, preprocessing, exactBatching);
  }

  public ServeConfig withMaxThreads(int t) {
    return new ServeConfig(host, port, maxBodyBytes, t, idleTimeoutMillis, requestTimeoutMillis,
        stopTimeoutMillis, maxConnections, maxBatch, batchRunners, inferenceTimeoutMillis, maxImagePixels,
        maxRequestPixels, preprocessing, exactBatching);
  }

  public ServeConfig withIdleTimeoutMillis(long ms) {
    return new ServeConfig(host, port, maxBodyBytes, maxThreads, ms, requestTimeoutMillis,
        stopTimeoutMillis, maxConnections, maxBatch, batchRunners, inferenceTimeoutMillis, maxImagePixels,
        maxRequestPixels, preprocessing, exactBatching);
  }

  public ServeConfig withRequestTimeoutMillis(long ms) {
    return new ServeConfig(host, port, maxBodyBytes, maxThreads, idleTimeoutMillis, ms,
        stopTimeoutMillis, maxConnections, maxBatch, batchRunners, inferenceTimeoutMillis, maxImagePixels,
        maxRequestPixels, preprocessing, exactBatching);
  }

  public ServeConfig withStopTimeoutMillis(long ms) {
    return new ServeConfig(host, port, maxBodyBytes, maxThreads, idleTimeoutMillis, requestTimeoutMillis,
        ms, maxConnections, maxBatch, batchRunners, inferenceTimeoutMillis, maxImagePixels,
        maxRequestPixels, preprocessing, exactBatching);
  }

  public ServeConfig withMaxConnections(int c) {
    return new ServeConfig(host, port, maxBodyBytes, maxThreads, idleTimeoutMillis, requestTimeoutMillis,
        stopTimeoutMillis, c, maxBatch, batchRunners, inferenceTimeoutMillis, maxImagePixels,
        maxRequestPixels, preprocessing, exactBatching);
  }

  /** At most {@code max} images per session run, {@code runners} runs at a time; {@code max} 1: no batching. */
  public ServeConfig withBatching(int max, int runners) {
    return new ServeConfig(host, port, maxBodyBytes, maxThreads, idleTimeoutMillis, requestTimeoutMillis,
        stopTimeoutMillis, maxConnections, max, runners, inferenceTimeoutMillis, maxImagePixels,
        maxRequestPixels, preprocessing, exactBatching);
  }

  /** Pixel limits for {@code b64} images: per image and per request, checked before decoding. */
  public ServeConfig withImagePixelLimits(long perImage, long perRequest) {
    return new ServeConfig(host, port, maxBodyBytes, maxThreads, idleTimeoutMillis, requestTimeoutMillis,
        stopTimeoutMillis, maxConnections, maxBatch, batchRunners, inferenceTimeoutMillis, perImage,
        perRequest, preprocessing, exactBatching);
  }

  public ServeConfig withPreprocessing(Preprocessing p) {
    return new ServeConfig(host, port, maxBodyBytes, maxThreads, idleTimeoutMillis, requestTimeoutMillis,
        stopTimeoutMillis, maxConnections, maxBatch, batchRunners, inferenceTimeoutMillis, maxImagePixels,
        maxRequestPixels, p, exactBatching);
  }

  /** Session runs of the model's fixed run size (true, the default) or of any size. */
  public ServeConfig withExactBatching(boolean exact) {
    return new ServeConfig(host, port, maxBodyBytes, maxThreads, idleTimeoutMillis, requestTimeoutMillis,
        stopTimeoutMillis, maxConnections, maxBatch, batchRunners, inferenceTimeoutMillis, maxImagePixels,
        maxRequestPixels, preprocessing, exact);
  }

  /** Whether requests are merged into shared session runs. */
  public boolean batching() {
    return maxBatch > 1;
  }
}
