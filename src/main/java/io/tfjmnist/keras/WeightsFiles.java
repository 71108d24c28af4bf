package io.tfjmnist.keras;

import io.tfjmnist.checkpoint.CheckpointLayout;
import io.tfjmnist.checkpoint.WeightsFormat;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.optimizers.Optimizer;
import io.tfjmnist.optimizers.OptimizerState;
import io.tfjmnist.TfjMnistException;
import io.jhdf.HdfFile;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The one way in and out for weight files, whatever wrote them: the format is told from the bytes
 * ({@link WeightsFormat}), so {@code mnist} (TF checkpoint), {@code mnist.weights.h5} (Keras 3),
 * {@code mnist.h5} (Keras 2 legacy weights or whole model) and {@code mnist.keras} (Keras 3 archive)
 * all load the same way for a given architecture.
 */
public final class WeightsFiles {
  private WeightsFiles() {}

  /** The weights of {@code arch} in {@code path}, in any of the formats above. */
  public static ModelWeights load(Path path, ModelArchitecture arch) {
    return loadWithOptimizer(path, arch).weights();
  }

  /** The weights, and Adam's state when the file holds it (a TF checkpoint or a compiled Keras 3 model's). */
  public static WeightsCheckpoint.Loaded loadWithOptimizer(Path path, ModelArchitecture arch) {
    return switch (WeightsFormat.detect(path)) {
      case TF_CHECKPOINT -> WeightsCheckpoint.load(path, arch);
      case HDF5 -> KerasH5Weights.read(path, arch);
      case KERAS_ARCHIVE -> {
        byte[] h5 = KerasArchive.read(path).requireWeights(path);
        String where = path + " (model.weights.h5)";
        try (HdfFile file = KerasH5Weights.open(h5, where)) {
          yield KerasH5Weights.read(file, where, arch, null);
        }
      }
    };
  }

  /**
   * Saves like Keras: a name ending in {@code .weights.h5} gets Keras 3's HDF5 layout (the only name
   * Keras 3's {@code save_weights} accepts), any other a TF checkpoint with that prefix, in Keras 3's
   * {@code tf.train.Checkpoint(model=, optimizer=)} layout. {@code state} may be null; it is saved as
   * {@code optimizer}'s own variables (Adam's, SGD's or RMSprop's), so Keras restores it into that optimizer.
   */
  public static void save(Path path, ModelWeights weights, OptimizerState state, Optimizer optimizer) {
    save(path, weights, state, optimizer, CheckpointLayout.KERAS3);
  }

  /** As {@link #save(Path, ModelWeights, OptimizerState, Optimizer)}, a TF checkpoint in {@code layout}. */
  public static void save(Path path, ModelWeights weights, OptimizerState state, Optimizer optimizer,
      CheckpointLayout layout) {
    if (isKeras3WeightsName(path)) {
      KerasH5Writer.write(path, weights, state, optimizer);
      return;
    }
    if (WeightsFormat.hasKerasSuffix(path)) {
      throw new TfjMnistException("Cannot save weights as " + path + ": Keras 3 weights files must end in .weights.h5"
          + " (a name without a suffix saves a TF checkpoint; a whole model is written to NAME.keras by"
          + " KerasModelFiles.writeKeras).");
    }
    WeightsCheckpoint.save(path, weights, state, optimizer, layout);
  }

  /** {@code NAME.weights.h5}: what Keras 3's {@code save_weights} insists on. */
  public static boolean isKeras3WeightsName(Path path) {
    return path.getFileName() != null && path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".weights.h5");
  }
}
