package io.tfjmnist.model.layers;

import io.tfjmnist.model.WeightSpec;
import io.tfjmnist.model.WeightSpec.Initializer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.types.TFloat32;

/**
 * Keras 3 {@code BatchNormalization(axis=-1, momentum, epsilon, center, scale)} over the last
 * axis. Weights in Keras's order: {@code gamma} (when scale), {@code beta} (when center), then the
 * non-trainable {@code moving_mean} and {@code moving_variance}. At inference it normalises with the
 * moving statistics; in a training step with the batch's {@code tf.nn.moments} (mean, then the mean
 * squared difference from the mean, the mean held constant for the gradient), and the step also
 * sets {@code moving = moving * momentum + batch * (1 - momentum)}, each as Keras 3 writes it. Both
 * normalise as {@code tf.nn.batch_normalization} does:
 * {@code inv = rsqrt(variance + epsilon) * gamma; x * inv + (beta - mean * inv)}.
 */
public final class BatchNormalization implements Layer {
  /**
   * Where a training graph's {@code rsqrt(variance + epsilon)} is named, outside the layer's scope:
   * a name that sorts after the {@code gradients/} ops whatever the layer is called (see
   * {@link #normalize}).
   */
  static final String RSQRT_SCOPE = "training_rsqrt";
  /**
   * Where it is named for a Keras model whose name sorts before its step graph's top-level
   * {@code AddN}: before the {@code gradients/} ops, as Keras's Rsqrt, in its model's name scope, then
   * sorts before that AddN (see {@link #normalize}).
   */
  static final String RSQRT_SCOPE_BEFORE_GRADIENTS = "bn_training_rsqrt";
  private final String name;
  private final String rsqrtScope;
  private final long[] shape;
  private final double momentum;
  private final double epsilon;
  private final boolean center;
  private final boolean scale;

  public BatchNormalization(String name, double momentum, double epsilon, boolean center, boolean scale,
      long[] inputShape) {
    this(name, momentum, epsilon, center, scale, inputShape, null);
  }

