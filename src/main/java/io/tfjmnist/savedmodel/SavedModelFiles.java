package io.tfjmnist.savedmodel;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.checkpoint.WeightsFormat;
import io.tfjmnist.checkpoint.CheckpointIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;

/**
 * The files of a SavedModel folder and the {@code saved_model.pb} proto, read without the native
 * runtime so that inspection and import work on any machine and fail with a sentence naming the
 * file rather than a TF status code.
 */
public final class SavedModelFiles {
  public static final String SAVED_MODEL_PB = "saved_model.pb";
  public static final String KERAS_METADATA_PB = "keras_metadata.pb";
  /** The tag TF Serving and {@code saved_model_cli} use for the inference graph. */
  public static final String SERVE_TAG = "serve";

  private SavedModelFiles() {}

  /** Whether {@code dir} is a folder holding {@code saved_model.pb}. */
  public static boolean isSavedModel(Path dir) {
    ExportFolders.recoverForReading(dir.toAbsolutePath().normalize());
    return Files.isDirectory(dir) && Files.isRegularFile(dir.resolve(SAVED_MODEL_PB));
  }

  /** Parses {@code dir/saved_model.pb}. */
  public static SavedModel read(Path dir) {
    ExportFolders.recoverForReading(dir.toAbsolutePath().normalize());
    Path pb = dir.resolve(SAVED_MODEL_PB);
    if (Files.isRegularFile(dir) && WeightsFormat.hasKerasSuffix(dir)) {
      throw new TfjMnistException(dir + " is a Keras file, not a SavedModel folder: load it as weights"
          + " (KerasModelFiles.load), or write a SavedModel from it with SavedModelExporter.export.");
    }
    if (!Files.isDirectory(dir)) {
      throw new TfjMnistException("SavedModel folder " + dir + " does not exist.");
    }
    if (!Files.isRegularFile(pb)) {
      throw new TfjMnistException("Folder " + dir + " is not a SavedModel: it has no " + SAVED_MODEL_PB + ".");
    }
    try {
      SavedModel sm = SavedModel.parseFrom(Files.readAllBytes(pb));
      if (sm.getMetaGraphsCount() == 0) {
        throw new TfjMnistException("SavedModel file " + pb + " holds no MetaGraphDef.");
      }
      return sm;
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new TfjMnistException("SavedModel file " + pb + " is corrupt or not a SavedModel proto: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new TfjMnistException("Could not read SavedModel file " + pb + ": " + e.getMessage() + ".", e);
    }
  }

  /**
   * The MetaGraphDef tagged {@code tag} ({@code serve}); a SavedModel with a single untagged graph
   * is accepted too, as the loaders of old TF versions did.
   */
  public static MetaGraphDef metaGraph(SavedModel sm, Path dir, String tag) {
    List<String> seen = new ArrayList<>();
    for (MetaGraphDef mg : sm.getMetaGraphsList()) {
      if (mg.getMetaInfoDef().getTagsList().contains(tag)) {
        return mg;
      }
      seen.add(mg.getMetaInfoDef().getTagsList().toString());
    }
    if (sm.getMetaGraphsCount() == 1 && sm.getMetaGraphs(0).getMetaInfoDef().getTagsCount() == 0) {
      return sm.getMetaGraphs(0);
    }
    throw new TfjMnistException("SavedModel " + dir + " has no MetaGraphDef tagged '" + tag
        + "' (its tag sets are " + String.join(", ", seen) + ").");
  }

  /** {@code dir/variables/variables}: the checkpoint prefix of the model's variables. */
  public static Path variablesPrefix(Path dir) {
    return dir.resolve("variables").resolve("variables");
  }

  /** Whether the model has saved variables ({@code variables/variables.index}). */
  public static boolean hasVariables(Path dir) {
    return Files.isRegularFile(CheckpointIndex.indexPath(variablesPrefix(dir)));
  }
}
