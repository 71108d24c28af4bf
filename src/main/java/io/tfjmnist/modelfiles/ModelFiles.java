package io.tfjmnist.modelfiles;

import io.tfjmnist.checkpoint.CheckpointLayout;
import io.tfjmnist.checkpoint.CheckpointInfo;
import io.tfjmnist.checkpoint.WeightsFormat;
import io.tfjmnist.keras.KerasCheckpointWeights;
import io.tfjmnist.keras.KerasModelFiles;
import io.tfjmnist.keras.KerasModelImporter;
import io.tfjmnist.keras.KerasSavedModelInfo;
import io.tfjmnist.keras.WeightsFiles;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.optimizers.CompileConfig;
import io.tfjmnist.optimizers.Optimizer;
import io.tfjmnist.savedmodel.SavedModelExporter;
import io.tfjmnist.savedmodel.SavedModelFiles;
import io.tfjmnist.savedmodel.SavedModelInspector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The one way in and out for model files, whatever wrote them. The format is told from the file:
 *
 * <ul>
 *   <li>a TF checkpoint ({@code mnist}: {@code mnist.index} + {@code mnist.data-*}), Java's or Keras's
 *       {@code save_weights}, name-based or object-based;
 *   <li>Keras 3's {@code .weights.h5}, Keras 2's legacy {@code .h5} (weights or whole model);
 *   <li>Keras 3's {@code .keras} archive;
 *   <li>a SavedModel folder (its {@code variables/}).
 * </ul>
 *
 * <p>The architecture comes from the file where the file holds one (a Keras config); files that hold
 * only weights are read as the architecture the caller gives, the quickstart CNN by default. Each
 * model's {@link Provenance} travels with it ({@link ProvenanceFiles}).
 */
public final class ModelFiles {
  private ModelFiles() {}

  /** The model at {@code path}; weights-only files are read as the quickstart CNN. */
  public static LoadedModel read(Path path) {
    return read(path, ModelArchitecture.quickstartCnn());
  }

  /** The model at {@code path}; weights-only files are read as {@code whenFileHoldsNone}. */
  public static LoadedModel read(Path path, ModelArchitecture whenFileHoldsNone) {
    Optional<Provenance> provenance = ProvenanceFiles.read(path);
    if (SavedModelFiles.isSavedModel(path)) {
      KerasModelImporter.Rebuilt rebuilt = KerasModelImporter.rebuild(path, whenFileHoldsNone);
      return new LoadedModel(rebuilt.weights(), Optional.empty(), provenance, rebuilt.how().equals("Keras config")
          ? LoadedModel.ArchitectureSource.FILE : LoadedModel.ArchitectureSource.DEFAULT);
    }
    KerasModelFiles.Read read = KerasModelFiles.read(path, whenFileHoldsNone);
    return new LoadedModel(read.loaded().weights(), read.loaded().optimizerState(), provenance,
        read.architectureFromFile() ? LoadedModel.ArchitectureSource.FILE : LoadedModel.ArchitectureSource.DEFAULT);
  }

  /**
   * The model at {@code path}, its architecture from {@code architecture} when the file holds none:
   * a {@code .keras} file or a Keras config JSON ({@link #architectureOf}). Without one (null), as
   * {@link #read(Path)}. A file that holds its own architecture (a {@code .keras}, a SavedModel with a
   * Keras config) is read as that; {@code architecture} is for weights-only files.
   */
  public static LoadedModel read(Path path, Path architecture) {
    if (architecture == null) {
      return read(path);
    }
    ModelKind kind = kindOf(path);
    if (kind == ModelKind.TF_CHECKPOINT || kind == ModelKind.KERAS_H5) {
      KerasModelFiles.Read read = KerasModelFiles.read(path, architecture);
      return new LoadedModel(read.loaded().weights(), read.loaded().optimizerState(), ProvenanceFiles.read(path),
          LoadedModel.ArchitectureSource.FILE);
    }
    return read(path, architectureOf(architecture));
  }

  /**
   * The architecture a Keras file describes: a {@code .keras} archive's {@code config.json}, a JSON
   * file of {@code model.to_json()} or that {@code config.json}, or a Keras 2 whole-model {@code .h5}.
   * Sequential and functional models of this project's layers only.
   */
  public static ModelArchitecture architectureOf(Path file) {
    return KerasModelFiles.architecture(file);
  }

  /**
   * The model {@code file} describes (a {@code .keras}, a Keras config JSON, a Keras 2 whole-model
   * {@code .h5}) with fresh weights instead of its own: each drawn with the config's initializer,
   * bit for bit the weights Keras 3 gives the model when it builds it right after
   * {@code keras.utils.set_random_seed(globalSeed)}. Anything but Keras's standard initializers
   * (Glorot, He, Lecun, VarianceScaling, RandomUniform/Normal, TruncatedNormal, Zeros, Ones,
   * Constant) is refused with one error naming it.
   */
  public static LoadedModel freshWeights(Path file, long globalSeed) {
    return new LoadedModel(KerasModelFiles.freshWeights(file, globalSeed), Optional.empty(), Optional.empty(),
        LoadedModel.ArchitectureSource.FILE);
  }

