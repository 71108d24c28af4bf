package io.tfjmnist.serving.bench;

import io.tfjmnist.keras.WeightsCheckpoint;
import io.tfjmnist.cli.ServeCommand;
import io.tfjmnist.data.Dataset;
import io.tfjmnist.data.DatasetLocator;
import io.tfjmnist.data.DatasetName;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;

/**
 * Helpers for {@code scripts/bench-serve} (a benchmark, not a test):
 *
 * <ul>
 *   <li>{@code weights PREFIX}: a Glorot-initialised checkpoint of the quickstart CNN (speed does not
 *       depend on the values);
 *   <li>{@code request OUT [DATA_DIR]}: a {@code :predict} body with one 28x28 instance (MNIST
 *       test image #0 when the data is found);
 *   <li>{@code serve ARGS...}: the {@code serve} command, for builds whose {@code Main} does not
 *       list it;
 *   <li>{@code load URL BODY_FILE CLIENTS SECONDS}: a closed-loop load generator for machines
 *       without {@code wrk}: each client keeps one HTTP/1.1 connection and sends the next request
 *       when the previous answer arrived; prints requests/s and latency percentiles.
 * </ul>
 */
public final class ServeBench {
  private ServeBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      usage();
    }
    switch (args[0]) {
      case "weights" -> {
        Path prefix = Path.of(args[1]);
        WeightsCheckpoint.save(prefix, ModelWeights.glorotUniform(ModelArchitecture.quickstartCnn(), 42), null, null);
        System.out.println("wrote random weights to " + prefix);
      }
      case "request" -> request(Path.of(args[1]), args.length > 2 ? Path.of(args[2]) : null);
      case "serve" -> System.exit(new CommandLine(new ServeCommand()).execute(Arrays.copyOfRange(args, 1, args.length)));
      case "load" -> load(URI.create(args[1]), Files.readAllBytes(Path.of(args[2])), Integer.parseInt(args[3]),
          Double.parseDouble(args[4]));
      default -> usage();
    }
  }

  private static void usage() {
    System.err.println("usage: ServeBench weights PREFIX | request OUT [DATA_DIR] | serve ARGS... | load URL BODY CLIENTS SECONDS");
    System.exit(2);
  }

  private static void request(Path out, Path dataDir) throws IOException {
    float[] x = new float[784];
    String what;
    try {
      Dataset test = DatasetLocator.fromEnvironment(dataDir).offline().load(DatasetName.MNIST).test();
      for (int i = 0; i < 784; i++) {
        x[i] = test.pixel(0, i / 28, i % 28) / 255f;
      }
      what = "MNIST test image #0 (a 7)";
    } catch (RuntimeException e) {
      for (int r = 5; r < 23; r++) { // no data: a synthetic vertical stroke
        x[r * 28 + 13] = 1f;
        x[r * 28 + 14] = 0.6f;
      }
      what = "a synthetic stroke (MNIST data not found: " + e.getMessage() + ")";
    }
    StringBuilder sb = new StringBuilder("{\"instances\": [[");
    for (int r = 0; r < 28; r++) {
      sb.append(r == 0 ? "[" : ", [");
      for (int c = 0; c < 28; c++) {
        float v = x[r * 28 + c];
        sb.append(c == 0 ? "" : ", ").append(v == 0 ? "0" : String.format(Locale.ROOT, "%.4f", v));
      }
      sb.append(']');
    }
    sb.append("]]}");
    Files.writeString(out, sb.toString());
    System.out.println("request body: one 28x28 instance, " + what + ", " + sb.length() + " bytes");
  }

  private static void load(URI url, byte[] body, int clients, double seconds) throws Exception {
    String host = url.getHost();
    int port = url.getPort();
    byte[] head = ("POST " + url.getRawPath() + " HTTP/1.1\r\nHost: " + host + ":" + port
        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
    byte[] request = new byte[head.length + body.length];
    System.arraycopy(head, 0, request, 0, head.length);
    System.arraycopy(body, 0, request, head.length, body.length);

    long end = System.nanoTime() + (long) (seconds * 1e9);
    AtomicLong errors = new AtomicLong();
    List<long[]> perClient = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    int[] counts = new int[clients];
    for (int c = 0; c < clients; c++) {
      long[] lat = new long[4_000_000 / clients + 1000];
      perClient.add(lat);
      int id = c;
      Thread t = new Thread(() -> {
        int n = 0;
        try (Socket s = new Socket()) {
          s.setTcpNoDelay(true);
          s.connect(new InetSocketAddress(host, port), 5000);
          s.setSoTimeout(30_000);
          OutputStream o = s.getOutputStream();
          InputStream in = new java.io.BufferedInputStream(s.getInputStream(), 65536);
          byte[] buf = new byte[65536];
          while (System.nanoTime() < end && n < lat.length) {
            long t0 = System.nanoTime();
            o.write(request);
            o.flush();
            int status = readResponse(in, buf);
            lat[n++] = System.nanoTime() - t0;
            if (status != 200) {
              errors.incrementAndGet();
            }
          }
        } catch (IOException e) {
          errors.incrementAndGet();
        }
        counts[id] = n;
      }, "load-" + c);
      threads.add(t);
    }
    long start = System.nanoTime();
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    print((System.nanoTime() - start) / 1e9, perClient, counts, errors.get());
  }

  /** The line both load generators print: requests, seconds, requests/s, p50 and p99 latency, errors. */
  static void print(double elapsed, List<long[]> perClient, int[] counts, long errors) {
    int total = Arrays.stream(counts).sum();
    long[] all = new long[total];
    int at = 0;
    for (int c = 0; c < counts.length; c++) {
      System.arraycopy(perClient.get(c), 0, all, at, counts[c]);
      at += counts[c];
    }
    Arrays.sort(all);
    System.out.printf(Locale.ROOT, "requests=%d seconds=%.2f rps=%.1f p50_ms=%.3f p99_ms=%.3f errors=%d%n", total, elapsed,
        total / elapsed, pct(all, 0.50), pct(all, 0.99), errors);
  }

  private static double pct(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
  }

  /** Reads one HTTP/1.1 response with a Content-Length; returns its status. */
  private static int readResponse(InputStream in, byte[] buf) throws IOException {
    ByteArrayOutputStream headers = new ByteArrayOutputStream(256);
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed");
      }
      headers.write(b);
      matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
          ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    String h = headers.toString(StandardCharsets.ISO_8859_1);
    int status = Integer.parseInt(h.substring(9, 12));
    int length = 0;
    for (String line : h.split("\r\n")) {
      if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    while (length > 0) {
      int n = in.read(buf, 0, Math.min(buf.length, length));
      if (n < 0) {
        throw new IOException("connection closed");
      }
      length -= n;
    }
    return status;
  }
}
