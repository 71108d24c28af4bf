package io.tfjmnist.serving;

import io.tfjmnist.images.ImageDecoder;
import io.tfjmnist.images.Preprocessing;
import io.tfjmnist.inference.ProbabilityModel;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The model server: TF Serving's REST API, the drawing page, {@code /metrics} and
 * {@code /healthz} for one {@link ServedModel}, on Jetty 12's core HTTP server (no servlet layer).
 *
 * <p>One model (one TF session) serves every request thread; concurrent requests are merged into
 * shared session runs by a {@link MicroBatcher}. Request bodies are read asynchronously, so slow
 * or stalled clients hold only a connection (closed after the idle timeout), never a thread.
 * {@link #close()} is graceful: new requests get 503 while in-flight ones finish (up to the stop
 * timeout), then the batcher drains and the model is closed.
 */
public final class ModelServer implements AutoCloseable {
  static {
    // Jetty logs through SLF4J (jetty-slf4j-impl): keep its start-up chatter out of the CLI's output.
    if (System.getProperty("org.eclipse.jetty.LEVEL") == null) {
      System.setProperty("org.eclipse.jetty.LEVEL", "WARN");
    }
  }

  private final ServedModel model;
  private final ServeConfig config;
  private final Server server;
  private final ServerConnector connector;
  private final MicroBatcher batcher;
  private final ServingMetrics metrics;
  private final ApiHandler api;
  private final GuardedModel guarded;
  private boolean closed;

  private ModelServer(ServedModel model, ServeConfig config) {
    this.model = model;
    this.config = config;
    this.metrics = new ServingMetrics(model.name(), model.version(), model.loadSeconds());
    this.guarded = new GuardedModel(model.model());
    this.batcher = new MicroBatcher(guarded, config.maxBatch(), model.maxBatch(), config.batchRunners(), metrics::ran);

    QueuedThreadPool pool = new QueuedThreadPool(config.maxThreads(), Math.min(8, config.maxThreads()), 60_000);
    pool.setName("serve-http");
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

    Preprocessing pre = config.preprocessing();
    PredictParser.ImageInput images = (bytes, name) -> pre.apply(ImageDecoder.decode(bytes, name)).input();
    api = new ApiHandler(model, config, batcher, metrics, images);
    server.setHandler(new GracefulHandler(api));
    server.setErrorHandler(new JsonErrorHandler());
    server.setStopTimeout(config.stopTimeoutMillis());
    server.setStopAtShutdown(false); // the caller decides (serve installs its own hook that also closes the model)
  }

  /**
   * Starts serving {@code model}; the server owns it from now on and closes it in {@link #close()}
   * (also when starting fails).
   */
  public static ModelServer start(ServedModel model, ServeConfig config) {
    ModelServer s;
    try {
      s = new ModelServer(model, config);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
    try {
      s.server.start();
    } catch (Exception e) {
      s.close();
      boolean inUse = false;
      for (Throwable t = e; t != null; t = t.getCause()) {
        inUse |= t instanceof java.net.BindException;
      }
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new io.tfjmnist.TfjMnistException("Cannot listen on " + config.host() + ":" + config.port() + ": " + why
          + (inUse ? " (is another server using this port? choose another with --port)" : "") + ".", e);
    }
    return s;
  }

  /** The port listened on (the chosen one when the config said 0). */
  public int port() {
    return connector.getLocalPort();
  }

  public String host() {
    return config.host();
  }

  /** {@code http://host:port/}. */
  public URI uri() {
    String h = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
    return URI.create("http://" + h + ":" + port() + "/");
  }

  public ServedModel model() {
    return model;
  }

  public ServingMetrics metrics() {
    return metrics;
  }

  /** Blocks until the server has stopped. */
  public void join() throws InterruptedException {
    server.join();
  }

  /**
   * Graceful stop: refuses new requests (503), lets in-flight ones finish within the stop
   * timeout, stops Jetty, drains the batcher, then closes the model. Safe to call twice and from
   * a shutdown hook; a second caller waits for the first to finish.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    api.shuttingDown();
    try {
      server.stop();
    } catch (Exception e) {
      System.err.println("serve: error while stopping the HTTP server: " + e);
    }
    batcher.close();
    guarded.closeAfterCalls(config.stopTimeoutMillis() + 5_000);
  }

  /**
   * Closes the model only once no call is inside it: a request thread still running when Jetty's
   * stop timeout expired must not find its session freed under it.
   */
  private static final class GuardedModel implements ProbabilityModel {
    private final ProbabilityModel model;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile boolean closed;

    GuardedModel(ProbabilityModel model) {
      this.model = model;
    }

    @Override
    public int inputSize() {
      return model.inputSize();
    }

    @Override
    public float[] probabilities(float[] flat, int count) {
      lock.readLock().lock();
      try {
        if (closed) {
          throw new ApiException(503, "The server is shutting down.");
        }
        return model.probabilities(flat, count);
      } finally {
        lock.readLock().unlock();
      }
    }

    void closeAfterCalls(long waitMillis) {
      boolean locked = false;
      try {
        locked = lock.writeLock().tryLock(waitMillis, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      closed = true;
      if (!locked) {
        System.err.println("serve: a model call did not finish within " + waitMillis + " ms; leaving the model open.");
        return;
      }
      try {
        model.close();
      } finally {
        lock.writeLock().unlock();
      }
    }

    @Override
    public void close() {
      closeAfterCalls(30_000);
    }
  }
}
