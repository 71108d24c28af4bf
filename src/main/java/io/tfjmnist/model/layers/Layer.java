package io.tfjmnist.model.layers;

import io.tfjmnist.model.WeightSpec;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.types.TFloat32;

/**
 * A Keras layer rebuilt with TF Java's Ops API. A layer declares its weights (Keras names:
 * {@code kernel}, {@code bias}) and, given the graph operands that hold them, adds its forward
 * computation to the graph. Layers own no TF state, so one description can build any number of
 * graphs (training, inference, export).
 */
public interface Layer {

  /** The attribute name in the Python model ({@code conv1}, {@code d1}); also the key prefix. */
  String name();

  /** Weights in Keras order, with shapes already resolved against the input shape. */
  List<WeightSpec> weights();

  /** Output shape without the batch dimension. */
  long[] outputShape();

  /**
   * Adds the layer's ops. {@code weights} maps each of {@link #weights()}'s names to the operand
   * that reads it (a variable in training, a constant or variable in inference).
   */
  Operand<TFloat32> call(Ops tf, Operand<TFloat32> input, Map<String, Operand<TFloat32>> weights);

  /**
   * The same function as {@link #call}, computed so that each image's result is bit for bit the
   * same whatever else is in the batch. TF's CPU kernels may choose their code path by batch size
   * (oneDNN's convolution sums the last images of some batches in another order); a layer whose
   * ops compute each image on its own (pooling, activations, reshapes) keeps {@link #call}.
   */
  default Operand<TFloat32> callPerImage(Ops tf, Operand<TFloat32> input, Map<String, Operand<TFloat32>> weights) {
    return call(tf, input, weights);
  }

  /**
   * The layer as {@code fit} calls it; only layers that behave differently in training (Dropout,
   * BatchNormalization) read {@code inputs}.
   */
  default Operand<TFloat32> callInTraining(Ops tf, Operand<TFloat32> input, Map<String, Operand<TFloat32>> weights,
      TrainingInputs inputs) {
    return call(tf, input, weights);
  }

  /**
   * Ops a training step runs besides the forward pass and the optimizer, given the layer's input in
   * that step: BatchNormalization's moving-statistics updates. {@code variables} maps each of
   * {@link #weights()}'s names to its variable.
   */
  default List<Op> trainingUpdates(Ops tf, Operand<TFloat32> input, Map<String, Operand<TFloat32>> weights,
      Map<String, VarHandleOp> variables) {
    return List.of();
  }
}
