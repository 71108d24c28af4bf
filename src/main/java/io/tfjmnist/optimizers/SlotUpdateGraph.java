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
 * Keras 3's {@link Sgd} and {@link RmsProp} as TF ops, each {@code update_step} written out op for op
 * in its order (keras/src/optimizers/sgd.py, rmsprop.py), with Python-float constants cast to
 * float32 as Keras's {@code ops} cast them. Two slots per weight: {@code m} (SGD's and RMSprop's
 * {@code momentums}) and {@code v} (RMSprop's {@code velocities}); a slot the optimizer does not use
 * stays zero.
 */
final class SlotUpdateGraph extends SlottedOptimizerGraph {

  SlotUpdateGraph(Ops tf, Optimizer optimizer, List<WeightSpec> specs, List<VarHandleOp> weights,
      List<Output<?>> gradients) {
    super(tf, specs);
    List<Op> updates = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      WeightSpec spec = specs.get(i);
      VarHandleOp m = slots.m.get(spec.path());
      VarHandleOp v = slots.v.get(spec.path());
      @SuppressWarnings("unchecked")
      Operand<TFloat32> grad = (Operand<TFloat32>) gradients.get(i);
      Ops u = opt.withSubScope("update_" + spec.path().replace('/', '_'));
      updates.add(optimizer instanceof Sgd sgd
          ? sgdUpdate(u, sgd, weights.get(i), m, grad)
          : rmsPropUpdate(u, (RmsProp) optimizer, weights.get(i), m, v, grad));
    }
    setStep(updates);
  }

  /**
   * Without momentum {@code var -= g * lr}; with it {@code m = m * momentum - g * lr}, then
   * {@code var += m}, or with Nesterov {@code var += m * momentum - g * lr} (the new m).
   */
  private Op sgdUpdate(Ops u, Sgd sgd, VarHandleOp weight, VarHandleOp m, Operand<TFloat32> grad) {
    Operand<TFloat32> step = u.math.mul(grad, lr);
    if (sgd.momentum() == 0f) {
      return u.withName("var_sub").assignSubVariableOp(weight, step);
    }
    Operand<TFloat32> momentum = u.constant(sgd.momentum());
    Op mAssign = u.withName("m_assign").assignVariableOp(m,
        u.math.sub(u.math.mul(u.readVariableOp(m, TFloat32.class), momentum), step));
    Ops after = u.withControlDependencies(List.of(mAssign));
    Operand<TFloat32> mNew = after.withName("m_new").readVariableOp(m, TFloat32.class);
    Operand<TFloat32> delta = sgd.nesterov() ? u.math.sub(u.math.mul(mNew, momentum), u.math.mul(grad, lr)) : mNew;
    return u.withName("var_add").assignAddVariableOp(weight, delta);
  }

  /**
   * {@code v = rho * v + (1 - rho) * g^2}; {@code increment = lr * g / sqrt(v + epsilon)}; then
   * {@code var -= increment}, or with momentum {@code m = momentum * m + increment; var -= m}.
   */
  private Op rmsPropUpdate(Ops u, RmsProp rms, VarHandleOp weight, VarHandleOp m, VarHandleOp v, Operand<TFloat32> grad) {
    Op vAssign = u.withName("v_assign").assignVariableOp(v, u.math.add(
        u.math.mul(u.constant(rms.rho()), u.readVariableOp(v, TFloat32.class)),
        u.math.mul(u.constant(AdamGraph.oneMinus(rms.rho())), u.math.square(grad))));
    Ops afterV = u.withControlDependencies(List.of(vAssign));
    Operand<TFloat32> vNew = afterV.withName("v_new").readVariableOp(v, TFloat32.class);
    Operand<TFloat32> increment = u.math.div(u.math.mul(lr, grad),
        u.math.sqrt(u.math.add(vNew, u.constant(rms.epsilon()))));
    if (rms.momentum() == 0f) {
      return u.withName("var_sub").assignSubVariableOp(weight, increment);
    }
    Op mAssign = u.withName("m_assign").assignVariableOp(m, u.math.add(
        u.math.mul(u.constant(rms.momentum()), u.readVariableOp(m, TFloat32.class)), increment));
    Operand<TFloat32> mNew = u.withControlDependencies(List.of(mAssign)).withName("m_new").readVariableOp(m, TFloat32.class);
    return u.withName("var_sub").assignSubVariableOp(weight, mNew);
  }
}
