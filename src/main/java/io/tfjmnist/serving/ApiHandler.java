package io.tfjmnist.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tfjmnist.TfjMnistException;
import io.tfjmnist.serving.ServingMetrics.Endpoint;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Routes and answers every request: TF Serving's REST API under {@code /v1/models/}, the drawing
 * page, {@code /metrics} and {@code /healthz}. Request bodies are read without blocking (a slow
 * client holds a connection, not a thread); the model runs on the thread that completed the body.
 * Every failure becomes {@code {"error": "..."}} with a 4xx/5xx status, never a stack trace.
 */
final class ApiHandler extends Handler.Abstract {
  // TF Serving's own URL patterns (http_rest_api_handler.cc), plus /labels/ and /metadata.
  private static final String MODEL = "/v1/models/([^/:]+)(?:/versions/(\\d+)|/labels/([^/:]+))?";
  private static final Pattern PREDICT = Pattern.compile("(?i)" + MODEL + ":(predict|classify|regress)");
  private static final Pattern METADATA = Pattern.compile("(?i)" + MODEL + "/metadata");
  private static final Pattern STATUS = Pattern.compile("(?i)" + MODEL + "/?");
  private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final ServedModel model;
  private final ServeConfig config;
  private final MicroBatcher batcher;
  private final ServingMetrics metrics;
  private final PredictParser parser;
  private final StaticPage page;
  private final byte[] statusJson;
  private final byte[] metadataJson;
  private volatile boolean shuttingDown;

  ApiHandler(ServedModel model, ServeConfig config, MicroBatcher batcher, ServingMetrics metrics,
      PredictParser.ImageInput images) {
    super(InvocationType.BLOCKING);
    this.model = model;
    this.config = config;
    this.batcher = batcher;
    this.metrics = metrics;
    this.parser = new PredictParser(model.inputSize(), model.signature().inputKey(), images);
    this.page = new StaticPage(model.name());
    this.statusJson = statusJson(model.version());
    this.metadataJson = metadataJson(model);
  }

