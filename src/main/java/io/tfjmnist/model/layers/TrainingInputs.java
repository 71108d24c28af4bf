package io.tfjmnist.model.layers;

import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * What a layer reads in {@code fit} besides its input and weights.
 *
 * @param training float32 scalar: 1 in a training step, 0 when the same graph evaluates
 * @param step int64 scalar: the training steps done before this one (Keras's SeedGenerator counter)
 * @param globalSeed the seed {@code keras.utils.set_random_seed} was given before the model was
 *     built; layers that draw (Dropout) take their seeds from it as Keras 3 does
 */
public record TrainingInputs(Operand<TFloat32> training, Operand<TInt64> step, long globalSeed) {}
