package io.tfjmnist.serving;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.images.decoding.ImageDecoder;
import io.tfjmnist.images.preprocessing.Preprocessing;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model server: TF Serving's REST API, the drawing page, {@code /metrics} and
 * {@code /healthz} for one model's versions ({@link ModelVersions}), on Jetty 12's core HTTP server
 * (no servlet layer), and, on its own port when configured, TF Serving's gRPC API ({@link GrpcDoor})
 * sharing the same micro-batchers and decode budget.
 *
 * <p>Each served version (one TF session) serves every request thread that asks for it; concurrent
 * requests are merged into shared session runs by the version's {@link MicroBatcher}. Request bodies are read asynchronously, so slow
 * or stalled clients hold only a connection, never a thread; a {@link ConnectionGuard} closes the
 * connections whose request does not arrive in time, and the slowest ones when connections run
 * short. A {@link DecodeBudget} bounds what {@code b64} images may cost. {@link #close()} is
 * graceful: new requests get 503 while in-flight ones finish (up to the stop timeout), those still
 * running then get 503 too, and the model is closed once no call is inside it.
 */
public final class ModelServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelServer.class);
  /** How long Jetty gets to close its connections once every request has been answered. */
  private static final long JETTY_STOP_MILLIS = 2_000;
  /** How long a model call already running at the stop timeout gets to finish (one chunk of images). */
  private static final long MODEL_CALL_GRACE_MILLIS = 5_000;

  static {
    // Jetty logs through SLF4J (jetty-slf4j-impl): keep its start-up chatter out of the CLI's output.
    if (System.getProperty("org.eclipse.jetty.LEVEL") == null) {
      System.setProperty("org.eclipse.jetty.LEVEL", "WARN");
    }
  }

  private final ModelVersions versions;
  private final ServeConfig config;
  private final Server server;
  private final ServerConnector connector;
  private final ServingMetrics metrics;
  private final ApiHandler api;
  private final ConnectionGuard connections;
  private final DecodeBudget decoding;
  private GrpcDoor grpc;
  private boolean closed;

  private ModelServer(ModelVersions versions, ServeConfig config) {
    this.versions = versions;
    this.config = config;
    this.metrics = new ServingMetrics(versions.name());
    versions.open(ServableVersion.measured(config, metrics));

    QueuedThreadPool pool = new QueuedThreadPool(config.maxThreads(), Math.min(8, config.maxThreads()), 60_000);
    pool.setName("serve-http");
    pool.setStopTimeout(JETTY_STOP_MILLIS);
    server = new Server(pool);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost(config.host());
    connector.setPort(config.port());
    connector.setIdleTimeout(config.idleTimeoutMillis());
    connector.setReuseAddress(true);
    server.addConnector(connector);
    server.addBean(new NetworkConnectionLimit(config.maxConnections(), connector));
    connections = new ConnectionGuard(config.requestTimeoutMillis(), config.maxConnections());
    connector.addBean(connections);

    Preprocessing pre = config.preprocessing();
    decoding = new DecodeBudget((bytes, name) -> pre.apply(ImageDecoder.decode(bytes, name)).input(),
        config.maxImagePixels(), config.maxRequestPixels(), Runtime.getRuntime().maxMemory(),
        Runtime.getRuntime().availableProcessors(), config.inferenceTimeoutMillis(), metrics::decoded);
    if (decoding.effectiveImagePixels() < config.maxImagePixels()) {
      LOG.warn("The Java heap ({} MB) lets images be decoded up to {} only (the limit is {}); raise -Xmx to accept"
          + " larger ones.", Runtime.getRuntime().maxMemory() >> 20, DecodeBudget.megapixels(decoding.effectiveImagePixels()),
          DecodeBudget.megapixels(config.maxImagePixels()));
    }
    api = new ApiHandler(versions, config, metrics, decoding);
    server.setHandler(new GracefulHandler(api));
    server.setErrorHandler(new JsonErrorHandler(metrics));
    server.setStopTimeout(JETTY_STOP_MILLIS);
    server.setStopAtShutdown(false); // the caller decides (serve installs its own hook that also closes the model)
  }

  /**
   * Starts serving {@code model}; the server owns it from now on and closes it in {@link #close()}
   * (also when starting fails).
   */
  public static ModelServer start(ServedModel model, ServeConfig config) {
    return start(ModelVersions.of(model), config, 0);
  }

  /**
   * Starts serving {@code versions}: loads those its policy wants (throws with their errors when
   * none loads), and, with {@code pollMillis > 0}, watches its base path that often. The server owns
   * the versions from now on and closes them in {@link #close()} (also when starting fails).
   */
  public static ModelServer start(ModelVersions versions, ServeConfig config, long pollMillis) {
    ModelServer s;
    try {
      s = new ModelServer(versions, config);
    } catch (RuntimeException e) {
      versions.stop(MODEL_CALL_GRACE_MILLIS);
      throw e;
    }
    try {
      s.server.start();
      if (config.grpcPort() >= 0) {
        s.grpc = GrpcDoor.start(config, new PredictionGrpcService(versions, config, s.decoding, s.api::cutOff),
            new ModelStatusGrpcService(versions));
      }
      versions.startPolling(pollMillis);
    } catch (TfjMnistException e) {
      s.close();
      throw e;
    } catch (Exception e) {
      s.close();
      boolean inUse = false;
      for (Throwable t = e; t != null; t = t.getCause()) {
        inUse |= t instanceof java.net.BindException;
      }
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new TfjMnistException("Cannot listen on " + config.host() + ":" + config.port() + ": " + why
          + (inUse ? " (is another server using this port? choose another port)" : "") + ".", e);
    }
    return s;
  }

  /** The port listened on (the chosen one when the config said 0). */
  public int port() {
    return connector.getLocalPort();
  }

  /** The gRPC port listened on (the chosen one when the config said 0); -1 when gRPC is off. */
  public int grpcPort() {
    return grpc == null ? -1 : grpc.port();
  }

  public String host() {
    return config.host();
  }

  /** {@code http://host:port/}. */
  public URI uri() {
    String h = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
    return URI.create("http://" + h + ":" + port() + "/");
  }

  /** The highest available version's model (null while none is). */
  public ServedModel model() {
    return versions.latest();
  }

  /** The served model's versions and their states. */
  public ModelVersions versions() {
    return versions;
  }

  public ServingMetrics metrics() {
    return metrics;
  }

  /** Blocks until the server has stopped. */
  public void join() throws InterruptedException {
    server.join();
  }

  /** Connections closed because their request did not arrive within the request timeout. */
  public long connectionsTimedOut() {
    return connections.timedOut();
  }

  /** Connections closed to make room when connections ran short. */
  public long connectionsEvicted() {
    return connections.evicted();
  }

  /**
   * Graceful stop, bounded by the stop timeout plus a few seconds: new requests are answered 503
   * (the port stays open meanwhile), in-flight ones get up to the stop timeout to finish, those
   * still running are then answered 503 and no new model call starts; once the calls already
   * running are done (at most one chunk of images each), Jetty stops and the model is closed. Safe to
   * call twice and from a shutdown hook; a second caller waits for the first to finish.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    api.shuttingDown();
    if (grpc != null) {
      grpc.shutdown();
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.stopTimeoutMillis());
    try {
      if (server.isStarted() && !api.awaitIdle(config.stopTimeoutMillis())) {
        int cut = api.answerRemaining();
        LOG.warn("{} request(s) did not finish within the stop timeout of {} ms; they were answered 503.", cut,
            config.stopTimeoutMillis());
      }
      if (grpc != null && !grpc.awaitCalls(Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())))) {
        LOG.warn("gRPC calls did not finish within the stop timeout of {} ms; they were cancelled.",
            config.stopTimeoutMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      api.answerRemaining();
    }
    boolean idle = versions.stop(MODEL_CALL_GRACE_MILLIS);
    try {
      server.stop();
    } catch (Exception e) {
      LOG.warn("Error while stopping the HTTP server: {}", e.toString());
    }
    if (!idle) {
      LOG.warn("A model call did not finish within {} ms of the stop timeout; the model is left open.",
          MODEL_CALL_GRACE_MILLIS);
    }
  }
}
