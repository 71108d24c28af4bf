package io.tfjmnist.serving;

import io.tfjmnist.images.preprocessing.Preprocessing;
import java.util.Objects;

/**
 * How the server listens and protects itself. {@link #defaults()} is what {@code serve} uses;
 * {@link #builder()} and {@link #toBuilder()} change it field by field; the {@code with...} methods
 * return changed copies.
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
 * @param grpcPort the TCP port of TF Serving's gRPC API on the same host; 0 picks a free one, -1 (the
 *     default) opens none
 *
 * <p>Whether answers must not depend on batching is the served model's own {@link BatchPolicy},
 * measured when it is loaded ({@link ServedModel}), not a server setting.
 */
public record ServeConfig(String host, int port, long maxBodyBytes, int maxThreads, long idleTimeoutMillis,
    long requestTimeoutMillis, long stopTimeoutMillis, int maxConnections, int maxBatch, int batchRunners,
    long inferenceTimeoutMillis, long maxImagePixels, long maxRequestPixels, Preprocessing preprocessing,
    int grpcPort) {

  public static final int DEFAULT_PORT = 8501;
  /** TF Serving's gRPC port. */
  public static final int DEFAULT_GRPC_PORT = 8500;
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
    if (grpcPort < -1 || grpcPort > 65535) {
      throw new IllegalArgumentException("grpcPort must be -1 (none) or 0..65535: " + grpcPort);
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
    return builder().build();
  }

  /** The defaults, to change field by field. */
  public static Builder builder() {
    return new Builder();
  }

  /** This configuration, to change field by field. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.host = host;
    b.port = port;
    b.maxBodyBytes = maxBodyBytes;
    b.maxThreads = maxThreads;
    b.idleTimeoutMillis = idleTimeoutMillis;
    b.requestTimeoutMillis = requestTimeoutMillis;
    b.stopTimeoutMillis = stopTimeoutMillis;
    b.maxConnections = maxConnections;
    b.maxBatch = maxBatch;
    b.batchRunners = batchRunners;
    b.inferenceTimeoutMillis = inferenceTimeoutMillis;
    b.maxImagePixels = maxImagePixels;
    b.maxRequestPixels = maxRequestPixels;
    b.preprocessing = preprocessing;
    b.grpcPort = grpcPort;
    return b;
  }

  public ServeConfig withHost(String h) {
    return toBuilder().host(h).build();
  }

  public ServeConfig withPort(int p) {
    return toBuilder().port(p).build();
  }

  public ServeConfig withMaxBodyBytes(long bytes) {
    return toBuilder().maxBodyBytes(bytes).build();
  }

  public ServeConfig withMaxThreads(int t) {
    return toBuilder().maxThreads(t).build();
  }

  public ServeConfig withIdleTimeoutMillis(long ms) {
    return toBuilder().idleTimeoutMillis(ms).build();
  }

  public ServeConfig withRequestTimeoutMillis(long ms) {
    return toBuilder().requestTimeoutMillis(ms).build();
  }

  public ServeConfig withStopTimeoutMillis(long ms) {
    return toBuilder().stopTimeoutMillis(ms).build();
  }

  public ServeConfig withMaxConnections(int c) {
    return toBuilder().maxConnections(c).build();
  }

  /** At most {@code max} images per session run, {@code runners} runs at a time; {@code max} 1: no batching. */
  public ServeConfig withBatching(int max, int runners) {
    return toBuilder().maxBatch(max).batchRunners(runners).build();
  }

  /** Pixel limits for {@code b64} images: per image and per request, checked before decoding. */
  public ServeConfig withImagePixelLimits(long perImage, long perRequest) {
    return toBuilder().maxImagePixels(perImage).maxRequestPixels(perRequest).build();
  }

  public ServeConfig withPreprocessing(Preprocessing p) {
    return toBuilder().preprocessing(p).build();
  }

  /**
   * Settings one at a time, starting from the defaults; {@link #build} checks them (the record's
   * constructor). A new field is added here once, not to every copy method.
   */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port = DEFAULT_PORT;
    private long maxBodyBytes = DEFAULT_MAX_BODY;
    private int maxThreads = 64;
    private long idleTimeoutMillis = 30_000;
    private long requestTimeoutMillis = 20_000;
    private long stopTimeoutMillis = 10_000;
    private int maxConnections = 1024;
    private int maxBatch = 64;
    private int batchRunners = 2;
    private long inferenceTimeoutMillis = 30_000;
    private long maxImagePixels = DEFAULT_MAX_IMAGE_PIXELS;
    private long maxRequestPixels = DEFAULT_MAX_REQUEST_PIXELS;
    private Preprocessing preprocessing = Preprocessing.DEFAULT;
    private int grpcPort = -1;

    private Builder() {}

    public Builder host(String value) {
      this.host = value;
      return this;
    }

    public Builder port(int value) {
      this.port = value;
      return this;
    }

    public Builder maxBodyBytes(long value) {
      this.maxBodyBytes = value;
      return this;
    }

    public Builder maxThreads(int value) {
      this.maxThreads = value;
      return this;
    }

    public Builder idleTimeoutMillis(long value) {
      this.idleTimeoutMillis = value;
      return this;
    }

    public Builder requestTimeoutMillis(long value) {
      this.requestTimeoutMillis = value;
      return this;
    }

    public Builder stopTimeoutMillis(long value) {
      this.stopTimeoutMillis = value;
      return this;
    }

    public Builder maxConnections(int value) {
      this.maxConnections = value;
      return this;
    }

    public Builder maxBatch(int value) {
      this.maxBatch = value;
      return this;
    }

    public Builder batchRunners(int value) {
      this.batchRunners = value;
      return this;
    }

    public Builder inferenceTimeoutMillis(long value) {
      this.inferenceTimeoutMillis = value;
      return this;
    }

    public Builder maxImagePixels(long value) {
      this.maxImagePixels = value;
      return this;
    }

    public Builder maxRequestPixels(long value) {
      this.maxRequestPixels = value;
      return this;
    }

    public Builder preprocessing(Preprocessing value) {
      this.preprocessing = value;
      return this;
    }

    public Builder grpcPort(int value) {
      this.grpcPort = value;
      return this;
    }

    public ServeConfig build() {
      return new ServeConfig(host, port, maxBodyBytes, maxThreads, idleTimeoutMillis, requestTimeoutMillis,
          stopTimeoutMillis, maxConnections, maxBatch, batchRunners, inferenceTimeoutMillis, maxImagePixels,
          maxRequestPixels, preprocessing, grpcPort);
    }
  }

  public ServeConfig withGrpcPort(int p) {
    return toBuilder().grpcPort(p).build();
  }

  /** Whether requests are merged into shared session runs. */
  public boolean batching() {
    return maxBatch > 1;
  }
}
