package io.tfjmnist.serving;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server's metrics for {@code GET /metrics}, kept in a Prometheus Java client registry of its
 * own (not the global one: two servers in one JVM, as in tests, do not mix their counts) and
 * written in Prometheus's text format (version 0.0.4). Series are looked up once and cached, so
 * the request path only increments.
 */
public final class ServingMetrics {
  /** Prometheus's content type for the text format. */
  public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

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
  private static final PrometheusTextFormatWriter TEXT = PrometheusTextFormatWriter.create();

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final String model;
  private final Counter requests;
  private final Histogram latency;
  private final Gauge inFlight;
  private final Counter predictions;
  private final Counter decoded;
  private final Histogram batchSize;
  private final Histogram runSeconds;
  private final Gauge loadSeconds;
  private final Gauge policyInfo;
  private final Gauge probeSeconds;
  private final Map<Long, String[]> policyLabels = new ConcurrentHashMap<>();
  private final Map<Endpoint, Map<Integer, CounterDataPoint>> requestSeries = new EnumMap<>(Endpoint.class);
  private final Map<Endpoint, DistributionDataPoint> latencySeries = new ConcurrentHashMap<>();

  /**
   * The metrics of a server of {@code model}; each version's series appear with
   * {@link #versionLoaded} and go with {@link #versionUnloaded}.
   */
  public ServingMetrics(String model) {
    this.model = model;
    requests = Counter.builder().name("tfj_serving_requests_total")
        .help("HTTP requests answered, by endpoint and status code.")
        .labelNames("endpoint", "code").withoutExemplars().register(registry);
    latency = Histogram.builder().name("tfj_serving_request_duration_seconds")
        .help("Time from the request's arrival to the last byte of its response, by endpoint.")
        .labelNames("endpoint").classicOnly().classicUpperBounds(LATENCY_BUCKETS).withoutExemplars().register(registry);
    inFlight = Gauge.builder().name("tfj_serving_in_flight_requests").help("Requests being handled now.")
        .withoutExemplars().register(registry);
    predictions = Counter.builder().name("tfj_serving_predictions_total").help("Images classified, by the version that ran them.")
        .labelNames("model", "version").withoutExemplars().register(registry);
    decoded = Counter.builder().name("tfj_serving_decoded_images_total")
        .help("b64 images decoded (each after its pixel limits were checked).").withoutExemplars().register(registry);
    batchSize = Histogram.builder().name("tfj_serving_batch_size")
        .help("Images per TensorFlow session run (micro-batching merges concurrent requests).")
        .labelNames("model", "version").classicOnly().classicUpperBounds(BATCH_BUCKETS).withoutExemplars()
        .register(registry);
    runSeconds = Histogram.builder().name("tfj_serving_session_run_seconds")
        .help("Duration of one TensorFlow session run.")
        .labelNames("model", "version").classicOnly().classicUpperBounds(LATENCY_BUCKETS).withoutExemplars()
        .register(registry);
    loadSeconds = Gauge.builder().name("tfj_serving_model_load_seconds")
        .help("Time to load the model: weights, graph, session and one warm-up run.")
        .labelNames("model", "version").withoutExemplars().register(registry);
    // which batch policy the load-time measurement chose, and why (as Prometheus "info" metrics carry text)
    policyInfo = Gauge.builder().name("tfj_serving_batch_policy_info")
        .help("The batch policy chosen at load: how session runs are sized, and why.")
        .labelNames("model", "version", "policy", "pad_to", "max_rows", "exact", "reason").withoutExemplars()
        .register(registry);
    probeSeconds = Gauge.builder().name("tfj_serving_batch_policy_probe_seconds")
        .help("Seconds the load-time measurement of the batch policy took.")
        .labelNames("model", "version").withoutExemplars().register(registry);
    double start = System.currentTimeMillis() / 1000.0;
    GaugeWithCallback.builder().name("process_start_time_seconds")
        .help("Start time of the server since the Unix epoch, in seconds.")
        .callback(cb -> cb.call(start)).register(registry);
    GaugeWithCallback.builder().name("process_resident_memory_bytes")
        .help("Resident memory (VmRSS of /proc/self/status), in bytes.")
        .callback(cb -> {
          long rss = residentBytes();
          if (rss >= 0) {
            cb.call(rss);
          }
        }).register(registry);
    GaugeWithCallback.builder().name("jvm_heap_used_bytes").help("Java heap in use, in bytes.")
        .callback(cb -> cb.call(Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()))
        .register(registry);
    for (Endpoint e : Endpoint.values()) {
      requestSeries.put(e, new ConcurrentHashMap<>());
    }
  }