  /**
   * What {@code path} names, told from the files: a SavedModel folder (it holds
   * {@code saved_model.pb}), else a weights or Keras file by its first bytes, else a TF checkpoint
   * prefix or folder. Throws for a file none of these (with its first bytes named) and for a missing
   * Keras file.
   */
  public static ModelKind kindOf(Path path) {
    if (SavedModelFiles.isSavedModel(path)) {
      return ModelKind.SAVED_MODEL;
    }
    return switch (WeightsFormat.detect(path)) {
      case TF_CHECKPOINT -> ModelKind.TF_CHECKPOINT;
      case HDF5 -> ModelKind.KERAS_H5;
      case KERAS_ARCHIVE -> ModelKind.KERAS_MODEL;
    };
  }

  /**
   * Reads {@code arch}'s weights from any TF checkpoint (Java's, Keras's object-based or a TF1
   * name-based one) or a SavedModel's {@code variables/}, matching Keras's variable names to the
   * architecture's layers.
   */
  public static LoadedModel readCheckpoint(Path prefixOrSavedModel, ModelArchitecture arch) {
    return new LoadedModel(KerasCheckpointWeights.load(prefixOrSavedModel, arch).weights(), Optional.empty(),
        ProvenanceFiles.read(prefixOrSavedModel),
        LoadedModel.ArchitectureSource.DEFAULT);
  }

  /**
   * What {@code model.compile} recorded in the Keras file at {@code path} (optimizer, loss); empty for
   * a file saved uncompiled and for formats that keep no compile config (checkpoints, weights files,
   * SavedModels).
   */
  public static Optional<CompileConfig> compileConfig(Path path) {
    return KerasModelFiles.compileConfig(path);
  }

  /** Only the provenance kept with the model at {@code path}, without reading its weights; empty when none. */
  public static Optional<Provenance> provenance(Path path) {
    return ProvenanceFiles.read(path);
  }

  /**
   * Writes {@code model} as Keras would, the format chosen by the name: {@code NAME.keras} a Keras 3
   * archive that {@code keras.saving.load_model} opens, {@code NAME.weights.h5} Keras 3's weights
   * file, any other name a TF checkpoint with that prefix, in Keras 3's {@code tf.train.Checkpoint} layout.
   * The optimizer's state is kept when the model has it, as {@code optimizer}'s (Adam, SGD, RMSprop;
   * a TF checkpoint keeps Adam's only); the provenance beside it. Each file is replaced atomically.
   */
  public static void write(Path path, LoadedModel model, Optimizer optimizer) {
    write(path, model, optimizer, CheckpointLayout.KERAS3);
  }

  /**
   * As {@link #write(Path, LoadedModel, Optimizer)}; a TF checkpoint carries the object graph of
   * {@code layout}: Keras 3's {@code tf.train.Checkpoint(model=, optimizer=)} or Keras 2's {@code save_weights}.
   */
  public static void write(Path path, LoadedModel model, Optimizer optimizer, CheckpointLayout layout) {
    String name = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".keras")) {
      KerasModelFiles.writeKeras(path, model.weights(), model.optimizerState().orElse(null), optimizer);
    } else {
      WeightsFiles.save(path, model.weights(), model.optimizerState().orElse(null), optimizer, layout);
    }
    ProvenanceFiles.write(path, model.provenance().orElse(null));
  }

  /**
   * Exports {@code model} as a SavedModel version folder (TF Serving's layout: signature
   * {@code serving_default}, float32 [-1,28,28,1] to probabilities), its provenance in
   * {@code assets.extra/}; returns the folder written.
   */
  public static Path exportSavedModel(LoadedModel model, Path dir, boolean overwrite) {
    Path written = SavedModelExporter.export(model.weights(), dir, overwrite);
    ProvenanceFiles.write(written, model.provenance().orElse(null));
    return written;
  }

  /** Whether {@link #write} would save {@code path} in Keras 3's HDF5 layout ({@code NAME.weights.h5}). */
  public static boolean isKeras3WeightsName(Path path) {
    return WeightsFiles.isKeras3WeightsName(path);
  }

  /** Whether {@code path} is named like a Keras file ({@code .h5}, {@code .hdf5}, {@code .keras}). */
  public static boolean hasKerasSuffix(Path path) {
    return WeightsFormat.hasKerasSuffix(path);
  }

  /** What the file at {@code path} is, in words: "TF checkpoint", "HDF5 file", ".keras archive", "SavedModel"; see also {@link #kindOf}. */
  public static String formatOf(Path path) {
    if (SavedModelFiles.isSavedModel(path)) {
      return "SavedModel";
    }
    return WeightsFormat.detect(path).description();
  }

  /**
   * What {@code inspect} prints: a SavedModel's tags, signatures and variables, a checkpoint's keys and
   * object graph, a Keras file's config and datasets; then the model's provenance when it has one.
   */
  public static List<String> describe(Path path) {
    List<String> lines = new ArrayList<>(switch (kindOf(path)) {
      case SAVED_MODEL -> {
        List<String> savedModel = new ArrayList<>(SavedModelInspector.inspectSavedModel(path).describe());
        savedModel.addAll(KerasSavedModelInfo.inspect(path).describe());
        yield savedModel;
      }
      case TF_CHECKPOINT -> CheckpointInfo.inspect(path).describe();
      case KERAS_H5, KERAS_MODEL -> KerasModelFiles.describe(path);
    });
    provenance(path).ifPresent(p -> lines.addAll(p.describe()));
    return lines;
  }
}
