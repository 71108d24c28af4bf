package io.tfjmnist.checkpoint;

import java.util.Locale;
import org.tensorflow.proto.DataType;

/** TF's data types as Python names them and as a tensor bundle stores them. */
final class DataTypes {
  private DataTypes() {}

  /** Python-style dtype name: {@code float32}, {@code int64}, {@code string}, ... */
  public static String name(DataType t) {
    return switch (t) {
      case DT_FLOAT -> "float32";
      case DT_DOUBLE -> "float64";
      case DT_HALF -> "float16";
      case DT_BFLOAT16 -> "bfloat16";
      case DT_INT8 -> "int8";
      case DT_INT16 -> "int16";
      case DT_INT32 -> "int32";
      case DT_INT64 -> "int64";
      case DT_UINT8 -> "uint8";
      case DT_UINT16 -> "uint16";
      case DT_UINT32 -> "uint32";
      case DT_UINT64 -> "uint64";
      case DT_BOOL -> "bool";
      case DT_STRING -> "string";
      case DT_COMPLEX64 -> "complex64";
      case DT_COMPLEX128 -> "complex128";
      case DT_RESOURCE -> "resource";
      case DT_VARIANT -> "variant";
      default -> t.name().startsWith("DT_") ? t.name().substring(3).toLowerCase(Locale.ROOT) : t.name().toLowerCase(Locale.ROOT);
    };
  }

  /** Bytes per element of a fixed-size dtype, or -1 for string, variant and unknown types. */
  public static int elementSize(DataType t) {
    return switch (t) {
      case DT_BOOL, DT_INT8, DT_UINT8, DT_QINT8, DT_QUINT8 -> 1;
      case DT_HALF, DT_BFLOAT16, DT_INT16, DT_UINT16, DT_QINT16, DT_QUINT16 -> 2;
      case DT_FLOAT, DT_INT32, DT_UINT32, DT_QINT32 -> 4;
      case DT_DOUBLE, DT_INT64, DT_UINT64, DT_COMPLEX64 -> 8;
      case DT_COMPLEX128 -> 16;
      default -> -1;
    };
  }

  static String shapeString(long[] shape) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < shape.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(shape[i]);
    }
    return sb.append(']').toString();
  }
}
