package io.tfjmnist.serving;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.tfjmnist.savedmodel.SignatureInfo;
import io.tfjmnist.savedmodel.TensorSpecInfo;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/** What the gRPC door answers: REST's errors as gRPC statuses, and TF Serving's messages. */
final class GrpcReplies {
  private GrpcReplies() {}

  /**
   * The gRPC status TF Serving sends where REST sends this HTTP status (TF Serving's REST handler
   * maps the other way: INVALID_ARGUMENT is 400, NOT_FOUND 404, ...), with REST's words.
   */
  static StatusRuntimeException status(ApiException e) {
    Status s = switch (e.status()) {
      case 400 -> Status.INVALID_ARGUMENT;
      case 404 -> Status.NOT_FOUND;
      case 408 -> Status.CANCELLED; // the client went away while its images were decoded
      case 413, 429 -> Status.RESOURCE_EXHAUSTED;
      case 501 -> Status.UNIMPLEMENTED;
      case 503 -> Status.UNAVAILABLE;
      case 504 -> Status.DEADLINE_EXCEEDED;
      default -> Status.INTERNAL;
    };
    return s.withDescription(e.getMessage()).asRuntimeException();
  }

  /** {@code count} rows of class scores as a DT_FLOAT {@code [count, classes]} tensor in float_val, as TF Serving sends them. */
  static TensorProto probabilities(float[] probs, int count) {
    TensorProto.Builder t = TensorProto.newBuilder().setDtype(DataType.DT_FLOAT)
        .setTensorShape(TensorShapeProto.newBuilder()
            .addDim(TensorShapeProto.Dim.newBuilder().setSize(count))
            .addDim(TensorShapeProto.Dim.newBuilder().setSize(probs.length / count)));
    for (float p : probs) {
      t.addFloatVal(p);
    }
    return t.build();
  }

  /** The served signature as the SavedModel's SignatureDef says it (REST's {@code /metadata} prints the same). */
  static SignatureDef signatureDef(SignatureInfo s) {
    SignatureDef.Builder b = SignatureDef.newBuilder().setMethodName(s.methodName());
    s.inputs().forEach(t -> b.putInputs(t.key(), tensorInfo(t)));
    s.outputs().forEach(t -> b.putOutputs(t.key(), tensorInfo(t)));
    return b.build();
  }

  private static TensorInfo tensorInfo(TensorSpecInfo spec) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    if (spec.shape() == null) {
      shape.setUnknownRank(true);
    } else {
      for (long d : spec.shape()) {
        shape.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
      }
    }
    return TensorInfo.newBuilder().setName(spec.tensorName()).setDtype(spec.dtype()).setTensorShape(shape).build();
  }
}
