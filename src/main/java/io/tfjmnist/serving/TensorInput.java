package io.tfjmnist.serving;

import com.google.protobuf.ByteString;
import io.tfjmnist.TfjMnistException;
import java.nio.ByteOrder;
import java.util.Map;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * Reads a gRPC {@code PredictRequest}'s inputs into packed floats, taking what REST takes: a
 * {@code DT_FLOAT} batch {@code [N,28,28]}, {@code [N,28,28,1]} or {@code [N,784]} (values in
 * {@code float_val} or little-endian {@code tensor_content}, as TF's {@code tensor_util} writes
 * them), or a {@code DT_STRING} list of encoded images (PNG, JPEG), decoded as REST decodes
 * {@code {"b64": ...}}. Anything else is a 400 (gRPC's INVALID_ARGUMENT) saying what and where.
 */
final class TensorInput {
  private final int inputSize;
  private final int side;
  private final String inputKey;
  private final PredictParser.ImageInput images;

  TensorInput(int inputSize, String inputKey, PredictParser.ImageInput images) {
    this.inputSize = inputSize;
    int s = (int) Math.round(Math.sqrt(inputSize));
    this.side = s * s == inputSize ? s : -1;
    this.inputKey = inputKey;
    this.images = images;
  }

  /** The one input named by the signature's input key, read; {@code signatureName} is passed through. */
  PredictInput read(Map<String, TensorProto> inputs, String signatureName) {
    if (inputs.isEmpty()) {
      throw ApiException.badRequest("The request has no inputs; send the input '" + inputKey + "'.");
    }
    for (String key : inputs.keySet()) {
      if (!key.equals(inputKey)) {
        throw ApiException.badRequest("inputs names input '" + ApiException.quote(key) + "', but the signature's input is '"
            + inputKey + "'.");
      }
    }
    TensorProto t = inputs.get(inputKey);
    String where = "inputs['" + inputKey + "']";
    long[] shape = shape(t.getTensorShape(), where);
    return switch (t.getDtype()) {
      case DT_FLOAT -> floats(t, shape, where, signatureName);
      case DT_STRING -> encoded(t, shape, where, signatureName);
      default -> throw ApiException.badRequest(where + " is " + t.getDtype().name() + "; this model takes DT_FLOAT numbers or"
          + " DT_STRING encoded images (PNG, JPEG).");
    };
  }

  private static long[] shape(TensorShapeProto s, String where) {
    if (s.getUnknownRank()) {
      throw ApiException.badRequest(where + " has an unknown rank; give its shape.");
    }
    long[] dims = new long[s.getDimCount()];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = s.getDim(i).getSize();
      if (dims[i] < 0) {
        throw ApiException.badRequest(where + " has a negative dimension in its shape " + text(dims) + ".");
      }
    }
    return dims;
  }

  private PredictInput floats(TensorProto t, long[] shape, String where, String signatureName) {
    if (!isBatchShape(shape)) {
      throw ApiException.badRequest(where + " has shape " + text(shape) + "; expected " + batchShapes() + ".");
    }
    long count = shape[0];
    if (count == 0) {
      throw ApiException.badRequest(where + " is empty; send at least one image.");
    }
    if (count * inputSize > Integer.MAX_VALUE - 16) {
      throw ApiException.badRequest(where + " holds too many numbers.");
    }
    int n = (int) (count * inputSize);
    float[] flat = new float[n];
    ByteString content = t.getTensorContent();
    if (!content.isEmpty()) {
      if (content.size() != 4L * n) {
        throw ApiException.badRequest(where + ".tensor_content has " + content.size() + " bytes; shape " + text(shape)
            + " needs " + 4L * n + ".");
      }
      content.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(flat);
    } else if (t.getFloatValCount() == n) {
      for (int i = 0; i < n; i++) {
        flat[i] = t.getFloatVal(i);
      }
    } else if (t.getFloatValCount() == 1) {
      // TF fills a tensor from a single value (tensor_util.make_tensor_proto of a scalar)
      java.util.Arrays.fill(flat, t.getFloatVal(0));
    } else {
      throw ApiException.badRequest(where + " has " + t.getFloatValCount() + " values in float_val; shape " + text(shape)
          + " needs " + n + ".");
    }
    for (int i = 0; i < n; i++) {
      if (!Float.isFinite(flat[i])) {
        throw ApiException.badRequest(where + " holds " + (Float.isNaN(flat[i]) ? "NaN" : "an infinite number")
            + " (image " + i / inputSize + "); pixel values must be finite numbers.");
      }
    }
    return new PredictInput(signatureName, true, flat, (int) count);
  }

  private PredictInput encoded(TensorProto t, long[] shape, String where, String signatureName) {
    int count = t.getStringValCount();
    boolean shapeFits = shape.length == 0 ? count == 1 : shape.length == 1 && shape[0] == count;
    if (!shapeFits) {
      throw ApiException.badRequest(where + " has shape " + text(shape) + " and " + count + " strings; encoded images"
          + " come as a list [N] of N strings.");
    }
    if (count == 0) {
      throw ApiException.badRequest(where + " is empty; send at least one image.");
    }
    if (images == null) {
      throw ApiException.badRequest(where + ": this server does not accept image files.");
    }
    float[] flat = new float[count * inputSize];
    for (int i = 0; i < count; i++) {
      ByteString bytes = t.getStringVal(i);
      String at = where + "[" + i + "]";
      if (bytes.isEmpty()) {
        throw ApiException.badRequest(at + " is empty.");
      }
      float[] one;
      try {
        one = images.decode(bytes.toByteArray(), at);
      } catch (TfjMnistException e) {
        throw ApiException.badRequest(at + ": " + e.getMessage());
      }
      if (one.length != inputSize) {
        throw new IllegalStateException("preprocessing gave " + one.length + " values");
      }
      System.arraycopy(one, 0, flat, i * inputSize, inputSize);
    }
    return new PredictInput(signatureName, true, flat, count);
  }

  private boolean isBatchShape(long[] s) {
    return (s.length == 2 && s[1] == inputSize)
        || (side > 0 && s.length == 3 && s[1] == side && s[2] == side)
        || (side > 0 && s.length == 4 && s[1] == side && s[2] == side && s[3] == 1);
  }

  private String batchShapes() {
    return side > 0 ? "[N," + side + "," + side + "], [N," + side + "," + side + ",1] or [N," + inputSize + "]"
        : "[N," + inputSize + "]";
  }

  private static String text(long[] shape) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < shape.length; i++) {
      b.append(i == 0 ? "" : ",").append(shape[i]);
    }
    return b.append(']').toString();
  }
}
