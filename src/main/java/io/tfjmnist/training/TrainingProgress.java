package io.tfjmnist.training;

import io.tfjmnist.optimizers.Adam;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tfjmnist.TfjMnistException;
import io.tfjmnist.optimizers.AdamArithmetic;
import io.tfjmnist.training.EpochLogs;
import io.tfjmnist.training.TrainingConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * Where a training run stood when a {@link CheckpointManager} checkpoint was taken: everything that,
 * with the weights and Adam's state in the bundle, lets a resumed run continue exactly (the shuffle
 * order of epoch k depends only on the seed, the buffer size and k; the batch position on the batch
 * size). Stored as the JSON sidecar {@code ckpt-N.json} next to the bundle.
 *
 * @param completedEpochs epochs fully trained (and evaluated) before this checkpoint
 * @param stepInEpoch steps already done in epoch {@code completedEpochs + 1}; 0 at an epoch boundary
 * @param globalStep optimizer steps since the start of the run (Adam's {@code iterations})
 * @param lossTotal running {@code Mean} loss total of the partial epoch (0 at a boundary), float32
 *     exactly as {@link io.tfjmnist.metrics.Mean#restore} takes it
 * @param lossCount running {@code Mean} count of the partial epoch
 * @param correct running accuracy numerator of the partial epoch
 * @param count running accuracy denominator (examples) of the partial epoch
 * @param history one entry per completed epoch, 1-based epochs as the quickstart prints them
 * @param dataset the data set's Keras name ({@code mnist}, {@code fashion_mnist})
 * @param created when the checkpoint was written, ISO-8601 UTC
 * @param tfShuffle Python's shuffle seeds {@code GLOBAL:OP} when the batch order came from TF's kernel
 *     ({@code --tf-shuffle}); null for Java's own order
 * @param adam Adam's float32 arithmetic ({@code keras2} or {@code keras3}); null in sidecars written
 *     before it was recorded, which were all {@code keras2}
 * @param optimizer the optimizer trained with, as {@link io.tfjmnist.optimizers.Optimizer#describe()}
 *     writes it: its state in the checkpoint is that optimizer's slots; null in sidecars written before it
 *     was recorded
 */
public record TrainingProgress(
    int completedEpochs,
    int stepInEpoch,
    long globalStep,
    long seed,
    int shuffleBuffer,
    int batchSize,
    float lossTotal,
    float lossCount,
    float correct,
    float count,
    List<EpochLogs> history,
    String dataset,
    String created,
    String tfShuffle,
    String adam,
    String optimizer) {

  // NaN (no test set) is written as the string "NaN", which Jackson reads back into a float.
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES); // newer writers may add fields

  public TrainingProgress {
    if (completedEpochs < 0 || stepInEpoch < 0 || globalStep < 0) {
      throw new IllegalArgumentException("epochs, step and global step must be 0 or more");
    }
    history = history == null ? List.of() : List.copyOf(history);
    created = created == null ? Instant.now().toString() : created;
  }

  /** At the end of epoch {@code completedEpochs}: no partial-epoch sums. */
  public static TrainingProgress atEpochEnd(TrainingConfig config, String dataset, int completedEpochs,
      int stepsPerEpoch, List<EpochLogs> history) {
    return new TrainingProgress(completedEpochs, 0, (long) completedEpochs * stepsPerEpoch, config.seed(),
        config.shuffleBuffer(), config.batchSize(), 0f, 0f, 0f, 0f, history, dataset, Instant.now().toString(),
        tfShuffleOf(config), config.adamArithmetic().flagName(), config.optimizer().describe());
  }

  /** After {@code step} steps of epoch {@code completedEpochs + 1}, with that epoch's running metric sums. */
  public static TrainingProgress midEpoch(TrainingConfig config, String dataset, int completedEpochs, int step,
      int stepsPerEpoch, float lossTotal, float lossCount, float correct, float count, List<EpochLogs> history) {
    return new TrainingProgress(completedEpochs, step, (long) completedEpochs * stepsPerEpoch + step, config.seed(),
        config.shuffleBuffer(), config.batchSize(), lossTotal, lossCount, correct, count, history, dataset,
        Instant.now().toString(), tfShuffleOf(config), config.adamArithmetic().flagName(), config.optimizer().describe());
  }

  private static String tfShuffleOf(TrainingConfig config) {
    return config.tfShuffle() == null ? null : config.tfShuffle().toString();
  }

  public boolean atEpochBoundary() {
    return stepInEpoch == 0;
  }

  /**
   * Whether a run with {@code config} can continue from here and see the same batches: same seed,
   * shuffle buffer and batch size. Returns a one-sentence reason when it cannot, else null.
   */
  public String incompatibility(TrainingConfig config, String datasetName) {
    if (config.seed() != seed || config.shuffleBuffer() != shuffleBuffer || config.batchSize() != batchSize) {
      return "The checkpoint was trained with seed " + seed + ", shuffle buffer " + shuffleBuffer + " and batch size "
          + batchSize + ", but this run uses seed " + config.seed() + ", shuffle buffer " + config.shuffleBuffer()
          + " and batch size " + config.batchSize() + ".";
    }
    String thisShuffle = tfShuffleOf(config);
    if (!java.util.Objects.equals(tfShuffle, thisShuffle)) {
      return "The checkpoint's batch order came from " + batchOrder(tfShuffle) + ", but this run uses "
          + batchOrder(thisShuffle) + ".";
    }
    String thisAdam = config.adamArithmetic().flagName();
    String savedAdam = adam == null ? AdamArithmetic.KERAS2.flagName() : adam;
    if (!savedAdam.equals(thisAdam)) {
      return "The checkpoint was trained with " + savedAdam + " Adam arithmetic, but this run uses " + thisAdam
          + "; the weights would not continue exactly.";
    }
    // Another class keeps other slots; another learning rate (fine-tuning on) is the user's choice.
    if (optimizer != null && !optimizer.startsWith(config.optimizer().kerasClassName() + "(")) {
      return "The checkpoint was trained with " + optimizer + ", but this run uses " + config.optimizer().describe()
          + ": the optimizer state saved is the first one's.";
    }
    if (dataset != null && datasetName != null && !dataset.equals(datasetName)) {
      return "The checkpoint was trained on " + dataset + ", but this run uses " + datasetName + ".";
    }
    return null;
  }

  private static String batchOrder(String tfShuffleSeeds) {
    return tfShuffleSeeds == null ? "Java's shuffle" : "TF's shuffle with seeds " + tfShuffleSeeds;
  }

  public byte[] toJson() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise training progress", e);
    }
  }

  /** Parses a sidecar; {@code source} names it in the error message. */
  public static TrainingProgress fromJson(byte[] json, String source) {
    try {
      TrainingProgress p = JSON.readValue(json, TrainingProgress.class);
      if (p == null) {
        throw new TfjMnistException("Checkpoint metadata " + source + " is empty.");
      }
      return p;
    } catch (IOException | IllegalArgumentException e) {
      throw new TfjMnistException("Checkpoint metadata " + source + " is not valid: "
          + e.getMessage().lines().findFirst().orElse("") + ".", e);
    }
  }

  public String toJsonString() {
    return new String(toJson(), StandardCharsets.UTF_8);
  }
}
