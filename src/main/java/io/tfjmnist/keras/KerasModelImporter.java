package io.tfjmnist.keras;

import io.tfjmnist.savedmodel.SavedModelFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tfjmnist.TfjMnistException;
import io.tfjmnist.checkpoint.CheckpointReader;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.model.WeightSpec;
import io.tfjmnist.model.layers.Layer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph;

/**
 * Rebuilds a Keras model saved with {@code model.save(dir)} (SavedModel format) as the project's
 * {@link ModelArchitecture} and {@link ModelWeights}, without running any of its graph: the
 * architecture comes from the Keras config JSON ({@link KerasMetadata}, {@link KerasModelConfig}),
 * the weights from the SavedModel's variables checkpoint, found through the layers' object paths.
 *
 * <p>Only Sequential models and functional models that are a single chain of layers can be rebuilt
 * from config; a subclassed model's architecture is Python code, so for those (and for any
 * {@code save_weights} checkpoint) give the architecture and use {@link #weightsFromCheckpoint}.
 */
public final class KerasModelImporter {
  private static final ObjectMapper JSON = new ObjectMapper();

  private KerasModelImporter() {}

  /** Reads the architecture and weights of the Keras model saved in {@code dir}. */
  public static ImportedKerasModel fromSavedModel(Path dir) {
    SavedModel sm = SavedModelFiles.read(dir);
    MetaGraphDef mg = SavedModelFiles.metaGraph(sm, dir, SavedModelFiles.SERVE_TAG);
    KerasMetadata meta = KerasMetadata.read(dir, mg).orElseThrow(() -> new TfjMnistException("SavedModel " + dir
        + " keeps no Keras model config (no keras_metadata.pb and no Keras objects in its object graph;"
        + " Keras 3 writes none), so its architecture cannot be rebuilt from it; run its signature as it is,"
        + " or read its variables for a known architecture."));
    String where = "SavedModel " + dir + " (" + meta.source() + ")";
    KerasMetadata.Node root = meta.root().filter(n -> !n.metadata().isBlank()).orElseThrow(
        () -> new TfjMnistException(where + " has no Keras metadata for its root model."));
    KerasModelConfig config = KerasModelConfig.parse(root.metadata(), where);
    KerasArchitecture.Built built = KerasArchitecture.build(config, signatureInputShape(mg), where);
    ModelArchitecture arch = built.architecture();
    List<Layer> layers = arch.layers();

    Path prefix = SavedModelFiles.variablesPrefix(dir);
    if (!SavedModelFiles.hasVariables(dir) && !arch.weights().isEmpty()) {
      throw new TfjMnistException(where + " has no variables/variables.index, so its weights cannot be read.");
    }
    Map<String, String> layerPaths = layerObjectPaths(meta);
    Map<String, float[]> values = new LinkedHashMap<>();
    Map<String, String> keys = new LinkedHashMap<>();
    try (CheckpointReader reader = CheckpointReader.open(prefix)) {
      TrackableObjectGraph graph = reader.hasObjectGraph() ? reader.objectGraph() : null;
      for (Layer layer : layers) {
        if (layer.weights().isEmpty()) {
          continue;
        }
        String objectPath = layerPaths.getOrDefault(layer.name(),
            fallbackPath(config, built.configIndex().get(layers.indexOf(layer))));
        for (WeightSpec spec : layer.weights()) {
          String key = tensorKey(reader, graph, objectPath + "/" + spec.name()).orElseThrow(() -> new TfjMnistException(
              where + " has no saved variable for weight '" + spec.name() + "' of layer '" + layer.name()
                  + "' (object path " + objectPath + "/" + spec.name() + ")."));
          long[] saved = reader.entry(key).shape();
          if (!Arrays.equals(saved, spec.shape())) {
            throw new TfjMnistException(where + ": tensor '" + key + "' (weight " + spec.path() + ") has shape "
                + Arrays.toString(saved) + " but the Keras config gives " + Arrays.toString(spec.shape()) + ".");
          }
          values.put(spec.path(), reader.readFloats(key));
          keys.put(spec.path(), key);
        }
      }
    }
    return new ImportedKerasModel(dir, arch, ModelWeights.of(arch, values), config, keys, built.notes());
  }

  /**
   * A SavedModel's model rebuilt in Java, and how it was rebuilt.
   *
   * @param weights the architecture and its weights, read from the SavedModel's own variables
   * @param how "Keras config" or "quickstart model" (for reports)
   */
  public record Rebuilt(ModelWeights weights, String how) {}

