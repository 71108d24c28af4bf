package io.tfjmnist.model.layers;

import io.tfjmnist.model.WeightSpec;
import io.tfjmnist.model.WeightSpec.Initializer;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Keras {@code Conv2D(filters, kernel_size, strides, padding, activation)}: {@code conv2d} (NHWC
 * input, HWIO kernel, {@code [1, sh, sw, 1]} strides) then {@code biasAdd} then the activation.
 */
public final class Conv2D implements Layer {
  private final String name;
  private final int filters;
  private final int kernelHeight;
  private final int kernelWidth;
  private final int strideHeight;
  private final int strideWidth;
  private final String padding;
  private final Activation activation;
  private final long[] inputShape;
  private final boolean useBias;

  /** Stride 1, as the quickstart's {@code Conv2D(32, 3, activation='relu')}. */
  public Conv2D(String name, int filters, int kernelHeight, int kernelWidth, String padding,
      Activation activation, long[] inputShape) {
    this(name, filters, kernelHeight, kernelWidth, 1, 1, padding, activation, inputShape);
  }

  /**
   * @param padding {@code "valid"} (Keras's default) or {@code "same"}, any case
   * @param inputShape {@code [height, width, channels]} of one example
   */
  public Conv2D(String name, int filters, int kernelHeight, int kernelWidth, int strideHeight,
      int strideWidth, String padding, Activation activation, long[] inputShape) {
    this(name, filters, kernelHeight, kernelWidth, strideHeight, strideWidth, padding, activation, inputShape, true);
  }

  /** @param useBias Keras's {@code use_bias}: without it the layer has no {@code bias} weight */
  public Conv2D(String name, int filters, int kernelHeight, int kernelWidth, int strideHeight,
      int strideWidth, String padding, Activation activation, long[] inputShape, boolean useBias) {
    Pooling.requireImage("Conv2D", inputShape);
    this.name = name;
    this.filters = filters;
    this.kernelHeight = kernelHeight;
    this.kernelWidth = kernelWidth;
    this.strideHeight = strideHeight;
    this.strideWidth = strideWidth;
    this.padding = Pooling.padding(padding);
    this.activation = activation;
    this.inputShape = inputShape.clone();
    this.useBias = useBias;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<WeightSpec> weights() {
    WeightSpec kernel = new WeightSpec(name, "kernel", new long[] {kernelHeight, kernelWidth, inputShape[2], filters},
        Initializer.GLOROT_UNIFORM);
    return useBias ? List.of(kernel, new WeightSpec(name, "bias", new long[] {filters}, Initializer.ZEROS)) : List.of(kernel);
  }

  @Override
  public long[] outputShape() {
    return new long[] {
        Pooling.outputSize(inputShape[0], kernelHeight, strideHeight, padding),
        Pooling.outputSize(inputShape[1], kernelWidth, strideWidth, padding),
        filters};
  }

  @Override
  public Operand<TFloat32> call(Ops tf, Operand<TFloat32> input, Map<String, Operand<TFloat32>> w) {
    Ops scope = tf.withSubScope(name);
    Operand<TFloat32> conv = scope.nn.conv2d(input, w.get("kernel"),
        List.of(1L, (long) strideHeight, (long) strideWidth, 1L), padding);
    return activation.apply(scope, useBias ? scope.nn.biasAdd(conv, w.get("bias")) : conv);
  }

  /**
   * {@code conv2d} runs as one matrix product over all images' patches, whose last rows oneDNN
   * sums in another order for some batch sizes (measured: 4, 5, 10, 14, 19 ... of 1 to 257 on an
   * AVX2 EPYC). Here the images' channels become the channels of one depthwise convolution, which
   * filters each channel on its own (the kernel repeated per image), and the input channels are
   * then summed in a fixed order. A batched matrix product per image was tried and is not enough:
   * oneDNN folds the batch into one product again. The same products are summed as by
   * {@code conv2d}, in another order, so results may differ from {@link #call} in the last bits,
   * never between batches.
   */
  @Override
  public Operand<TFloat32> callPerImage(Ops tf, Operand<TFloat32> input, Map<String, Operand<TFloat32>> w) {
    Ops scope = tf.withSubScope(name);
    long[] out = outputShape();
    long channels = inputShape[2];
    // [batch, h, w, c] -> [1, h, w, batch * c]; kernel [kh, kw, c, filters] -> [kh, kw, batch * c, filters]
    Operand<TFloat32> asChannels = scope.reshape(scope.linalg.transpose(input, scope.constant(new int[] {1, 2, 0, 3})),
        scope.constant(new long[] {1, inputShape[0], inputShape[1], -1}));
    Operand<TInt32> batch = scope.slice(scope.shape(input), scope.constant(new int[] {0}), scope.constant(new int[] {1}));
    Operand<TFloat32> kernels = scope.tile(w.get("kernel"),
        scope.concat(List.of(scope.constant(new int[] {1, 1}), batch, scope.constant(new int[] {1})), scope.constant(0)));
    Operand<TFloat32> filtered = scope.nn.depthwiseConv2dNative(asChannels, kernels,
        List.of(1L, (long) strideHeight, (long) strideWidth, 1L), padding);
    // [1, oh, ow, batch * c * filters] -> [oh, ow, batch, c, filters] -> sum over c -> [batch, oh, ow, filters]
    Operand<TFloat32> perChannel = scope.reshape(filtered, scope.constant(new long[] {out[0], out[1], -1, channels, filters}));
    Operand<TFloat32> summed = channels == 1
        ? scope.reshape(perChannel, scope.constant(new long[] {out[0], out[1], -1, filters}))
        : scope.sum(perChannel, scope.constant(3));
    Operand<TFloat32> conv = scope.linalg.transpose(summed, scope.constant(new int[] {2, 0, 1, 3}));
    return activation.apply(scope, useBias ? scope.nn.biasAdd(conv, w.get("bias")) : conv);
  }
}
