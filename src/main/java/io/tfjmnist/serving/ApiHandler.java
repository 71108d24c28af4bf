package io.tfjmnist.serving;

import io.tfjmnist.serving.ServingMetrics.Endpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes and answers every request: TF Serving's REST API under {@code /v1/models/}, the drawing
 * page, {@code /metrics} and {@code /healthz}. Request bodies are read without blocking (a slow
 * client holds a connection, not a thread); the model runs on the thread that completed the body.
 * Every failure becomes {@code {"error": "..."}} with a 4xx/5xx status, never a stack trace.
 *
 * <p>Each request is answered exactly once: its {@link Exchange} is claimed by whoever answers
 * first, the request's own thread or, at shutdown, {@link #answerRemaining()}.
 */
final class ApiHandler extends Handler.Abstract {
  // TF Serving's own URL patterns (http_rest_api_handler.cc), plus /labels/ and /metadata.
  private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);

  private final ModelVersions versions;
  private final ServeConfig config;
  private final ServingMetrics metrics;
  private final DecodeBudget decoding;
  private final StaticPage page;
  private final Set<Exchange> inFlight = ConcurrentHashMap.newKeySet();
  private volatile boolean shuttingDown;
  private volatile boolean cutOff; // the stop timeout passed: unfinished requests were answered 503

  ApiHandler(ModelVersions versions, ServeConfig config, ServingMetrics metrics, DecodeBudget decoding) {
    super(InvocationType.BLOCKING);
    this.versions = versions;
    this.config = config;
    this.metrics = metrics;
    this.decoding = decoding;
    this.page = new StaticPage(versions.name());
  }

  /** From now on every new request is answered 503 (and its connection closed). */
  void shuttingDown() {
    shuttingDown = true;
  }

  /** Whether the stop timeout has passed: requests still unfinished were answered 503 and stop before their next image. */
  boolean cutOff() {
    return cutOff;
  }

  /** Waits until no request is in flight, at most {@code millis}; whether none is left. */
  boolean awaitIdle(long millis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (!inFlight.isEmpty()) {
      if (System.nanoTime() >= deadline) {
        return false;
      }
      Thread.sleep(10);
    }
    return true;
  }

  /** Answers 503 to every request still unanswered (past the stop timeout); returns how many. */
  int answerRemaining() {
    cutOff = true;
    int n = 0;
    for (Exchange ex : inFlight) {
      if (ex.claim()) {
        n++;
        ex.response.getHeaders().put(HttpHeader.CONNECTION, "close");
        Replies.error(ex.response, ex, 503, "The server is shutting down; this request did not finish within the"
            + " stop timeout of " + config.stopTimeoutMillis() + " ms.");
      }
    }
    return n;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = request.getHttpURI().getDecodedPath();
    if (path == null || path.isEmpty()) {
      path = "/";
    }
    String method = request.getMethod();
    Endpoint endpoint = endpoint(path);
    metrics.started();
    Exchange ex = new Exchange(callback, endpoint, request, response);
    inFlight.add(ex);
    boolean readsBody = endpoint == Endpoint.PREDICT && method.equals("POST");
    if (!readsBody && hasBody(request)) {
      // The body is left unread: Jetty then closes the connection after the answer, so say so, or
      // a client that keeps connections alive reuses a closed one for its next request.
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
    }
    if (shuttingDown && endpoint != Endpoint.HEALTHZ) {
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
      fail(ex, 503, "The server is shutting down.");
      return true;
    }
    try {
      route(request, ex, method, path, endpoint);
    } catch (ApiException e) {
      if (hasBody(request)) {
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
      }
      fail(ex, e.status(), e.getMessage());
    } catch (RuntimeException | Error e) {
      internalError(ex, e);
    }
    return true;
  }

  private static boolean hasBody(Request request) {
    return request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
  }

  /** Sends a whole response unless the exchange was answered already. */
  private void reply(Exchange ex, int status, String type, byte[] body) {
    if (ex.claim()) {
      Replies.send(ex.response, ex, status, type, body);
    }
  }

  private void fail(Exchange ex, int status, String message) {
    if (ex.claim()) {
      Replies.error(ex.response, ex, status, message);
    }
  }

  private Endpoint endpoint(String path) {
    if (path.regionMatches(true, 0, "/v1/", 0, 4)) {
      if (path.indexOf(':') >= 0) {
        return Endpoint.PREDICT;
      }
      return path.regionMatches(true, path.length() - 9, "/metadata", 0, 9) ? Endpoint.METADATA : Endpoint.MODEL_STATUS;
    }
    return switch (path) {
      case "/metrics" -> Endpoint.METRICS;
      case "/healthz" -> Endpoint.HEALTHZ;
      default -> page.get(path) != null ? Endpoint.PAGE : Endpoint.OTHER;
    };
  }

  private void route(Request request, Exchange ex, String method, String path, Endpoint endpoint) {
    Response response = ex.response;
    switch (endpoint) {
      case PAGE -> {
        requireMethod(method, "GET", response);
        StaticPage.Asset a = page.get(path);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        response.getHeaders().put("Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; connect-src 'self'; style-src 'self'; script-src 'self'");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        sendBody(request, ex, 200, a.contentType(), a.bytes());
      }
      case METRICS -> {
        requireMethod(method, "GET", response);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        sendBody(request, ex, 200, ServingMetrics.CONTENT_TYPE, metrics.render());
      }
      case HEALTHZ -> {
        requireMethod(method, "GET", response);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        boolean up = !shuttingDown;
        sendBody(request, ex, up ? 200 : 503, "text/plain; charset=utf-8",
            (up ? "ok\n" : "shutting down\n").getBytes(StandardCharsets.US_ASCII));
      }
      case MODEL_STATUS -> {
        ModelUrl url = ModelUrl.status(path);
        if (url == null) {
          throw malformed(method, path);
        }
        requireMethod(method, "GET", response);
        sendBody(request, ex, 200, Replies.JSON,
            ModelDocuments.status(versions.statuses(url.model(), url.version(), url.label())));
      }
      case METADATA -> {
        ModelUrl url = ModelUrl.metadata(path);
        if (url == null) {
          throw malformed(method, path);
        }
        requireMethod(method, "GET", response);
        byte[] metadata;
        try (ModelVersions.Lease lease = url.acquire(versions)) {
          metadata = lease.metadataJson();
        }
        sendBody(request, ex, 200, Replies.JSON, metadata);
      }
      case PREDICT -> {
        ModelUrl url = ModelUrl.predict(path);
        if (url == null) {
          throw malformed(method, path);
        }
        requireMethod(method, "POST", response);
        try (ModelVersions.Lease lease = url.acquire(versions)) { // 404 before the body is read
          if (!url.verb().equals("predict")) {
            throw ServableCheck.wrongMethod(lease.model(), url.verb());
          }
        }
        predict(request, ex, url);
      }
      default -> throw new ApiException(404, "Not found: " + ApiException.quote(method) + " " + ApiException.quote(path)
          + " (the API is under /v1/models/" + versions.name() + ", the drawing page at /).");
    }
  }

  private static ApiException malformed(String method, String path) {
    return new ApiException(404, "Malformed request: " + ApiException.quote(method) + " " + ApiException.quote(path));
  }

  private static void requireMethod(String method, String allowed, Response response) {
    if (method.equals(allowed) || (allowed.equals("GET") && method.equals("HEAD"))) {
      return;
    }
    response.getHeaders().put(HttpHeader.ALLOW, allowed.equals("GET") ? "GET, HEAD" : allowed);
    throw new ApiException(405, "Method " + ApiException.quote(method) + " is not allowed here; use " + allowed + ".");
  }

  private void sendBody(Request request, Exchange ex, int status, String type, byte[] body) {
    if (request.getMethod().equals("HEAD")) {
      if (ex.claim()) {
        ex.response.setStatus(status);
        ex.response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        ex.response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        ex.response.write(true, ByteBuffer.allocate(0), ex);
      }
      return;
    }
    reply(ex, status, type, body);
  }

  // ---- predict ----------------------------------------------------------------------------

  private void predict(Request request, Exchange ex, ModelUrl url) {
    Response response = ex.response;
    long declared = request.getLength();
    if (declared > config.maxBodyBytes()) {
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
      throw tooLarge(declared);
    }
    new BodyReader(request, (int) config.maxBodyBytes(), declared,
        body -> {
          try {
            answer(request, ex, url, body);
          } catch (ApiException e) {
            fail(ex, e.status(), e.getMessage());
          } catch (RuntimeException | Error e) {
            internalError(ex, e);
          }
        },
        failure -> {
          response.getHeaders().put(HttpHeader.CONNECTION, "close");
          if (failure instanceof ApiException e) {
            fail(ex, e.status(), e.getMessage());
          } else if (failure instanceof org.eclipse.jetty.http.HttpException http && http.getCode() != 408) {
            // Jetty's parser refused the body's framing (a chunk size that overflows, a bad chunk):
            // the client's error, not a timeout.
            fail(ex, http.getCode(), JsonErrorHandler.wordsFor(http.getCode()));
          } else {
            // the client went away, or stalled past the idle timeout, while sending its body
            fail(ex, 408, "The request body did not arrive completely: the client stopped sending or closed the"
                + " connection.");
          }
        }).run();
  }

  /**
   * JSON is UTF-8 (RFC 8259), and only the shortest form is UTF-8: overlong encodings and encoded
   * surrogates, which lenient decoders accept, are refused, since they can smuggle characters past
   * checks that look at the bytes.
   */
  static void requireStrictUtf8(byte[] body) { // package-private for RequestPathBench
    java.nio.charset.CharsetDecoder d = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
        .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
    java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(body);
    java.nio.CharBuffer out = java.nio.CharBuffer.allocate(8192);
    java.nio.charset.CoderResult r;
    do { // the whole body is given (end of input), so underflow means all of it decoded
      r = d.decode(in, out, true);
      if (r.isError()) {
        throw ApiException.badRequest("The request body is not valid UTF-8 at byte " + in.position()
            + " (an overlong form, an encoded surrogate or a broken sequence).");
      }
      out.clear();
    } while (r.isOverflow());
  }

  private ApiException tooLarge(long bytes) {
    return new ApiException(413, "The request body" + (bytes > 0 ? " of " + bytes + " bytes" : "")
        + " is larger than the limit of " + config.maxBodyBytes() + " bytes.");
  }

  private void answer(Request request, Exchange ex, ModelUrl url, byte[] body) {
    // Waiting for a decode turn or a batch is the server's time, not the client's idleness: without
    // this, the idle timeout closed the connection first and the request got a false 408.
    EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
    long busy = 2 * config.inferenceTimeoutMillis() + config.stopTimeoutMillis() + 5_000;
    if (endPoint.getIdleTimeout() < busy) {
      endPoint.setIdleTimeout(busy);
    }
    try {
      answerBody(request, ex, url, body);
    } finally {
      endPoint.setIdleTimeout(config.idleTimeoutMillis());
    }
  }

  /** Runs on the version the URL names as it is once the body is in; the request holds it until answered. */
  private void answerBody(Request request, Exchange ex, ModelUrl url, byte[] body) {
    requireStrictUtf8(body);
    try (ModelVersions.Lease lease = url.acquire(versions)) {
      answerBody(request, ex, lease.model(), lease.batcher(), body);
    }
  }

  private void answerBody(Request request, Exchange ex, ServedModel model, MicroBatcher batcher, byte[] body) {
    // Shutting down is not the client's leaving: an in-flight request decodes on until the stop
    // timeout, and only then (answered 503 by answerRemaining) stops before its next image.
    PredictParser parser = new PredictParser(model.inputSize(), model.inputKey(),
        decoding.forRequest(Request.getRemoteAddr(request), ex::clientGone, () -> cutOff));
    PredictInput in = parser.parse(body);
    ServableCheck.checkSignature(model, in.signatureName());
    float[] probs = Predictions.run(batcher, in.flat(), in.count(), config.inferenceTimeoutMillis());
    reply(ex, 200, Replies.JSON, Replies.predictions(in.columnar(), probs, in.count()));
  }

  private void internalError(Exchange ex, Throwable e) {
    LOG.error("Internal error while answering a request", e);
    fail(ex, 500, "Internal server error; the server's log has the details.");
  }

  // ---- plumbing ---------------------------------------------------------------------------

  /**
   * One request: answered once (see {@link #claim()}), counted in the metrics when its response is
   * done, then Jetty's callback completed. It also learns when the client's connection fails.
   */
  private final class Exchange implements Callback {
    private final Callback callback;
    private final Endpoint endpoint;
    private final Request request;
    final Response response;
    private final long begin;
    private final AtomicBoolean claimed = new AtomicBoolean();
    private volatile boolean failed;
    private boolean pipelined;

    Exchange(Callback callback, Endpoint endpoint, Request request, Response response) {
      this.callback = callback;
      this.endpoint = endpoint;
      this.request = request;
      this.response = response;
      this.begin = request.getBeginNanoTime();
      request.addFailureListener(x -> failed = true);
    }

    /** True for the one caller that may answer. */
    boolean claim() {
      return claimed.compareAndSet(false, true);
    }

    /**
     * Whether the client has gone, asked while the request is worked on (its body is read by then).
     * Jetty does not read a connection while its request is handled, so a client's close would go
     * unnoticed until the answer is written: this reads one byte. -1 means the client closed. A
     * byte means a pipelined next request: it cannot be put back, so this answer closes the
     * connection, and the client retries the request as RFC 9112 (9.3.2) asks of pipelining clients.
     */
    boolean clientGone() {
      if (failed) {
        return true;
      }
      EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
      if (!endPoint.isOpen()) {
        return true;
      }
      if (pipelined) {
        return false;
      }
      try {
        int n = endPoint.fill(BufferUtil.allocate(1));
        if (n < 0) {
          failed = true;
        } else if (n > 0) {
          pipelined = true;
          response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
      } catch (IOException e) {
        failed = true;
      }
      return failed;
    }

    @Override
    public void succeeded() {
      inFlight.remove(this);
      metrics.finished(endpoint, response.getStatus(), System.nanoTime() - begin);
      callback.succeeded();
    }

    @Override
    public void failed(Throwable x) {
      inFlight.remove(this);
      metrics.finished(endpoint, response.isCommitted() ? response.getStatus() : 500, System.nanoTime() - begin);
      callback.failed(x);
    }

    @Override
    public InvocationType getInvocationType() {
      return callback.getInvocationType();
    }
  }
}
