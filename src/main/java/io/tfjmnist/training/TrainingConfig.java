package io.tfjmnist.training;

import io.tfjmnist.optimizers.Adam;
import io.tfjmnist.optimizers.AdamArithmetic;
import io.tfjmnist.optimizers.Optimizer;

/**
 * The quickstart's recipe as settings: {@code shuffle(10000).batch(32)}, {@code Adam()}, 5 epochs.
 *
 * @param seed fixes the initial weights and the shuffle order of every epoch
 * @param threads TF intra- and inter-op threads; 0 keeps TF's defaults (all cores)
 * @param device a device to pin the graph to ({@code /GPU:0}), or null for TF's placement
 * @param tfShuffle Python's shuffle seeds: the batch order then comes from TF's own shuffle kernel
 *     ({@link TfShuffle}) instead of Java's {@code ShuffleBuffer} drawn from {@code seed}; null for Java's
 * @param adamArithmetic how Adam's update is computed in float32 (null: Keras 2's fused kernel)
 * @param optimizer the optimizer trained with: a model file's compiled one (Adam, SGD, RMSprop); null
 *     for {@code adam}
 * @param fromLogits whether the loss reads the model's output as logits (Keras's
 *     {@code SparseCategoricalCrossentropy(from_logits=True)}) rather than as probabilities
 */
public record TrainingConfig(int epochs, int batchSize, int shuffleBuffer, Adam adam, long seed, int threads,
    String device, TfShuffle.Seeds tfShuffle, AdamArithmetic adamArithmetic, Optimizer optimizer, boolean fromLogits) {

  public TrainingConfig {
    if (epochs < 1) {
      throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
    }
    if (shuffleBuffer < 1) {
      throw new IllegalArgumentException("shuffle buffer must be at least 1, got " + shuffleBuffer);
    }
    if (threads < 0) {
      throw new IllegalArgumentException("threads must be 0 (TF's default) or more, got " + threads);
    }
    device = Device.parse(device);
    adamArithmetic = adamArithmetic == null ? AdamArithmetic.KERAS2 : adamArithmetic;
    optimizer = optimizer == null ? adam : optimizer;
  }

  public TrainingConfig(int epochs, int batchSize, int shuffleBuffer, Adam adam, long seed, int threads,
      String device, TfShuffle.Seeds tfShuffle, AdamArithmetic adamArithmetic) {
    this(epochs, batchSize, shuffleBuffer, adam, seed, threads, device, tfShuffle, adamArithmetic, null, false);
  }

  public TrainingConfig(int epochs, int batchSize, int shuffleBuffer, Adam adam, long seed, int threads,
      String device) {
    this(epochs, batchSize, shuffleBuffer, adam, seed, threads, device, null, null);
  }

  public TrainingConfig(int epochs, int batchSize, int shuffleBuffer, Adam adam, long seed, int threads) {
    this(epochs, batchSize, shuffleBuffer, adam, seed, threads, null);
  }

  /** The quickstart script's settings, with seed 42. */
  public static TrainingConfig quickstartDefaults() {
    return new TrainingConfig(5, 32, 10_000, Adam.kerasDefaults(), 42L, 0, null);
  }

  public TrainingConfig withEpochs(int e) {
    return new TrainingConfig(e, batchSize, shuffleBuffer, adam, seed, threads, device, tfShuffle, adamArithmetic, optimizer, fromLogits);
  }

  public TrainingConfig withBatchSize(int b) {
    return new TrainingConfig(epochs, b, shuffleBuffer, adam, seed, threads, device, tfShuffle, adamArithmetic, optimizer, fromLogits);
  }

  public TrainingConfig withShuffleBuffer(int s) {
    return new TrainingConfig(epochs, batchSize, s, adam, seed, threads, device, tfShuffle, adamArithmetic, optimizer, fromLogits);
  }

  /** Adam with {@code a}'s hyperparameters, replacing the optimizer. */
  public TrainingConfig withAdam(Adam a) {
    return new TrainingConfig(epochs, batchSize, shuffleBuffer, a, seed, threads, device, tfShuffle, adamArithmetic, a, fromLogits);
  }

  public TrainingConfig withSeed(long s) {
    return new TrainingConfig(epochs, batchSize, shuffleBuffer, adam, s, threads, device, tfShuffle, adamArithmetic, optimizer, fromLogits);
  }

  public TrainingConfig withDevice(String d) {
    return new TrainingConfig(epochs, batchSize, shuffleBuffer, adam, seed, threads, d, tfShuffle, adamArithmetic, optimizer, fromLogits);
  }

  /**
   * The seed {@code keras.utils.set_random_seed} is taken to have had when the model was built:
   * {@code tfShuffle}'s global seed when given (a replay of a Python run), else {@code seed}. Dropout
   * draws Keras 3's masks from it.
   */
  public long kerasGlobalSeed() {
    return tfShuffle != null ? tfShuffle.global() : seed;
  }

  /** Python's batch order from TF's shuffle kernel with these seeds; null returns to Java's own order. */
  public TrainingConfig withTfShuffle(TfShuffle.Seeds seeds) {
    return new TrainingConfig(epochs, batchSize, shuffleBuffer, adam, seed, threads, device, seeds, adamArithmetic, optimizer, fromLogits);
  }

  public TrainingConfig withAdamArithmetic(AdamArithmetic a) {
    return new TrainingConfig(epochs, batchSize, shuffleBuffer, adam, seed, threads, device, tfShuffle, a, optimizer, fromLogits);
  }

  public TrainingConfig withThreads(int t) {
    return new TrainingConfig(epochs, batchSize, shuffleBuffer, adam, seed, t, device, tfShuffle, adamArithmetic, optimizer, fromLogits);
  }

  /**
   * A model file's compiled optimizer and loss: the run trains with {@code o} (an Adam also becomes
   * {@link #adam()}), and its loss reads the output as logits when {@code logits}.
   */
  public TrainingConfig withCompile(Optimizer o, boolean logits) {
    Adam a = o instanceof Adam given ? given : adam;
    return new TrainingConfig(epochs, batchSize, shuffleBuffer, a, seed, threads, device, tfShuffle, adamArithmetic, o, logits);
  }
}
