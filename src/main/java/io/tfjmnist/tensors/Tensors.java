package io.tfjmnist.tensors;

import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Conversions between Java arrays and TF tensors. Every tensor is filled through its raw buffer:
 * {@code TFloat32.tensorOf(shape)} does not zero its memory, so each element is written exactly
 * once here and nothing relies on a default value. Callers own (and must close) what they get.
 */
public final class Tensors {
  private Tensors() {}

  public static TFloat32 floats(long[] shape, float[] values) {
    return floats(shape, values, 0, values.length);
  }

  /** A tensor holding {@code values[offset .. offset+length)}; length must equal the shape's size. */
  public static TFloat32 floats(long[] shape, float[] values, int offset, int length) {
    Shape s = Shape.of(shape);
    if (s.size() != length) {
      throw new IllegalArgumentException("shape " + s + " holds " + s.size() + " values, got " + length);
    }
    TFloat32 t = TFloat32.tensorOf(s);
    try {
      t.asRawTensor().data().asFloats().write(values, offset, length);
      return t;
    } catch (RuntimeException e) {
      t.close();
      throw e;
    }
  }

  public static TInt64 longs(long[] shape, long[] values) {
    Shape s = Shape.of(shape);
    if (s.size() != values.length) {
      throw new IllegalArgumentException("shape " + s + " holds " + s.size() + " values, got " + values.length);
    }
    TInt64 t = TInt64.tensorOf(s);
    try {
      t.asRawTensor().data().asLongs().write(values);
      return t;
    } catch (RuntimeException e) {
      t.close();
      throw e;
    }
  }

  /** All elements of a float tensor, row-major. */
  public static float[] toFloats(Tensor t) {
    TFloat32 f = (TFloat32) t;
    float[] out = new float[Math.toIntExact(f.shape().size())];
    f.asRawTensor().data().asFloats().read(out);
    return out;
  }

  public static long[] toLongs(Tensor t) {
    TInt64 l = (TInt64) t;
    long[] out = new long[Math.toIntExact(l.shape().size())];
    l.asRawTensor().data().asLongs().read(out);
    return out;
  }

  public static float scalarFloat(Tensor t) {
    return ((TFloat32) t).getFloat();
  }

  public static long scalarLong(Tensor t) {
    return ((TInt64) t).getLong();
  }
}
