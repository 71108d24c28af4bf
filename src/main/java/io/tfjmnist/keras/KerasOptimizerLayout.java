package io.tfjmnist.keras;

import io.tfjmnist.model.WeightSpec;
import io.tfjmnist.optimizers.Adam;
import io.tfjmnist.optimizers.Optimizer;
import io.tfjmnist.optimizers.OptimizerState;
import io.tfjmnist.optimizers.RmsProp;
import io.tfjmnist.optimizers.Sgd;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.Tensor;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Where each optimizer {@code train} supports keeps its state in Keras's files, learned from Keras 3.15's
 * own {@code optimizer.variables} and {@code tf.train.Checkpoint} object graphs and from Keras 2's
 * OptimizerV2: the per-weight slot lists, their names in both Keras versions, and which of
 * {@link OptimizerState}'s two slots holds each.
 *
 * <table>
 *   <caption>Slot lists</caption>
 *   <tr><th>optimizer</th><th>Keras 3 lists</th><th>Keras 2 slots</th></tr>
 *   <tr><td>Adam</td><td>{@code _momentums} (m), {@code _velocities} (v), built per weight interleaved</td>
 *       <td>{@code m}, {@code v}</td></tr>
 *   <tr><td>SGD, momentum above 0</td><td>{@code momentums} (m)</td><td>{@code momentum}</td></tr>
 *   <tr><td>SGD, no momentum</td><td>none</td><td>none</td></tr>
 *   <tr><td>RMSprop</td><td>{@code _velocities} (v), then {@code _momentums} (m) when momentum is above 0</td>
 *       <td>{@code rms}, then {@code momentum}</td></tr>
 * </table>
 *
 * Keras 3's {@code optimizer.variables} are {@code iterations}, {@code learning_rate}, then the slots:
 * Adam builds both of a weight's slots before the next weight's, the others list after list.
 */
final class KerasOptimizerLayout {
  private KerasOptimizerLayout() {}

  /**
   * One per-weight slot list.
   *
   * @param keras3Attribute the Keras 3 optimizer attribute listing it ({@code _momentums})
   * @param keras2Slot Keras 2's OptimizerV2 slot name ({@code m})
   * @param m whether {@link OptimizerState#m} holds it (else {@link OptimizerState#v})
   */
  record SlotList(String keras3Attribute, String keras2Slot, boolean m) {
    float[] value(OptimizerState state, String weightPath) {
      return m ? state.m(weightPath) : state.v(weightPath);
    }
  }

  /** One of Keras 3's optimizer variables after {@code iterations} and {@code learning_rate}. */
  record Slot(int weightIndex, WeightSpec spec, SlotList list) {}

  static final SlotList ADAM_M = new SlotList("_momentums", "m", true);
  static final SlotList ADAM_V = new SlotList("_velocities", "v", false);
  static final SlotList SGD_MOMENTUM = new SlotList("momentums", "momentum", true);
  static final SlotList RMS_VELOCITY = new SlotList("_velocities", "rms", false);
  static final SlotList RMS_MOMENTUM = new SlotList("_momentums", "momentum", true);

  /** Every list a reader may meet, for reading a checkpoint whose optimizer it is not told. */
  static final List<SlotList> ALL = List.of(ADAM_M, ADAM_V, SGD_MOMENTUM, RMS_VELOCITY, RMS_MOMENTUM);

  /** The optimizer's slot lists in the order Keras builds them. */
  static List<SlotList> slotLists(Optimizer optimizer) {
    if (optimizer instanceof Adam) {
      return List.of(ADAM_M, ADAM_V);
    } else if (optimizer instanceof Sgd sgd) {
      return sgd.momentum() != 0 ? List.of(SGD_MOMENTUM) : List.of();
    } else if (optimizer instanceof RmsProp rms) {
      return rms.momentum() > 0 ? List.of(RMS_VELOCITY, RMS_MOMENTUM) : List.of(RMS_VELOCITY);
    }
    throw new IllegalArgumentException("no Keras layout for " + optimizer.describe());
  }

  /** Keras 3's optimizer variables after iterations and learning rate, in {@code optimizer.variables} order. */
  static List<Slot> variables(Optimizer optimizer, List<WeightSpec> trainable) {
    List<SlotList> lists = slotLists(optimizer);
    List<Slot> out = new ArrayList<>();
    if (optimizer instanceof Adam) {
      // add_optimizer_variables(var_list, ["momentum", "velocity"]): both slots of a weight, then the next
      for (int j = 0; j < trainable.size(); j++) {
        for (SlotList l : lists) {
          out.add(new Slot(j, trainable.get(j), l));
        }
      }
    } else {
      for (SlotList l : lists) {
        for (int j = 0; j < trainable.size(); j++) {
          out.add(new Slot(j, trainable.get(j), l));
        }
      }
    }
    return out;
  }

  /**
   * Keras 2's OptimizerV2 as its checkpoint tracks it: {@code iter}, then the hyperparameters in
   * sorted order ({@code _create_hypers} sorts them), then the slots.
   */
  static KerasObjectGraph.Optimizer keras2(Optimizer optimizer) {
    List<String> slots = slotLists(optimizer).stream().map(SlotList::keras2Slot).toList();
    Map<String, String> lists = new java.util.LinkedHashMap<>();
    slotLists(optimizer).forEach(l -> lists.put(l.keras2Slot(), l.keras3Attribute()));
    List<KerasObjectGraph.Hyper> hypers;
    if (optimizer instanceof Adam) {
      hypers = KerasObjectGraph.Optimizer.hypers("iter", "beta_1", "beta_2", "decay", "learning_rate");
    } else if (optimizer instanceof Sgd) {
      hypers = KerasObjectGraph.Optimizer.hypers("iter", "decay", "learning_rate", "momentum");
    } else {
      hypers = KerasObjectGraph.Optimizer.hypers("iter", "decay", "learning_rate", "momentum", "rho");
    }
    return new KerasObjectGraph.Optimizer(optimizer.kerasClassName(), hypers, slots, lists);
  }

  /** The value of Keras 2 hyperparameter {@code name}. */
  static Tensor keras2Hyper(String name, OptimizerState state, Optimizer optimizer) {
    return switch (name) {
      case "iter" -> TInt64.scalarOf(state.iterations());
      case "learning_rate" -> TFloat32.scalarOf(optimizer.learningRate());
      case "decay" -> TFloat32.scalarOf(0f); // Keras 3 has no decay: a constant learning rate
      case "beta_1" -> TFloat32.scalarOf(((Adam) optimizer).beta1());
      case "beta_2" -> TFloat32.scalarOf(((Adam) optimizer).beta2());
      case "momentum" -> TFloat32.scalarOf(optimizer instanceof Sgd s ? s.momentum() : ((RmsProp) optimizer).momentum());
      case "rho" -> TFloat32.scalarOf(((RmsProp) optimizer).rho());
      default -> throw new IllegalStateException("unknown " + optimizer.kerasClassName() + " hyperparameter " + name);
    };
  }
}
