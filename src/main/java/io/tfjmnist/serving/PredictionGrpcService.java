package io.tfjmnist.serving;

import com.google.protobuf.Any;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.netty.shaded.io.netty.util.internal.ThreadExecutorMap;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;
import tensorflow.serving.Classification.ClassificationRequest;
import tensorflow.serving.Classification.ClassificationResponse;
import tensorflow.serving.GetModelMetadata.GetModelMetadataRequest;
import tensorflow.serving.GetModelMetadata.GetModelMetadataResponse;
import tensorflow.serving.GetModelMetadata.SignatureDefMap;
import tensorflow.serving.Inference.InferenceTask;
import tensorflow.serving.Inference.MultiInferenceRequest;
import tensorflow.serving.Inference.MultiInferenceResponse;
import tensorflow.serving.Model.ModelSpec;
import tensorflow.serving.Predict.PredictRequest;
import tensorflow.serving.Predict.PredictResponse;
import tensorflow.serving.PredictionServiceGrpc;
import tensorflow.serving.RegressionOuterClass.RegressionRequest;
import tensorflow.serving.RegressionOuterClass.RegressionResponse;

/**
 * TF Serving's {@code tensorflow.serving.PredictionService} for the served model. A predict takes
 * the REST door's path from decoded input on: the same {@link DecodeBudget}, the same
 * {@link MicroBatcher} and so the same exact batch policy, so an image gets the same bits from
 * either door. Classify, Regress and MultiInference answer as TF Serving does for a model whose
 * only signature is a predict one.
 *
 * <p>The methods are called on the transport's event loop ({@link GrpcDoor} gives the server no
 * executor): all but Predict answer there at once, as they never block. A Predict of float
 * values, the only one in flight, that the micro-batcher would run at once runs there too (one
 * model run, no hand-off); any other (beside other calls, image files to decode, a batch to wait
 * for) hands its work to the call pool in one step.
 */
