package io.tfjmnist.serving;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.tfjmnist.TfjMnistException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * TF Serving's gRPC API ({@code PredictionService}, {@code ModelService}) on its own port, beside
 * the REST server, with the REST server's limits: the largest message is the largest REST body,
 * each connection runs at most as many calls at once as there are request threads, predicts run
 * on a pool of that many threads, a connection must finish its handshake within the request
 * timeout and is closed after the idle timeout.
 *
 * <p>The server has no executor of its own ({@code directExecutor}): a call's transport events and
 * the service methods run on Netty's event loop, and only Predict's blocking work moves to the pool
 * ({@link PredictionGrpcService#runPredictsOn}), once per call. The services' other methods must
 * not block.
 */
final class GrpcDoor {
  private static final Context.Key<String> CLIENT = Context.key("tfjmnist-client");

  private final Server server;
  private final ExecutorService calls;
  private final EventLoopGroup loops;
  private final EventLoopGroup boss;

  private GrpcDoor(Server server, ExecutorService calls, EventLoopGroup loops, EventLoopGroup boss) {
    this.server = server;
    this.calls = calls;
    this.loops = loops;
    this.boss = boss;
  }

  /** Listens on {@code config.grpcPort()} (0: a free port); throws with a clear sentence when it cannot. */
  static GrpcDoor start(ServeConfig config, PredictionGrpcService predictions, ModelStatusGrpcService status) {
    ExecutorService calls = Executors.newFixedThreadPool(config.maxThreads(), named("serve-grpc"));
    InetSocketAddress at;
    try {
      at = new InetSocketAddress(InetAddress.getByName(config.host()), config.grpcPort());
    } catch (IOException e) {
      calls.shutdown();
      throw new TfjMnistException("Cannot resolve host " + config.host() + ": " + e.getMessage(), e);
    }
    predictions.runPredictsOn(calls);
    // One event loop per connection, up to the request threads (Netty hands connections to its loops
    // in turn), as Jetty's REST door gives each busy connection a thread: a predict alone on its loop
    // then runs there, waiting in the batcher beside the others, with no hand-off to the call pool
    // (PredictionGrpcService#predict). gRPC's default shares 2 loops per core among all connections.
    boolean epoll = Epoll.isAvailable();
    EventLoopGroup loops = epoll ? new EpollEventLoopGroup(config.maxThreads(), named("serve-grpc-loop"))
        : new NioEventLoopGroup(config.maxThreads(), named("serve-grpc-loop"));
    EventLoopGroup boss = epoll ? new EpollEventLoopGroup(1, named("serve-grpc-accept"))
        : new NioEventLoopGroup(1, named("serve-grpc-accept"));
    Server server = NettyServerBuilder.forAddress(at)
        .bossEventLoopGroup(boss)
        .workerEventLoopGroup(loops)
        .channelType(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
        .directExecutor()
        .maxInboundMessageSize((int) config.maxBodyBytes())
        .maxInboundMetadataSize(64 * 1024)
        .maxConcurrentCallsPerConnection(config.maxThreads())
        .handshakeTimeout(config.requestTimeoutMillis(), TimeUnit.MILLISECONDS)
        .maxConnectionIdle(config.idleTimeoutMillis(), TimeUnit.MILLISECONDS)
        .addService(ServerInterceptors.intercept(predictions, new RemoteAddress()))
        .addService(ServerInterceptors.intercept(status, new RemoteAddress()))
        .build();
    try {
      server.start();
    } catch (IOException e) {
      server.shutdownNow();
      calls.shutdownNow();
      loops.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw new TfjMnistException("Cannot listen for gRPC on " + config.host() + ":" + config.grpcPort() + ": "
          + e.getMessage() + " (is another server using this port? choose another gRPC port).", e);
    }
    return new GrpcDoor(server, calls, loops, boss);
  }

  int port() {
    return server.getPort();
  }

  /** New calls are refused (UNAVAILABLE) from now on; calls in flight go on. */
  void shutdown() {
    server.shutdown();
  }

  /** Waits up to {@code millis} for calls in flight, cancels those left, and frees the threads; whether none was left. */
  boolean awaitCalls(long millis) throws InterruptedException {
    boolean done = server.awaitTermination(millis, TimeUnit.MILLISECONDS);
    if (!done) {
      server.shutdownNow();
      server.awaitTermination(2, TimeUnit.SECONDS);
    }
    calls.shutdown();
    loops.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    return done;
  }

  /** Who sent the current call (its remote address), for the decode budget's fair shares. */
  static String clientOf(Context call) {
    String c = CLIENT.get(call);
    return c == null ? "grpc" : c;
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Puts the peer's IP address in the call's context. */
  private static final class RemoteAddress implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
        ServerCallHandler<Q, R> next) {
      SocketAddress a = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
      String client = a instanceof InetSocketAddress i && i.getAddress() != null ? i.getAddress().getHostAddress()
          : String.valueOf(a);
      return Contexts.interceptCall(Context.current().withValue(CLIENT, client), call, headers, next);
    }
  }
}
