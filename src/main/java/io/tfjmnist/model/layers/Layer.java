package io.tfjmnist.model.layers;

import io.tfjmnist.model.WeightSpec;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
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
}
