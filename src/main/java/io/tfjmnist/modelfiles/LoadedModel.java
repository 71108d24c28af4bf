package io.tfjmnist.modelfiles;

import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.optimizers.OptimizerState;
import java.util.Objects;
import java.util.Optional;

/**
 * A model as its files hold it: the architecture with its weights, Adam's state when it was saved
 * with them, and its {@link Provenance} when the program that wrote it kept one. What
 * {@link ModelFiles#read} returns and {@link ModelFiles#write} takes.
 *
 * @param weights the weights, with their architecture
 * @param optimizerState the optimizer's slots and step count (TF checkpoints and compiled Keras 3 models keep them)
 * @param provenance how the model was made
 * @param architectureSource where the architecture came from: {@link ArchitectureSource#FILE} when
 *     the file holds one (a Keras config), else the caller's default
 */
public record LoadedModel(ModelWeights weights, Optional<OptimizerState> optimizerState,
    Optional<Provenance> provenance, ArchitectureSource architectureSource) {

  /** Where a loaded model's architecture came from. */
  public enum ArchitectureSource {
    /** The file's own Keras config. */
    FILE,
    /** The reader's default: the file holds weights only (a TF checkpoint, {@code .weights.h5}, a subclassed model). */
    DEFAULT
  }

  public LoadedModel {
    Objects.requireNonNull(weights, "weights");
    Objects.requireNonNull(optimizerState, "optimizerState");
    Objects.requireNonNull(provenance, "provenance");
    Objects.requireNonNull(architectureSource, "architectureSource");
  }

  /** A model made in this process, to write: {@code state} and {@code provenance} may be null. */
  public static LoadedModel of(ModelWeights weights, OptimizerState state, Provenance provenance) {
    return new LoadedModel(weights, Optional.ofNullable(state), Optional.ofNullable(provenance),
        ArchitectureSource.DEFAULT);
  }

  public ModelArchitecture architecture() {
    return weights.architecture();
  }
}