  /**
   * The model a Python SavedModel holds, with the weights of its own {@code variables/}: rebuilt from
   * its Keras config when it has one (Keras 2 {@code model.save}); otherwise, when its variables are
   * the quickstart model's weights, that architecture (Keras 3 {@code model.export()},
   * {@code python-reference/export.py}, {@code tf.saved_model.save}, which keep no Keras config).
   */
  public static Rebuilt rebuild(Path dir, ModelArchitecture whenFileHoldsNone) {
    SavedModel sm = SavedModelFiles.read(dir);
    MetaGraphDef mg = SavedModelFiles.metaGraph(sm, dir, SavedModelFiles.SERVE_TAG);
    if (KerasMetadata.read(dir, mg).isPresent()) {
      return new Rebuilt(fromSavedModel(dir).weights(), "Keras config");
    }
    if (!SavedModelFiles.hasVariables(dir)) {
      throw new TfjMnistException("SavedModel " + dir + " keeps no Keras model config and no variables/, so there is"
          + " nothing to rebuild its model from in Java.");
    }
    try {
      return new Rebuilt(KerasCheckpointWeights.load(dir, whenFileHoldsNone).weights(), "quickstart model");
    } catch (TfjMnistException e) {
      throw new TfjMnistException("SavedModel " + dir + " keeps no Keras model config (no keras_metadata.pb, no Keras"
          + " objects in its object graph; Keras 3 writes none), and its variables are not the quickstart model's,"
          + " so its architecture is unknown in Java. " + e.getMessage(), e);
    }
  }

  /** Just the architecture of {@link #fromSavedModel}. */
  public static ModelArchitecture architectureFromSavedModel(Path dir) {
    return fromSavedModel(dir).architecture();
  }

  /**
   * Reads {@code arch}'s weights from a Keras TF-format checkpoint ({@code save_weights},
   * {@code ModelCheckpoint}), a TF1 name-based checkpoint, or a SavedModel's variables; see
   * {@link KerasCheckpointWeights} for the key namings understood.
   *
   * @param prefixOrSavedModel a checkpoint prefix, its {@code .index}, a folder with a
   *     {@code checkpoint} file, or a SavedModel folder
   */
  public static ModelWeights weightsFromCheckpoint(Path prefixOrSavedModel, ModelArchitecture arch) {
    return KerasCheckpointWeights.load(prefixOrSavedModel, arch).weights();
  }

  private static long[] signatureInputShape(MetaGraphDef mg) {
    SignatureDef sig = mg.getSignatureDefMap().get("serving_default");
    if (sig == null || sig.getInputsCount() != 1) {
      return null;
    }
    TensorInfo t = sig.getInputsMap().values().iterator().next();
    if (t.getTensorShape().getUnknownRank()) {
      return null;
    }
    return t.getTensorShape().getDimList().stream().mapToLong(d -> d.getSize()).toArray();
  }

  /** Keras layer name to its object path under the root ({@code layer_with_weights-0}), from the metadata. */
  private static Map<String, String> layerObjectPaths(KerasMetadata meta) {
    Map<String, String> out = new LinkedHashMap<>();
    for (KerasMetadata.Node n : meta.topLevelLayers()) {
      layerName(n.metadata()).ifPresent(name -> out.putIfAbsent(name, n.path()));
    }
    return out;
  }

  private static Optional<String> layerName(String metadataJson) {
    if (metadataJson == null || metadataJson.isBlank()) {
      return Optional.empty();
    }
    try {
      JsonNode n = JSON.readTree(metadataJson);
      return Optional.ofNullable(n.get("name")).map(JsonNode::asText);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * Where Keras tracks a layer when the metadata did not say: a Sequential model's i-th layer
   * (InputLayer excluded) is {@code layer-i}; a functional model's (InputLayer included) too.
   */
  private static String fallbackPath(KerasModelConfig config, int index) {
    int i = index;
    if (config.isSequential()) {
      i = (int) config.layers().subList(0, index).stream().filter(l -> !l.className().equals("InputLayer")).count();
    }
    return "layer-" + i;
  }

  private static Optional<String> tensorKey(CheckpointReader reader, TrackableObjectGraph graph, String objectPath) {
    return KerasCheckpointWeights.objectKey(reader, graph, objectPath);
  }
}