final class PredictionGrpcService extends PredictionServiceGrpc.PredictionServiceImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(PredictionGrpcService.class);
  static final String SIGNATURE_DEF_FIELD = "signature_def";

  private final ModelVersions versions;
  private final ServeConfig config;
  private final DecodeBudget decoding;
  private final BooleanSupplier cutOff;
  private volatile Executor pool;
  /** Per event loop, its predicts between their arrival in {@link #predict} and their answer. */
  private final java.util.concurrent.ConcurrentHashMap<Executor, AtomicInteger> inFlightByLoop =
      new java.util.concurrent.ConcurrentHashMap<>();

  PredictionGrpcService(ModelVersions versions, ServeConfig config, DecodeBudget decoding, BooleanSupplier cutOff) {
    this.versions = versions;
    this.config = config;
    this.decoding = decoding;
    this.cutOff = cutOff;
  }

  /** Where predicts run (decoding, the model); until set, on the calling thread. Set before the server starts. */
  void runPredictsOn(Executor calls) {
    this.pool = calls;
  }

  /**
   * Every thread hand-off is a wake-up, which on a busy machine waits for a core: with the pool as
   * the server's executor, each of a call's transport events (started, message, half-close, ready,
   * closed) was a hand-off of its own: about 7 wake-ups per call on the server, where a REST request
   * costs 1 to 2, and those waits, not the work, were most of a call's time on a busy 2-core machine.
   * So a predict of float values (nothing to decode) that is the only one in flight on its event
   * loop runs on that loop, waiting in the batcher beside the other connections' calls and joining
   * their batch, and writes its answer without a hand-off. The server has a loop per connection
   * ({@link GrpcDoor}), so a connection's one call at a time blocks no other connection; a loop's
   * second call (a client's multiplexed streams) must not wait behind the first, so it moves to the
   * call pool. Counting calls as they arrive is not enough: the loop decodes one call and would run
   * it before it has read the next stream's. So the choice is made in a task on the loop, which
   * Netty runs after its round of reads, when every call that arrived together has been counted.
   * Any other predict could block the loop for long (decoding), so it moves to the call pool too,
   * once; the call's {@link Context} (deadline, cancellation, client address) goes with it.
   */
  @Override
  public void predict(PredictRequest request, StreamObserver<PredictResponse> reply) {
    // one reference to the version the request names, taken here and held to the answer, on
    // whichever thread that comes (the call runs on this version to the end); an unknown model,
    // version or label is answered here at once, with its error
    ModelVersions.Lease lease;
    try {
      lease = lease(request.getModelSpec());
    } catch (RuntimeException e) {
      answer(reply, () -> {
        throw e;
      });
      return;
    }
    Executor loop = ThreadExecutorMap.currentExecutor(); // the event loop this call arrived on
    // off an event loop (no loop to share) the call counts alone; a map key per call would never go
    AtomicInteger onLoop = loop == null ? new AtomicInteger() : inFlightByLoop.computeIfAbsent(loop, k -> new AtomicInteger());
    onLoop.incrementAndGet();
    if (pool == null || loop == null) {
      predictNow(request, reply, lease, onLoop);
      return;
    }
    // Decided after the loop has read what its connections hold now (Netty runs its tasks after a
    // round of reads), so that calls that arrived together are counted together, not one by one.
    Context call = Context.current();
    dispatch(loop, call.wrap(() -> {
      if (onLoop.get() == 1 && runsOnLoop(request, lease.batcher())) {
        predictNow(request, reply, lease, onLoop);
      } else {
        dispatch(pool, call.wrap(() -> predictNow(request, reply, lease, onLoop)), reply, lease, onLoop);
      }
    }), reply, lease, onLoop);
  }

  private void dispatch(Executor to, Runnable task, StreamObserver<PredictResponse> reply, ModelVersions.Lease lease,
      AtomicInteger onLoop) {
    try {
      to.execute(task);
    } catch (RejectedExecutionException e) {
      onLoop.decrementAndGet();
      lease.close();
      reply.onError(GrpcReplies.status(new ApiException(503, "The server is shutting down.")));
    }
  }

  /** Float values only (nothing to decode), and few enough images to join a merged batch. */
  private static boolean runsOnLoop(PredictRequest request, MicroBatcher batcher) {
    long images = 0;
    for (TensorProto t : request.getInputsMap().values()) {
      if (t.getDtype() != DataType.DT_FLOAT) {
        return false;
      }
      images += t.getTensorShape().getDimCount() == 0 ? 1 : Math.max(0, t.getTensorShape().getDim(0).getSize());
    }
    return images > 0 && images < batcher.maxImages();
  }

  private void predictNow(PredictRequest request, StreamObserver<PredictResponse> reply, ModelVersions.Lease lease,
      AtomicInteger onLoop) {
    try {
      answer(reply, () -> {
        try (ModelVersions.Lease held = lease) {
          return predict(request, request.getModelSpec(), held.model(), held.batcher());
        }
      });
    } finally {
      onLoop.decrementAndGet();
    }
  }

  private PredictResponse predict(PredictRequest request, ModelSpec spec, ServedModel model, MicroBatcher batcher) {
    ServableCheck.checkSignature(model, spec.getSignatureName());
    String outputKey = model.signature().outputs().get(0).key();
    for (String f : request.getOutputFilterList()) {
      if (model.signature().outputs().stream().noneMatch(o -> o.key().equals(f))) {
        throw ApiException.badRequest("output_filter names '" + ApiException.quote(f) + "', which is not an output of"
            + " the signature; its outputs are " + model.signature().outputs().stream().map(o -> "'" + o.key() + "'").toList()
            + ".");
      }
    }
    Context call = Context.current();
    TensorInput reader = new TensorInput(model.inputSize(), model.inputKey(),
        decoding.forRequest(GrpcDoor.clientOf(call), call::isCancelled, cutOff));
    PredictInput in = reader.read(request.getInputsMap(), spec.getSignatureName());
    float[] probs = Predictions.run(batcher, in.flat(), in.count(), timeoutMillis(call));
    PredictResponse.Builder out = PredictResponse.newBuilder().setModelSpec(answeredSpec(spec, model));
    if (request.getOutputFilterCount() == 0 || request.getOutputFilterList().contains(outputKey)) {
      out.putOutputs(outputKey, GrpcReplies.probabilities(probs, in.count()));
    }
    return out.build();
  }

  @Override
  public void getModelMetadata(GetModelMetadataRequest request, StreamObserver<GetModelMetadataResponse> reply) {
    answer(reply, () -> {
      ServedModel model;
      try (ModelVersions.Lease lease = lease(request.getModelSpec())) {
        model = lease.model(); // its signature is plain data, readable after the lease
      }
      if (request.getMetadataFieldCount() == 0) {
        throw ApiException.badRequest("GetModelMetadataRequest must name at least one metadata_field (\""
            + SIGNATURE_DEF_FIELD + "\").");
      }
      for (String field : request.getMetadataFieldList()) {
        if (!field.equals(SIGNATURE_DEF_FIELD)) {
          throw ApiException.badRequest("Metadata field '" + ApiException.quote(field) + "' is not supported; the one"
              + " field is \"" + SIGNATURE_DEF_FIELD + "\".");
        }
      }
      SignatureDefMap defs = SignatureDefMap.newBuilder()
          .putSignatureDef(model.signature().key(), GrpcReplies.signatureDef(model.signature())).build();
      return GetModelMetadataResponse.newBuilder()
          .setModelSpec(ModelSpec.newBuilder().setName(model.name())
              .setVersion(com.google.protobuf.Int64Value.of(model.version())))
          .putMetadata(SIGNATURE_DEF_FIELD, Any.pack(defs)).build();
    });
  }

  @Override
  public void classify(ClassificationRequest request, StreamObserver<ClassificationResponse> reply) {
    answer(reply, () -> refuse(request.getModelSpec(), "classify"));
  }

  @Override
  public void regress(RegressionRequest request, StreamObserver<RegressionResponse> reply) {
    answer(reply, () -> refuse(request.getModelSpec(), "regress"));
  }

  /** Classify and Regress: TF Serving's answer for a signature whose method is predict, once the spec is checked. */
  private <T> T refuse(ModelSpec spec, String verb) {
    try (ModelVersions.Lease lease = lease(spec)) {
      ServableCheck.checkSignature(lease.model(), spec.getSignatureName());
      throw ServableCheck.wrongMethod(lease.model(), verb);
    }
  }

  @Override
  public void multiInference(MultiInferenceRequest request, StreamObserver<MultiInferenceResponse> reply) {
    answer(reply, () -> {
      if (request.getTasksCount() == 0) {
        throw ApiException.badRequest("MultiInferenceRequest has no tasks.");
      }
      for (InferenceTask task : request.getTasksList()) {
        ServedModel model;
        try (ModelVersions.Lease lease = lease(task.getModelSpec())) {
          model = lease.model();
        }
        ServableCheck.checkSignature(model, task.getModelSpec().getSignatureName());
        switch (task.getMethodName()) {
          case "tensorflow/serving/classify" -> throw ServableCheck.wrongMethod(model, "classify");
          case "tensorflow/serving/regress" -> throw ServableCheck.wrongMethod(model, "regress");
          default -> throw new ApiException(501, "Unsupported signature method_name: '"
              + ApiException.quote(task.getMethodName()) + "'; MultiInference runs classify and regress signatures only.");
        }
      }
      throw new IllegalStateException("unreachable");
    });
  }

  /** A reference to the version the spec names (its version, its label, or the latest), as REST finds its URL's. */
  private ModelVersions.Lease lease(ModelSpec spec) {
    if (spec.getName().isEmpty()) {
      throw ApiException.badRequest("The request's model_spec has no name; this server serves '" + versions.name() + "'.");
    }
    return versions.acquire(spec.getName(), version(spec), label(spec));
  }

  static Long version(ModelSpec spec) {
    return spec.hasVersion() ? spec.getVersion().getValue() : null;
  }

  static String label(ModelSpec spec) {
    return spec.getVersionChoiceCase() == ModelSpec.VersionChoiceCase.VERSION_LABEL ? spec.getVersionLabel() : null;
  }

  /** TF Serving answers with the spec it served: name, the version that ran, the signature's key. */
  private static ModelSpec answeredSpec(ModelSpec asked, ServedModel model) {
    return ModelSpec.newBuilder().setName(model.name()).setVersion(com.google.protobuf.Int64Value.of(model.version()))
        .setSignatureName(asked.getSignatureName().isEmpty() ? model.signature().key() : asked.getSignatureName()).build();
  }

  /** The server's inference timeout, or the client's deadline when that comes first. */
  private long timeoutMillis(Context call) {
    Deadline d = call.getDeadline();
    long limit = config.inferenceTimeoutMillis();
    if (d == null) {
      return limit;
    }
    long left = d.timeRemaining(TimeUnit.MILLISECONDS);
    if (left <= 0) {
      throw new ApiException(504, "The call's deadline passed before the model ran.");
    }
    return Math.min(limit, left);
  }

  /** Runs one call and sends its answer, or its failure as TF Serving's status with this project's words. */
  static <T> void answer(StreamObserver<T> reply, Supplier<T> call) {
    T result;
    try {
      result = call.get();
    } catch (ApiException e) {
      reply.onError(GrpcReplies.status(e));
      return;
    } catch (RuntimeException | Error e) {
      LOG.error("Internal error while answering a gRPC call", e);
      reply.onError(io.grpc.Status.INTERNAL.withDescription("Internal server error; the server's log has the details.")
          .asRuntimeException());
      return;
    }
    reply.onNext(result);
    reply.onCompleted();
  }
}
