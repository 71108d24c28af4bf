package io.tfjmnist.optimizers;

import io.tfjmnist.model.WeightSpec;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.types.TFloat32;

/**
 * Keras's Adam as TF ops: slots {@code m} and {@code v} per weight, an {@code iterations} counter,
 * one update per weight, then {@code iterations += 1}. The update is computed one of two ways
 * ({@link AdamArithmetic}): the way Keras 2's {@code OptimizerV2.apply_gradients} builds it, one
 * fused {@code ResourceApplyAdam} fed with {@code beta^(iterations+1)} computed in float32; or as
 * Keras 3's {@code Adam.update_step} runs it, separate element-wise ops in exactly its order.
 */
public final class AdamGraph extends SlottedOptimizerGraph {

  /**
   * @param weights the model's variables in the order of {@code specs}
   * @param gradients d(loss)/d(weight), same order
   */
  public AdamGraph(Ops tf, Adam adam, List<WeightSpec> specs, List<VarHandleOp> weights, List<Output<?>> gradients) {
    this(tf, adam, AdamArithmetic.KERAS2, specs, weights, gradients);
  }

  public AdamGraph(Ops tf, Adam adam, AdamArithmetic arithmetic, List<WeightSpec> specs, List<VarHandleOp> weights,
      List<Output<?>> gradients) {
    super(tf, specs);

    // OptimizerV2._prepare_local: local_step = cast(iterations + 1); beta_1_power = beta_1 ** local_step.
    Operand<TFloat32> localStep = opt.dtypes.cast(opt.math.add(slots.iterationsRead, opt.constant(1L)), TFloat32.class);
    Operand<TFloat32> beta1 = opt.constant(adam.beta1());
    Operand<TFloat32> beta2 = opt.constant(adam.beta2());
    Operand<TFloat32> beta1Power = opt.math.pow(beta1, localStep);
    Operand<TFloat32> beta2Power = opt.math.pow(beta2, localStep);
    Operand<TFloat32> epsilon = opt.constant(adam.epsilon());

    List<Op> updates = new ArrayList<>();
    // Keras 3: alpha = lr * sqrt(1 - beta_2_power) / (1 - beta_1_power), once per step.
    Operand<TFloat32> alpha = arithmetic == AdamArithmetic.KERAS3
        ? opt.withName("alpha").math.realDiv(
            opt.math.mul(learningRate, opt.math.sqrt(opt.math.sub(opt.constant(1f), beta2Power))),
            opt.math.sub(opt.constant(1f), beta1Power))
        : null;
    for (int i = 0; i < specs.size(); i++) {
      String path = specs.get(i).path();
      @SuppressWarnings("unchecked")
      Operand<TFloat32> grad = (Operand<TFloat32>) gradients.get(i);
      Ops u = opt.withSubScope("update_" + path.replace('/', '_'));
      if (arithmetic == AdamArithmetic.KERAS2) {
        updates.add(u.train.resourceApplyAdam(weights.get(i), slots.m.get(path), slots.v.get(path), beta1Power, beta2Power,
            learningRate, beta1, beta2, epsilon, grad));
      } else {
        updates.add(keras3Update(u, adam, weights.get(i), slots.m.get(path), slots.v.get(path), grad, alpha, epsilon));
      }
    }
    setStep(updates);
  }

  /**
   * Keras 3's {@code update_step} for one weight, op for op:
   * {@code m += (g - m) * (1 - beta_1)}; {@code v += (g^2 - v) * (1 - beta_2)};
   * {@code var -= (m * alpha) / (sqrt(v) + epsilon)}, the last reading m and v after their updates.
   */
  private static Op keras3Update(Ops u, Adam adam, VarHandleOp weight, VarHandleOp m, VarHandleOp v,
      Operand<TFloat32> grad, Operand<TFloat32> alpha, Operand<TFloat32> epsilon) {
    Op mAdd = u.withName("m_add").assignAddVariableOp(m, u.math.mul(
        u.math.sub(grad, u.readVariableOp(m, TFloat32.class)), u.constant(oneMinus(adam.beta1()))));
    Op vAdd = u.withName("v_add").assignAddVariableOp(v, u.math.mul(
        u.math.sub(u.math.square(grad), u.readVariableOp(v, TFloat32.class)), u.constant(oneMinus(adam.beta2()))));
    Ops after = u.withControlDependencies(List.of(mAdd, vAdd));
    Operand<TFloat32> mNew = after.withName("m_new").readVariableOp(m, TFloat32.class);
    Operand<TFloat32> vNew = after.withName("v_new").readVariableOp(v, TFloat32.class);
    return u.withName("var_sub").assignSubVariableOp(weight,
        u.math.realDiv(u.math.mul(mNew, alpha), u.math.add(u.math.sqrt(vNew), epsilon)));
  }

  /**
   * {@code 1 - beta} as Keras 3 forms it: in Python floats (double) from the decimal value, then cast
   * to float32. For 0.9 that is 0.1f; {@code 1f - 0.9f} in float32 would be 0.10000002f.
   */
  public static float oneMinus(float beta) {
    return (float) (1.0 - Double.parseDouble(Float.toString(beta)));
  }
}