  /**
   * @param kerasModelName the name of the Keras model the layer belongs to (its config's {@code name}),
   *     which decides how TF's graph optimizer pairs {@code gamma}'s update in Keras's step graph; null
   *     for a model that is not Keras's (then as for a lower-case name)
   */
  public BatchNormalization(String name, double momentum, double epsilon, boolean center, boolean scale,
      long[] inputShape, String kerasModelName) {
    this.name = name;
    this.rsqrtScope = kerasModelName != null && kerasModelName.compareTo("AddN") < 0 ? RSQRT_SCOPE_BEFORE_GRADIENTS
        : RSQRT_SCOPE;
    this.shape = inputShape.clone();
    this.momentum = momentum;
    this.epsilon = epsilon;
    this.center = center;
    this.scale = scale;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long[] outputShape() {
    return shape.clone();
  }

  private long channels() {
    return shape[shape.length - 1];
  }

  @Override
  public List<WeightSpec> weights() {
    long[] c = {channels()};
    List<WeightSpec> w = new ArrayList<>();
    if (scale) {
      w.add(new WeightSpec(name(), "gamma", c, Initializer.ONES));
    }
    if (center) {
      w.add(new WeightSpec(name(), "beta", c, Initializer.ZEROS));
    }
    w.add(new WeightSpec(name(), "moving_mean", c, Initializer.ZEROS, false));
    w.add(new WeightSpec(name(), "moving_variance", c, Initializer.ONES, false));
    return w;
  }

  @Override
  public Operand<TFloat32> call(Ops tf, Operand<TFloat32> input, Map<String, Operand<TFloat32>> w) {
    Ops scope = tf.withSubScope(name());
    return normalize(scope, scope, input, w.get("moving_mean"), w.get("moving_variance"), w);
  }

  /**
   * The batch's statistics where {@code training} is 1, the moving ones where it is 0: a blend
   * {@code t * batch + (1 - t) * moving} that is exactly one or the other for t in {0, 1}.
   */
  @Override
  public Operand<TFloat32> callInTraining(Ops tf, Operand<TFloat32> input, Map<String, Operand<TFloat32>> w,
      TrainingInputs inputs) {
    Ops scope = tf.withSubScope(name());
    // A fed tensor's shape is unknown to TF's graph optimizer, whatever its placeholder says; the
    // reshape makes the flag a known scalar, so that the statistics and rsqrt(variance + epsilon)
    // have the known shape [channels] they have in Keras's graph (see normalize).
    Operand<TFloat32> training = scope.reshape(inputs.training(), scope.constant(new int[0]));
    Operand<TFloat32> notTraining = scope.math.sub(scope.constant(1f), training);
    // The input's gradient is the sum of three shares: through x * inv (a), the variance (c) and the
    // mean (b). Keras's graph sums them as (a + c) + b: TF's graph optimizer sorts an AddN's inputs
    // by name, and Keras's names (batchnorm/mul_1, moments/mul_1, moments/truediv) sort that way.
    // Java's gradient ops are named by op type (Reshape, Reshape, Div) and would sort as (b + c) + a,
    // which differs in the last bit. So x * inv and the variance read the input through a product
    // with (1 - t) + t, exactly 1 for t in {0, 1} but not foldable, as TF cannot see it is 1: their
    // shares meet there first, and two-way sums do not depend on order.
    Operand<TFloat32> sharedInput = scope.math.mul(input, scope.math.add(notTraining, training));
    Operand<TFloat32>[] moments = moments(scope, input, sharedInput);
    Operand<TFloat32> mean = scope.math.add(scope.math.mul(training, moments[0]),
        scope.math.mul(notTraining, w.get("moving_mean")));
    Operand<TFloat32> variance = scope.math.add(scope.math.mul(training, moments[1]),
        scope.math.mul(notTraining, w.get("moving_variance")));
    return normalize(scope, tf.withSubScope(rsqrtScope).withSubScope(name()), sharedInput, mean, variance, w);
  }

  @Override
  public List<Op> trainingUpdates(Ops tf, Operand<TFloat32> input, Map<String, Operand<TFloat32>> w,
      Map<String, VarHandleOp> variables) {
    Ops scope = tf.withSubScope(name() + "_update");
    Operand<TFloat32>[] moments = moments(scope, input, input);
    Operand<TFloat32> m = scope.constant((float) momentum);
    Operand<TFloat32> oneMinus = scope.constant((float) (1.0 - momentum)); // a Python float, then float32
    return List.of(
        scope.assignVariableOp(variables.get("moving_mean"),
            scope.math.add(scope.math.mul(w.get("moving_mean"), m), scope.math.mul(moments[0], oneMinus))),
        scope.assignVariableOp(variables.get("moving_variance"),
            scope.math.add(scope.math.mul(w.get("moving_variance"), m), scope.math.mul(moments[1], oneMinus))));
  }

  /**
   * {@code tf.nn.moments} over every axis but the last: {mean, variance}; the variance reads
   * {@code forVariance}, the same values as {@code input}.
   */
  @SuppressWarnings("unchecked")
  private Operand<TFloat32>[] moments(Ops scope, Operand<TFloat32> input, Operand<TFloat32> forVariance) {
    int rank = shape.length + 1;
    int[] axes = new int[rank - 1];
    for (int i = 0; i < axes.length; i++) {
      axes[i] = i;
    }
    Operand<TFloat32> mean = scope.math.mean(input, scope.constant(axes), org.tensorflow.op.math.Mean.keepDims(true));
    Operand<TFloat32> variance = scope.math.mean(scope.math.squaredDifference(forVariance, scope.stopGradient(mean)),
        scope.constant(axes), org.tensorflow.op.math.Mean.keepDims(true));
    long[] flat = {channels()};
    return new Operand[] {scope.reshape(mean, scope.constant(flat)), scope.reshape(variance, scope.constant(flat))};
  }

  /**
   * {@code tf.nn.batch_normalization}. In training, {@code gamma}'s gradient is the product
   * {@code d(inv) * rsqrt}, and SGD multiplies it by the learning rate. TF's graph optimizer
   * (MinimizeBroadcasts, on a chain of products whose shapes are all known) rebuilds Keras's
   * {@code (d(inv) * rsqrt) * lr} as {@code (lr * d(inv)) * rsqrt}: it orders the factors by size, ties
   * in the order of the products' inputs, which it has sorted by name, and pairs the smallest first.
   * In Keras's graph {@code d(inv)}, an AddN at the function's top scope, sorts before the model's
   * Rsqrt. Here {@code d(inv)} is a {@code gradients/AddN}, so the training graph's Rsqrt is named
   * in {@code rsqrtScope}, {@link #RSQRT_SCOPE}, which sorts after it; under the layer's own name
   * (often {@code batch_normalization}) it would sort first, and the update would be
   * {@code (lr * rsqrt) * d(inv)}, a last bit apart now and then. That is what Keras computes for a
   * model whose name sorts before {@code AddN} ({@code Abc}): its Rsqrt, in the model's name scope,
   * then sorts first, and here it goes in {@link #RSQRT_SCOPE_BEFORE_GRADIENTS}.
   */
  private Operand<TFloat32> normalize(Ops scope, Ops rsqrtScope, Operand<TFloat32> x, Operand<TFloat32> mean,
      Operand<TFloat32> variance, Map<String, Operand<TFloat32>> w) {
    Operand<TFloat32> inv = rsqrtScope.math.rsqrt(scope.math.add(variance, scope.constant((float) epsilon)));
    if (scale) {
      inv = scope.math.mul(inv, w.get("gamma"));
    }
    Operand<TFloat32> shift = center ? scope.math.sub(w.get("beta"), scope.math.mul(mean, inv))
        : scope.math.neg(scope.math.mul(mean, inv));
    return scope.math.add(scope.math.mul(x, inv), shift);
  }
}
