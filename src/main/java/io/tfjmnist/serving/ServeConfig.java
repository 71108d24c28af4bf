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
 * @param stopTimeoutMillis on shutdown, how long in-flight requests get to finish
 * @param maxConnections open connections at most; beyond, the server stops accepting until some close
 * @param maxBatch the most images merged into one session run; 1 turns micro-batching off
 * @param batchRunners how many merged batches may run at the same time (each on a request thread)
 * @param inferenceTimeoutMillis a request whose batch has not run after this long gets 503
 * @param preprocessing what turns {@code {"b64": ...}} images into model input
 */
public record ServeConfig(String host, int port, long maxBodyBytes, int maxThreads, long idleTimeoutMillis,
    long stopTimeoutMillis, int maxConnections, int maxBatch, int batchRunners, long inferenceTimeoutMillis,
    Preprocessing preprocessing) {

  public static final int DEFAULT_PORT = 8501;
  public static final long DEFAULT_MAX_BODY = 10L * 1024 * 1024;

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
  }

  public static ServeConfig defaults() {
    return new ServeConfig("127.0.0.1", DEFAULT_PORT, DEFAULT_MAX_BODY, 64, 30_000, 10_000, 1024, 64, 2, 30_000,
        Preprocessing.DEFAULT);
  }

  public ServeConfig withHost(String h) {
    return new ServeConfig(h, port, maxBodyBytes, maxThreads, idleTimeoutMillis, stopTimeoutMillis, maxConnections,
        maxBatch, batchRunners, inferenceTimeoutMillis, preprocessing);
  }

  public ServeConfig withPort(int p) {
    return new ServeConfig(host, p, maxBodyBytes, maxThreads, idleTimeoutMillis, stopTimeoutMillis, maxConnections,
        maxBatch, batchRunners, inferenceTimeoutMillis, preprocessing);
  }

  public ServeConfig withMaxBodyBytes(long b) {
    return new ServeConfig(host, port, b, maxThreads, idleTimeoutMillis, stopTimeoutMillis, maxConnections,
        maxBatch, batchRunners, inferenceTimeoutMillis, preprocessing);
  }

  public ServeConfig withMaxThreads(int t) {
    return new ServeConfig(host, port, maxBodyBytes, t, idleTimeoutMillis, stopTimeoutMillis, maxConnections,
        maxBatch, batchRunners, inferenceTimeoutMillis, preprocessing);
  }

  public ServeConfig withIdleTimeoutMillis(long ms) {
    return new ServeConfig(host, port, maxBodyBytes, maxThreads, ms, stopTimeoutMillis, maxConnections,
        maxBatch, batchRunners, inferenceTimeoutMillis, preprocessing);
  }

  public ServeConfig withStopTimeoutMillis(long ms) {
    return new ServeConfig(host, port, maxBodyBytes, maxThreads, idleTimeoutMillis, ms, maxConnections,
        maxBatch, batchRunners, inferenceTimeoutMillis, preprocessing);
  }

  public ServeConfig withMaxConnections(int c) {
    return new ServeConfig(host, port, maxBodyBytes, maxThreads, idleTimeoutMillis, stopTimeoutMillis, c,
        maxBatch, batchRunners, inferenceTimeoutMillis, preprocessing);
  }

  /** At most {@code max} images per session run, {@code runners} runs at a time; {@code max} 1: no batching. */
  public ServeConfig withBatching(int max, int runners) {
    return new ServeConfig(host, port, maxBodyBytes, maxThreads, idleTimeoutMillis, stopTimeoutMillis, maxConnections,
        max, runners, inferenceTimeoutMillis, preprocessing);
  }

  public ServeConfig withPreprocessing(Preprocessing p) {
    return new ServeConfig(host, port, maxBodyBytes, maxThreads, idleTimeoutMillis, stopTimeoutMillis, maxConnections,
        maxBatch, batchRunners, inferenceTimeoutMillis, p);
  }

  /** Whether requests are merged into shared session runs. */
  public boolean batching() {
    return maxBatch > 1;
  }
}
