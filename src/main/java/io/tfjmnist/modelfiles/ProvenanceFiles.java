package io.tfjmnist.modelfiles;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.checkpoint.CheckpointIndex;
import io.tfjmnist.checkpoint.WeightsFormat;
import io.tfjmnist.files.AtomicFiles;
import io.tfjmnist.savedmodel.SavedModelFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a model's {@link Provenance} lives, in a form its format tolerates unchanged: a SavedModel
 * keeps it in {@code assets.extra/provenance.json} (TF Serving and {@code tf.saved_model.load} ignore
 * that folder); a TF checkpoint, a {@code .weights.h5} or a {@code .keras} in a sidecar file
 * {@code NAME.provenance.json} beside it, so Keras's and TF's own loaders read the files byte for
 * byte as before.
 */
final class ProvenanceFiles {
  static final String SUFFIX = ".provenance.json";
  static final Path IN_SAVED_MODEL = Path.of("assets.extra", "provenance.json");

  private ProvenanceFiles() {}

  /** The provenance file of the model at {@code path} (a file, a checkpoint prefix or a SavedModel folder). */
  static Path of(Path path) {
    if (SavedModelFiles.isSavedModel(path)) {
      return path.resolve(IN_SAVED_MODEL);
    }
    if (WeightsFormat.hasKerasSuffix(path)
        || Files.isRegularFile(path) && WeightsFormat.detect(path) != WeightsFormat.TF_CHECKPOINT) {
      return path.resolveSibling(path.getFileName() + SUFFIX);
    }
    Path prefix = CheckpointIndex.resolvePrefix(path); // mnist, mnist.index and a folder name one prefix
    return prefix.resolveSibling(prefix.getFileName() + SUFFIX);
  }

  /** The provenance kept with the model at {@code path}; empty when it has none (Python's files, old ones). */
  static Optional<Provenance> read(Path path) {
    Path file;
    try {
      file = of(path);
    } catch (TfjMnistException e) {
      return Optional.empty(); // no model there: reading its weights says why
    }
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Provenance.parse(Files.readString(file, StandardCharsets.UTF_8), file.toString()));
    } catch (IOException e) {
      throw new TfjMnistException("Cannot read the model's provenance " + file + ": " + e.getMessage() + ".", e);
    }
  }

  /**
   * Writes {@code provenance} for the model just written at {@code path}, or, when it is null, removes
   * a provenance file left by an earlier model there, which would otherwise describe the wrong model.
   */
  static void write(Path path, Provenance provenance) {
    Path file = of(path);
    try {
      if (provenance == null) {
        Files.deleteIfExists(file);
      } else {
        AtomicFiles.write(file, provenance.toJson().getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new TfjMnistException("Cannot write the model's provenance " + file + ": " + e.getMessage() + ".", e);
    }
  }
}