  void shuttingDown() {
    shuttingDown = true;
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
    Callback done = new Finished(callback, endpoint, response, request.getBeginNanoTime());
    try {
      route(request, response, done, method, path, endpoint);
    } catch (ApiException e) {
      Replies.error(response, done, e.status(), e.getMessage());
    } catch (RuntimeException | Error e) {
      internalError(response, done, e);
    }
    return true;
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

  private void route(Request request, Response response, Callback done, String method, String path, Endpoint endpoint) {
    switch (endpoint) {
      case PAGE -> {
        requireMethod(method, "GET", response);
        StaticPage.Asset a = page.get(path);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        response.getHeaders().put("Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; connect-src 'self'; style-src 'self'; script-src 'self'");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        sendBody(request, response, done, 200, a.contentType(), a.bytes());
      }
      case METRICS -> {
        requireMethod(method, "GET", response);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        sendBody(request, response, done, 200, ServingMetrics.CONTENT_TYPE,
            metrics.render().getBytes(StandardCharsets.UTF_8));
      }
      case HEALTHZ -> {
        requireMethod(method, "GET", response);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        boolean up = !shuttingDown;
        sendBody(request, response, done, up ? 200 : 503, "text/plain; charset=utf-8",
            (up ? "ok\n" : "shutting down\n").getBytes(StandardCharsets.US_ASCII));
      }
      case MODEL_STATUS -> {
        Matcher m = STATUS.matcher(path);
        if (!m.matches()) {
          throw malformed(method, path);
        }
        requireMethod(method, "GET", response);
        checkModel(m, false);
        sendBody(request, response, done, 200, Replies.JSON, statusJson);
      }
      case METADATA -> {
        Matcher m = METADATA.matcher(path);
        if (!m.matches()) {
          throw malformed(method, path);
        }
        requireMethod(method, "GET", response);
        checkModel(m, true);
        sendBody(request, response, done, 200, Replies.JSON, metadataJson);
      }
      case PREDICT -> {
        Matcher m = PREDICT.matcher(path);
        if (!m.matches()) {
          throw malformed(method, path);
        }
        requireMethod(method, "POST", response);
        checkModel(m, true);
        String verb = m.group(4).toLowerCase(Locale.ROOT);
        if (!verb.equals("predict")) {
          // TF Serving's answer when a signature is called with another method than its own
          throw ApiException.badRequest("Expected " + (verb.equals("classify") ? "classification" : "regression")
              + " signature method_name to be tensorflow/serving/" + verb + ". Was: " + model.signature().methodName());
        }
        predict(request, response, done);
      }
      default -> throw new ApiException(404, "Not found: " + method + " " + path
          + " (the API is under /v1/models/" + model.name() + ", the drawing page at /).");
    }
  }

  private static ApiException malformed(String method, String path) {
    return new ApiException(404, "Malformed request: " + method + " " + path);
  }

  private static void requireMethod(String method, String allowed, Response response) {
    if (method.equals(allowed) || (allowed.equals("GET") && method.equals("HEAD"))) {
      return;
    }
    response.getHeaders().put(HttpHeader.ALLOW, allowed.equals("GET") ? "GET, HEAD" : allowed);
    throw new ApiException(405, "Method " + method + " is not allowed here; use " + allowed + ".");
  }

  /** 404 unless the URL names the served model (and, if given, its version); labels are not configured. */
  private void checkModel(Matcher m, boolean servableWording) {
    String name = m.group(1);
    String version = m.group(2);
    String label = m.group(3);
    if (!name.equals(model.name())) {
      throw ApiException.notFound(servableWording
          ? "Servable not found for request: " + (version == null ? "Latest(" + name + ")" : "Specific(" + name + ", " + version + ")")
          : "Could not find any versions of model " + name);
    }
    if (label != null) {
      throw ApiException.notFound("Unrecognized servable version label: " + label);
    }
    if (version != null) {
      long v;
      try {
        v = Long.parseLong(version);
      } catch (NumberFormatException e) {
        throw ApiException.badRequest("Failed to convert version: " + version + " to numeric.");
      }
      if (v != model.version()) {
        throw ApiException.notFound(servableWording ? "Servable not found for request: Specific(" + name + ", " + v + ")"
            : "Could not find version " + v + " of model " + name);
      }
    }
  }

  private void sendBody(Request request, Response response, Callback done, int status, String type, byte[] body) {
    if (request.getMethod().equals("HEAD")) {
      response.setStatus(status);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
      response.write(true, ByteBuffer.allocate(0), done);
      return;
    }
    Replies.send(response, done, status, type, body);
  }

  // ---- predict ----------------------------------------------------------------------------

  private void predict(Request request, Response response, Callback done) {
    long declared = request.getLength();
    if (declared > config.maxBodyBytes()) {
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
      throw tooLarge(declared);
    }
    new BodyReader(request, (int) config.maxBodyBytes(), declared,
        body -> {
          try {
            answer(response, done, body);
          } catch (ApiException e) {
            Replies.error(response, done, e.status(), e.getMessage());
          } catch (RuntimeException | Error e) {
            internalError(response, done, e);
          }
        },
        failure -> {
          if (failure instanceof ApiException e) {
            if (e.status() == 413) {
              response.getHeaders().put(HttpHeader.CONNECTION, "close");
            }
            Replies.error(response, done, e.status(), e.getMessage());
          } else {
            // the client went away or stalled past the idle timeout while sending its body
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            Replies.error(response, done, 408, "The request body did not arrive: " + failure.getClass().getSimpleName()
                + (failure.getMessage() == null ? "" : " (" + failure.getMessage() + ")") + ".");
          }
        }).run();
  }

  private ApiException tooLarge(long bytes) {
    return new ApiException(413, "The request body" + (bytes > 0 ? " of " + bytes + " bytes" : "")
        + " is larger than the limit of " + config.maxBodyBytes() + " bytes.");
  }

  private void answer(Response response, Callback done, byte[] body) {
    PredictInput in = parser.parse(body);
    String sig = in.signatureName();
    if (sig != null && !sig.isEmpty() && !sig.equals(model.signature().key())) {
      throw ApiException.badRequest("Serving signature name: \"" + sig + "\" not found in signature def");
    }
    float[] probs;
    try {
      probs = batcher.run(in.flat(), in.count(), config.inferenceTimeoutMillis());
    } catch (TfjMnistException e) {
      throw new ApiException(500, "The model failed: " + e.getMessage());
    }
    for (int i = 0; i < probs.length; i++) {
      if (!Float.isFinite(probs[i])) {
        int image = i / (probs.length / in.count());
        throw ApiException.badRequest("The model's output for image " + image + " is not a number: its pixel values are"
            + " probably far outside MNIST's 0..1.");
      }
    }
    Replies.send(response, done, 200, Replies.JSON, Replies.predictions(in.columnar(), probs, in.count()));
  }

  private void internalError(Response response, Callback done, Throwable e) {
    System.err.println("serve: internal error: " + e);
    if (System.getenv("TFJ_MNIST_DEBUG") != null) {
      e.printStackTrace();
    }
    Replies.error(response, done, 500, "Internal server error (" + e.getClass().getSimpleName() + ").");
  }

  // ---- JSON documents ---------------------------------------------------------------------

  private static byte[] statusJson(long version) {
    ObjectNode root = PRETTY.createObjectNode();
    ObjectNode v = root.putArray("model_version_status").addObject();
    v.put("version", Long.toString(version));
    v.put("state", "AVAILABLE");
    ObjectNode status = v.putObject("status");
    status.put("error_code", "OK");
    status.put("error_message", "");
    return bytes(root);
  }

  /** GetModelMetadataResponse as TF Serving prints it: model_spec, then metadata.signature_def.signature_def. */
  private static byte[] metadataJson(ServedModel model) {
    ModelSignature s = model.signature();
    ObjectNode root = PRETTY.createObjectNode();
    ObjectNode spec = root.putObject("model_spec");
    spec.put("name", model.name());
    spec.put("signature_name", "");
    spec.put("version", Long.toString(model.version()));
    ObjectNode defs = root.putObject("metadata").putObject("signature_def").putObject("signature_def");
    ObjectNode sig = defs.putObject(s.key());
    tensorInfo(sig.putObject("inputs").putObject(s.inputKey()), s.inputDtype(), s.inputShape(), s.inputTensor());
    tensorInfo(sig.putObject("outputs").putObject(s.outputKey()), "DT_FLOAT", s.outputShape(), s.outputTensor());
    sig.put("method_name", s.methodName());
    sig.putObject("defaults");
    return bytes(root);
  }

  private static void tensorInfo(ObjectNode t, String dtype, long[] shape, String name) {
    t.put("dtype", dtype);
    ObjectNode ts = t.putObject("tensor_shape");
    ArrayNode dims = ts.putArray("dim");
    Arrays.stream(shape).forEach(d -> {
      ObjectNode dim = dims.addObject();
      dim.put("size", Long.toString(d));
      dim.put("name", "");
    });
    ts.put("unknown_rank", false);
    t.put("name", name);
  }

  private static byte[] bytes(ObjectNode node) {
    try {
      return (PRETTY.writeValueAsString(node) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- plumbing ---------------------------------------------------------------------------

  /** Counts the request in the metrics when its response is done, then completes Jetty's callback. */
  private final class Finished implements Callback {
    private final Callback callback;
    private final Endpoint endpoint;
    private final Response response;
    private final long begin;

    Finished(Callback callback, Endpoint endpoint, Response response, long begin) {
      this.callback = callback;
      this.endpoint = endpoint;
      this.response = response;
      this.begin = begin;
    }

    @Override
    public void succeeded() {
      metrics.finished(endpoint, response.getStatus(), System.nanoTime() - begin);
      callback.succeeded();
    }

    @Override
    public void failed(Throwable x) {
      metrics.finished(endpoint, response.isCommitted() ? response.getStatus() : 500, System.nanoTime() - begin);
      callback.failed(x);
    }

    @Override
    public InvocationType getInvocationType() {
      return callback.getInvocationType();
    }
  }

  /**
   * Reads the whole body without blocking: each time data is there it is appended, otherwise a
   * demand is registered and the thread is released. More than {@code limit} bytes fails with 413.
   */
  private static final class BodyReader implements Runnable {
    private final Request request;
    private final int limit;
    private final Consumer<byte[]> onBody;
    private final Consumer<Throwable> onFailure;
    private byte[] buf;
    private int size;

    BodyReader(Request request, int limit, long declared, Consumer<byte[]> onBody, Consumer<Throwable> onFailure) {
      this.request = request;
      this.limit = limit;
      this.onBody = onBody;
      this.onFailure = onFailure;
      this.buf = new byte[declared > 0 ? (int) declared : 8192];
    }

    @Override
    public void run() {
      while (true) {
        Content.Chunk chunk = request.read();
        if (chunk == null) {
          request.demand(this);
          return;
        }
        if (Content.Chunk.isFailure(chunk)) {
          onFailure.accept(chunk.getFailure());
          return;
        }
        ByteBuffer bb = chunk.getByteBuffer();
        int n = bb.remaining();
        if ((long) size + n > limit) {
          chunk.release();
          onFailure.accept(new ApiException(413, "The request body is larger than the limit of " + limit + " bytes."));
          return;
        }
        if (size + n > buf.length) {
          buf = Arrays.copyOf(buf, Math.min(limit, Math.max(size + n, buf.length * 2)));
        }
        bb.get(buf, size, n);
        size += n;
        boolean last = chunk.isLast();
        chunk.release();
        if (last) {
          onBody.accept(size == buf.length ? buf : Arrays.copyOf(buf, size));
          return;
        }
      }
    }
  }
}
