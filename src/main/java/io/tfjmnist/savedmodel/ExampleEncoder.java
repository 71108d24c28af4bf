package io.tfjmnist.savedmodel;

import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;
import org.tensorflow.proto.Features;
import org.tensorflow.proto.FloatList;

/**
 * Serializes images as {@code tf.Example} protos, the input of TF Serving {@code classify} and
 * {@code regress} signatures: one float feature holding the image's values, row-major.
 */
public final class ExampleEncoder {
  private ExampleEncoder() {}

  public static byte[] encode(String feature, float[] values, int offset, int length) {
    FloatList.Builder list = FloatList.newBuilder();
    for (int i = 0; i < length; i++) {
      list.addValue(values[offset + i]);
    }
    return Example.newBuilder()
        .setFeatures(Features.newBuilder().putFeature(feature, Feature.newBuilder().setFloatList(list).build()))
        .build()
        .toByteArray();
  }
}