  public void started() {
    inFlight.inc();
  }

  /** A finished request: its endpoint, HTTP status and time from request line to response sent. */
  public void finished(Endpoint endpoint, int status, long nanos) {
    inFlight.dec();
    requestSeries.get(endpoint).computeIfAbsent(status, s -> requests.labelValues(endpoint.label, Integer.toString(s)))
        .inc();
    latencySeries.computeIfAbsent(endpoint, e -> latency.labelValues(e.label)).observe(nanos / 1e9);
  }

  /** A request Jetty refused before any handler saw it (a malformed request, headers too large). */
  public void refused(int status) {
    requestSeries.get(Endpoint.OTHER).computeIfAbsent(status,
        s -> requests.labelValues(Endpoint.OTHER.label, Integer.toString(s))).inc();
  }

  /**
   * A version came into service: its series (load time, batch policy, and zero predictions) appear
   * under its {@code version} label; its session runs go to what this returns.
   */
  public MicroBatcher.RunListener versionLoaded(ServedModel served) {
    String v = Long.toString(served.version());
    BatchPolicy policy = served.policy();
    String[] policyValues = {model, v, policy.kind().label(), Integer.toString(policy.padTo()),
        Integer.toString(policy.maxRows()), Boolean.toString(policy.exact()), policy.reason()};
    policyLabels.put(served.version(), policyValues);
    loadSeconds.labelValues(model, v).set(served.loadSeconds());
    policyInfo.labelValues(policyValues).set(1);
    probeSeconds.labelValues(model, v).set(policy.probeSeconds());
    // looked up once here, so that a run only increments
    CounterDataPoint images = predictions.labelValues(model, v);
    DistributionDataPoint sizes = batchSize.labelValues(model, v);
    DistributionDataPoint seconds = runSeconds.labelValues(model, v);
    return (count, nanos) -> {
      sizes.observe(count);
      seconds.observe(nanos / 1e9);
      images.inc(count);
    };
  }

  /**
   * A version's session was closed (its state is END): its series go, as TF Serving's monitoring
   * lists only the servables it holds; its runs were all counted before (the last request ended).
   */
  public void versionUnloaded(long version) {
    String v = Long.toString(version);
    predictions.remove(model, v);
    batchSize.remove(model, v);
    runSeconds.remove(model, v);
    loadSeconds.remove(model, v);
    probeSeconds.remove(model, v);
    String[] policyValues = policyLabels.remove(version);
    if (policyValues != null) {
      policyInfo.remove(policyValues);
    }
  }

  /** One {@code b64} image decoded. */
  public void decoded() {
    decoded.inc();
  }

  public long decodedCount() {
    return decoded.getLongValue();
  }

  public long requestCount(Endpoint endpoint, int status) {
    CounterDataPoint c = requestSeries.get(endpoint).get(status);
    return c == null ? 0 : c.getLongValue();
  }

  /** Images version {@code version} classified (0 when it is not in service). */
  public long predictionCount(long version) {
    String v = Long.toString(version);
    return predictions.collect().getDataPoints().stream()
        .filter(p -> p.getLabels().get("version").equals(v)).mapToLong(p -> (long) p.getValue()).sum();
  }

  /** The whole exposition in the text format. */
  public byte[] render() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    try {
      TEXT.write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
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
}
