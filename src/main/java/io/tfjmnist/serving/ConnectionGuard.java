package io.tfjmnist.serving;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.component.AbstractLifeCycle;

/**
 * Keeps slow, silent or dripping clients from holding the server's connections, which Jetty's
 * idle timeout alone does not: a client that sends one byte every few seconds is never idle.
 *
 * <ul>
 *   <li><b>Request deadline.</b> A request must arrive whole, headers and body, within
 *       {@code requestTimeout} of its first byte (of the connection's opening, for its first
 *       request); otherwise its connection is closed. Time spent answering does not count, nor
 *       does a kept-alive connection waiting for its next request (the idle timeout covers that).
 *   <li><b>Eviction under pressure.</b> Once the open connections reach {@code evictAbove} (90 %
 *       of the connection limit), the connections that have been receiving a request, or idling
 *       between requests, the longest are closed until 80 % remain. A new client's request is the
 *       youngest, so it is served while the slowest clients make room for it. Connections whose
 *       request is being answered are never closed.
 * </ul>
 *
 * <p>The state of a connection is read from Jetty's HTTP/1.1 parser every {@value #SWEEP_MILLIS}
 * ms (and at once when a connection opens above the threshold): the deadline is enforced to within
 * that period. Jetty 12.1 has no header-read timeout of its own ({@code HttpConfiguration} has only
 * the idle timeout and a minimum body data rate), hence this class; it uses Jetty's
 * {@code internal.HttpConnection} for the parser, the only place that knows whether a request is
 * still arriving.
 */
final class ConnectionGuard extends AbstractLifeCycle implements Connection.Listener {
  static final long SWEEP_MILLIS = 200;

  private enum Phase { RECEIVING, IDLE, ANSWERING }

  private static final class Watch {
    Phase phase = Phase.RECEIVING;
    long since = System.nanoTime();
    long messages;
  }

  private final long deadlineNanos;
  private final int evictAbove;
  private final int evictDownTo;
  private final Map<Connection, Watch> open = new ConcurrentHashMap<>();
  private final AtomicBoolean sweepQueued = new AtomicBoolean();
  private final LongAdder timedOut = new LongAdder();
  private final LongAdder evicted = new LongAdder();
  private ScheduledExecutorService scheduler;

  /**
   * @param requestTimeoutMillis time a request gets to arrive whole
   * @param maxConnections the connection limit eviction keeps clear of
   */
  ConnectionGuard(long requestTimeoutMillis, int maxConnections) {
    this.deadlineNanos = TimeUnit.MILLISECONDS.toNanos(requestTimeoutMillis);
    this.evictAbove = Math.max(1, maxConnections * 9 / 10);
    this.evictDownTo = Math.max(1, maxConnections * 8 / 10);
  }

  @Override
  protected void doStart() {
    ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "serve-connection-guard");
      t.setDaemon(true);
      return t;
    });
    s.setRemoveOnCancelPolicy(true);
    s.scheduleWithFixedDelay(this::sweep, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
    scheduler = s;
  }

  @Override
  protected void doStop() {
    scheduler.shutdownNow();
  }

  @Override
  public void onOpened(Connection connection) {
    open.put(connection, new Watch());
    if (open.size() >= evictAbove && sweepQueued.compareAndSet(false, true)) {
      ScheduledExecutorService s = scheduler;
      if (s != null && !s.isShutdown()) {
        s.execute(() -> {
          sweepQueued.set(false);
          sweep();
        });
      }
    }
  }

  @Override
  public void onClosed(Connection connection) {
    open.remove(connection);
  }

  /** Connections closed because their request did not arrive in time. */
  long timedOut() {
    return timedOut.sum();
  }

  /** Connections closed to make room for others. */
  long evicted() {
    return evicted.sum();
  }

  private synchronized void sweep() {
    long now = System.nanoTime();
    List<Map.Entry<Connection, Watch>> evictable = new ArrayList<>();
    for (Map.Entry<Connection, Watch> e : open.entrySet()) {
      if (!(e.getKey() instanceof HttpConnection http)) {
        continue;
      }
      Watch w = e.getValue();
      long messages = http.getMessagesIn();
      Phase phase = phase(http.getParser().getState(), messages);
      if (phase != w.phase || messages != w.messages) {
        w.phase = phase;
        w.since = now;
        w.messages = messages;
      }
      if (phase == Phase.RECEIVING && now - w.since > deadlineNanos) {
        timedOut.increment();
        http.getEndPoint().close();
      } else if (phase != Phase.ANSWERING) {
        evictable.add(e);
      }
    }
    int excess = open.size() - evictDownTo;
    if (open.size() < evictAbove || excess <= 0) {
      return;
    }
    evictable.sort(Comparator.comparingLong(e -> e.getValue().since));
    for (int i = 0; i < Math.min(excess, evictable.size()); i++) {
      evicted.increment();
      evictable.get(i).getKey().getEndPoint().close();
    }
  }

  private static Phase phase(HttpParser.State state, long messages) {
    return switch (state) {
      case START -> messages == 0 ? Phase.RECEIVING : Phase.IDLE;
      case END, CLOSE, CLOSED -> Phase.ANSWERING;
      default -> Phase.RECEIVING; // request line, headers, or a body still arriving
    };
  }
}
