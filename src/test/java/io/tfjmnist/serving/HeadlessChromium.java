package io.tfjmnist.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Debian's headless Chromium driven over the Chrome DevTools Protocol (a WebSocket from
 * {@link java.net.http.HttpClient}): real mouse and touch input, JavaScript evaluation,
 * screenshots. Only ever on 127.0.0.1, with a fresh profile that is deleted on close.
 */
final class HeadlessChromium implements AutoCloseable {
  /** What to tell a user whose machine lacks the browser. */
  static final String INSTALL = "apt-get install -y chromium";

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

  /** The Chromium binary: $CHROMIUM, else chromium / chromium-browser / google-chrome on the PATH. */
  static Optional<Path> find() {
    List<String> names = new ArrayList<>();
    String env = System.getenv("CHROMIUM");
    if (env != null && !env.isBlank()) {
      names.add(env);
    }
    names.addAll(List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"));
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    for (String n : names) {
      if (n.contains("/")) {
        Path p = Path.of(n);
        if (Files.isExecutable(p)) {
          return Optional.of(p);
        }
        continue;
      }
      for (String dir : path.split(":")) {
        Path p = Path.of(dir, n);
        if (Files.isExecutable(p) && !Files.isDirectory(p)) {
          return Optional.of(p);
        }
      }
    }
    return Optional.empty();
  }

  static HeadlessChromium launch(Path binary) throws Exception {
    Path profile = Files.createTempDirectory("tfj-chromium-");
    List<String> cmd = List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--no-default-browser-check", "--disable-dev-shm-usage", "--disable-extensions", "--mute-audio",
        "--user-data-dir=" + profile, "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
        "--window-size=900,1000", "about:blank");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(profile.resolve("chromium.log").toFile()).start();
    try {
      return new HeadlessChromium(p, profile);
    } catch (Exception | Error e) {
      p.destroyForcibly();
      deleteTree(profile);
      throw e;
    }
  }

  private HeadlessChromium(Process process, Path profile) throws Exception {
    this.process = process;
    this.profile = profile;
    Path portFile = profile.resolve("DevToolsActivePort");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    int port = -1;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("chromium exited with " + process.exitValue() + ":\n" + log());
      }
      if (Files.exists(portFile)) {
        List<String> lines = Files.readAllLines(portFile);
        if (!lines.isEmpty() && !lines.get(0).isBlank()) {
          port = Integer.parseInt(lines.get(0).trim());
          break;
        }
      }
      Thread.sleep(50);
    }
    if (port < 0) {
      throw new IllegalStateException("chromium did not open its DevTools port within 30 s:\n" + log());
    }
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String wsUrl = null;
    for (int attempt = 0; attempt < 50 && wsUrl == null; attempt++) {
      HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      for (JsonNode t : ServingFixtures.JSON.readTree(list.body())) {
        if ("page".equals(t.path("type").asText())) {
          wsUrl = t.path("webSocketDebuggerUrl").asText();
          break;
        }
      }
      if (wsUrl == null) {
        Thread.sleep(100);
      }
    }
    if (wsUrl == null) {
      throw new IllegalStateException("chromium has no page target");
    }
    socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
        .buildAsync(URI.create(wsUrl), new Listener()).get(10, TimeUnit.SECONDS);
  }

  String log() {
    try {
      return Files.readString(profile.resolve("chromium.log"));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder text = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        String message = text.toString();
        text.setLength(0);
        try {
          JsonNode m = ServingFixtures.JSON.readTree(message);
          if (m.has("id")) {
            CompletableFuture<JsonNode> f = pending.remove(m.get("id").asInt());
            if (f != null) {
              f.complete(m);
            }
          }
        } catch (IOException e) {
          // not JSON: ignore
        }
      }
      ws.request(1);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      pending.values().forEach(f -> f.completeExceptionally(error));
    }
  }

  /** Sends a CDP command and returns its {@code result}; a CDP error fails. */
  JsonNode call(String method, ObjectNode params) throws Exception {
    int id = ids.incrementAndGet();
    ObjectNode msg = ServingFixtures.JSON.createObjectNode();
    msg.put("id", id);
    msg.put("method", method);
    msg.set("params", params == null ? ServingFixtures.JSON.createObjectNode() : params);
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    pending.put(id, reply);
    socket.sendText(ServingFixtures.JSON.writeValueAsString(msg), true).get(10, TimeUnit.SECONDS);
    JsonNode r = reply.get(20, TimeUnit.SECONDS);
    if (r.has("error")) {
      throw new IllegalStateException(method + " failed: " + r.get("error"));
    }
    return r.path("result");
  }

  static ObjectNode params() {
    return ServingFixtures.JSON.createObjectNode();
  }

  /** Evaluates JavaScript in the page (awaiting promises) and returns its JSON value. */
  JsonNode eval(String expression) throws Exception {
    JsonNode r = call("Runtime.evaluate", params().put("expression", expression).put("returnByValue", true)
        .put("awaitPromise", true));
    if (r.has("exceptionDetails")) {
      throw new IllegalStateException("JavaScript failed: " + expression + "\n" + r.get("exceptionDetails"));
    }
    return r.path("result").path("value");
  }

  void navigate(String url) throws Exception {
    call("Page.navigate", params().put("url", url));
  }

  /** Polls {@code condition} every 50 ms until it holds; fails after {@code seconds}. */
  static void await(String what, double seconds, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + seconds + " s waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  /** A mouse stroke along the points (CSS pixels of the viewport), button held. */
  void mouseStroke(double[][] points) throws Exception {
    mouse("mousePressed", points[0], 1);
    for (int i = 1; i < points.length; i++) {
      mouse("mouseMoved", points[i], 1);
    }
    mouse("mouseReleased", points[points.length - 1], 0);
  }

  void click(double x, double y) throws Exception {
    mouse("mouseMoved", new double[] {x, y}, 0);
    mouse("mousePressed", new double[] {x, y}, 1);
    mouse("mouseReleased", new double[] {x, y}, 0);
  }

  private void mouse(String type, double[] p, int buttons) throws Exception {
    ObjectNode params = params().put("type", type).put("x", p[0]).put("y", p[1]).put("button", "left")
        .put("buttons", buttons).put("clickCount", 1);
    if (type.equals("mouseMoved") && buttons == 0) {
      params.put("button", "none");
    }
    call("Input.dispatchMouseEvent", params);
  }

  /** A one-finger touch stroke along the points. */
  void touchStroke(double[][] points) throws Exception {
    touch("touchStart", points[0]);
    for (int i = 1; i < points.length; i++) {
      touch("touchMove", points[i]);
    }
    ObjectNode end = params().put("type", "touchEnd");
    end.putArray("touchPoints");
    call("Input.dispatchTouchEvent", end);
  }

  private void touch(String type, double[] p) throws Exception {
    ObjectNode params = params().put("type", type);
    params.putArray("touchPoints").addObject().put("x", p[0]).put("y", p[1]).put("id", 1);
    call("Input.dispatchTouchEvent", params);
  }

  /** Saves a PNG screenshot of the page. */
  void screenshot(Path file) throws Exception {
    JsonNode r = call("Page.captureScreenshot", params().put("format", "png"));
    Files.createDirectories(file.getParent());
    Files.write(file, java.util.Base64.getDecoder().decode(r.get("data").asText()));
  }

  @Override
  public void close() {
    try {
      if (socket != null) {
        call("Browser.close", null);
      }
    } catch (Exception ignored) {
      // closing anyway
    }
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    deleteTree(profile);
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort
    }
  }
}
