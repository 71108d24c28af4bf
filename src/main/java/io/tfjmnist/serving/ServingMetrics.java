package io.tfjmnist.serving;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's counters, rendered in Prometheus's text exposition format (version 0.0.4) for
 * {@code GET /metrics}. Lock-free on the request path: one {@link LongAdder} per series.
 */
public final class ServingMetrics {
  /** Prometheus's content type for the text format. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /** What a request was for: the {@code endpoint} label. */
  public enum Endpoint {
    PREDICT("predict"), MODEL_STATUS("model_status"), METADATA("metadata"), PAGE("page"), METRICS("metrics"),
    HEALTHZ("healthz"), OTHER("other");

    final String label;

    Endpoint(String label) {
      this.label = label;
    }
  }

  private static final double[] LATENCY_BUCKETS =
      {0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10};
  private static final double[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};

  private final String model;
  private final String version;
  private final double loadSeconds;
  private final long startMillis = System.currentTimeMillis();
  private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
  private final Map<Endpoint, Histogram> latency = new ConcurrentHashMap<>();
  private final Histogram batchSize = new Histogram(BATCH_BUCKETS);
  private final Histogram runSeconds = new Histogram(LATENCY_BUCKETS);
  private final LongAdder predictions = new LongAdder();
  private final AtomicInteger inFlight = new AtomicInteger();

  public ServingMetrics(String model, long version, double loadSeconds) {
    this.model = model;
    this.version = Long.toString(version);
    this.loadSeconds = loadSeconds;
  }

  public void started() {
    inFlight.incrementAndGet();
  }

  /** A finished request: its endpoint, HTTP status and time from request line to response sent. */
  public void finished(Endpoint endpoint, int status, long nanos) {
    inFlight.decrementAndGet();
    requests.computeIfAbsent(endpoint.label + "\u0000" + status, k -> new LongAdder()).increment();
    latency.computeIfAbsent(endpoint, e -> new Histogram(LATENCY_BUCKETS)).observe(nanos / 1e9);
  }

  /** One session run of {@code images} images. */
  public void ran(int images, long nanos) {
    batchSize.observe(images);
    runSeconds.observe(nanos / 1e9);
    predictions.add(images);
  }

  public long requestCount(Endpoint endpoint, int status) {
    LongAdder a = requests.get(endpoint.label + "\u0000" + status);
    return a == null ? 0 : a.sum();
  }

  public long predictionCount() {
    return predictions.sum();
  }

  /** The whole exposition. */
  public String render() {
    StringBuilder sb = new StringBuilder(4096);
    String modelLabels = "model=\"" + escape(model) + "\",version=\"" + version + "\"";

    header(sb, "tfj_serving_requests_total", "counter", "HTTP requests answered, by endpoint and status code.");
    Map<String, Long> sorted = new TreeMap<>();
    requests.forEach((k, v) -> sorted.put(k, v.sum()));
    sorted.forEach((k, v) -> {
      int cut = k.indexOf('\u0000');
      sb.append("tfj_serving_requests_total{endpoint=\"").append(k, 0, cut).append("\",code=\"")
          .append(k.substring(cut + 1)).append("\"} ").append(v).append('\n');
    });

    header(sb, "tfj_serving_request_duration_seconds", "histogram",
        "Time from the request's arrival to the last byte of its response, by endpoint.");
    for (Endpoint e : Endpoint.values()) {
      Histogram h = latency.get(e);
      if (h != null) {
        h.render(sb, "tfj_serving_request_duration_seconds", "endpoint=\"" + e.label + "\"");
      }
    }

    header(sb, "tfj_serving_in_flight_requests", "gauge", "Requests being handled now.");
    sb.append("tfj_serving_in_flight_requests ").append(Math.max(0, inFlight.get())).append('\n');

    header(sb, "tfj_serving_predictions_total", "counter", "Images classified.");
    sb.append("tfj_serving_predictions_total{").append(modelLabels).append("} ").append(predictions.sum()).append('\n');

    header(sb, "tfj_serving_batch_size", "histogram",
        "Images per TensorFlow session run (micro-batching merges concurrent requests).");
    batchSize.render(sb, "tfj_serving_batch_size", modelLabels);

    header(sb, "tfj_serving_session_run_seconds", "histogram", "Duration of one TensorFlow session run.");
    runSeconds.render(sb, "tfj_serving_session_run_seconds", modelLabels);

    header(sb, "tfj_serving_model_load_seconds", "gauge",
        "Time to load the model: weights, graph, session and one warm-up run.");
    sb.append("tfj_serving_model_load_seconds{").append(modelLabels).append("} ").append(num(loadSeconds)).append('\n');

    header(sb, "process_start_time_seconds", "gauge", "Start time of the server since the Unix epoch, in seconds.");
    sb.append("process_start_time_seconds ").append(num(startMillis / 1000.0)).append('\n');

    long rss = residentBytes();
    if (rss >= 0) {
      header(sb, "process_resident_memory_bytes", "gauge", "Resident memory (VmRSS of /proc/self/status), in bytes.");
      sb.append("process_resident_memory_bytes ").append(rss).append('\n');
    }
    Runtime rt = Runtime.getRuntime();
    header(sb, "jvm_heap_used_bytes", "gauge", "Java heap in use, in bytes.");
    sb.append("jvm_heap_used_bytes ").append(rt.totalMemory() - rt.freeMemory()).append('\n');
    return sb.toString();
  }

  /** VmRSS of this process in bytes, or -1 where /proc is not there. */
  public static long residentBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          String[] parts = line.substring(6).trim().split("\\s+");
          return Long.parseLong(parts[0]) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  private static void header(StringBuilder sb, String name, String type, String help) {
    sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
    sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  static String num(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return String.format(Locale.ROOT, "%.9g", v).replaceAll("0+$", "").replaceAll("\\.$", "").replace("e+", "e");
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  /** Fixed buckets; cumulative counts are computed when rendered. */
  static final class Histogram {
    private final double[] bounds;
    private final LongAdder[] counts;
    private final DoubleAdder sum = new DoubleAdder();

    Histogram(double[] bounds) {
      this.bounds = bounds;
      this.counts = new LongAdder[bounds.length + 1];
      for (int i = 0; i < counts.length; i++) {
        counts[i] = new LongAdder();
      }
    }

    void observe(double v) {
      int i = 0;
      while (i < bounds.length && v > bounds[i]) {
        i++;
      }
      counts[i].increment();
      sum.add(v);
    }

    void render(StringBuilder sb, String name, String labels) {
      long cumulative = 0;
      String sep = labels.isEmpty() ? "" : ",";
      for (int i = 0; i < counts.length; i++) {
        cumulative += counts[i].sum();
        String le = i < bounds.length ? num(bounds[i]) : "+Inf";
        sb.append(name).append("_bucket{").append(labels).append(sep).append("le=\"").append(le).append("\"} ")
            .append(cumulative).append('\n');
      }
      sb.append(name).append("_sum{").append(labels).append("} ").append(num(sum.sum())).append('\n');
      sb.append(name).append("_count{").append(labels).append("} ").append(cumulative).append('\n');
    }
  }
}
