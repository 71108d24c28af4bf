package io.tfjmnist.savedmodel;

import java.util.Arrays;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorInfo;

/**
 * One input or output of a signature.
 *
 * @param key the signature key callers use ({@code conv2d_1_input})
 * @param tensorName the graph tensor behind it ({@code serving_default_conv2d_1_input:0})
 * @param dtype element type
 * @param shape dimensions, -1 where unknown; null for an unknown rank
 */
public record TensorSpecInfo(String key, String tensorName, DataType dtype, long[] shape) {

  public TensorSpecInfo {
    shape = shape == null ? null : shape.clone();
  }

  static TensorSpecInfo of(String key, TensorInfo t) {
    String name = t.hasCooSparse() ? t.getCooSparse().getValuesTensorName() : t.getName();
    return new TensorSpecInfo(key, name, t.getDtype(), ServingSignature.shape(t.getTensorShape()));
  }

  @Override
  public long[] shape() {
    return shape == null ? null : shape.clone();
  }

  /** As {@code saved_model_cli} prints it: {@code (-1, 28, 28, 1)}, {@code ()}, or {@code unknown_rank}. */
  public String shapeString() {
    if (shape == null) {
      return "unknown_rank";
    }
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(shape[i]);
    }
    return sb.append(shape.length == 1 ? ",)" : ")").toString(); // Python tuple repr
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorSpecInfo t && key.equals(t.key) && tensorName.equals(t.tensorName) && dtype == t.dtype
        && Arrays.equals(shape, t.shape);
  }

  @Override
  public int hashCode() {
    return key.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return key + ": " + dtype + " " + shapeString() + " (" + tensorName + ")";
  }
}
