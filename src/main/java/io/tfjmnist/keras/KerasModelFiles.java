package io.tfjmnist.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jhdf.HdfFile;
import io.tfjmnist.TfjMnistException;
import io.tfjmnist.checkpoint.WeightsFormat;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.optimizers.Adam;
import io.tfjmnist.optimizers.Optimizer;
import io.tfjmnist.optimizers.CompileConfig;
import io.tfjmnist.optimizers.OptimizerState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whole models in Keras's files: a {@code .keras} archive or a legacy whole-model {@code .h5}
 * holding a Sequential or single-chain functional model is rebuilt from its config with the
 * project's layers ({@link KerasModelConfig}, {@link KerasArchitecture}, as for SavedModels); any
 * other weights file (TF checkpoint, {@code .weights.h5}, a {@code .keras} of the quickstart's
 * subclassed {@code MyModel}) is read as the quickstart model, recognised by its weights layout.
 * Writes the quickstart model as a {@code .keras} that Keras 3's {@code load_model} opens.
 */
public final class KerasModelFiles {
  /** How Python registers the quickstart's class ({@code @register_keras_serializable(package="tfj_mnist")}). */
  public static final String REGISTERED_NAME = "tfj_mnist>MyModel";
  /** The Keras version whose {@code .keras} layout the writer copies. */
  static final String KERAS_VERSION = "3.15.1";

  private static final ObjectMapper JSON = new ObjectMapper();

  private KerasModelFiles() {}

  /**
   * What {@link #read} found: the weights (with their architecture in {@code weights().architecture()})
   * and, when saved with them, Adam's state.
   *
   * @param architectureFromFile whether the file's own Keras config gave the architecture; false when
   *     the file holds none and the caller's default was used
   */
  public record Read(WeightsCheckpoint.Loaded loaded, boolean architectureFromFile) {}

  /**
   * The model in the weights or Keras file {@code path}: rebuilt from the file's config when it holds
   * a Sequential or single-chain functional model's, else read as {@code whenFileHoldsNone} (a TF
   * checkpoint, a {@code .weights.h5}, a subclassed model's {@code .keras}).
   */
  public static Read read(Path path, ModelArchitecture whenFileHoldsNone) {
    WeightsFormat format = WeightsFormat.detect(path);
    if (format == WeightsFormat.KERAS_ARCHIVE) {
      KerasArchive archive = KerasArchive.read(path);
      KerasModelConfig config = KerasModelConfig.parse(archive.configJson(), path + " (config.json)");
      if (!config.graphNetwork()) {
        return new Read(subclassed(path, config, whenFileHoldsNone), false);
      }
      String where = path + " (model.weights.h5)";
      byte[] h5 = archive.requireWeights(path);
      Rebuilt rebuilt = rebuild(config, path.toString());
      ModelArchitecture arch = rebuilt.architecture().withKerasConfig(archive.configJson()); // written back as is
      try (HdfFile file = KerasH5Weights.open(h5, where)) {
        return new Read(KerasH5Weights.read(file, where, arch, rebuilt.groups(), compiledOptimizer(archive, path)), true);
      }
    }
    if (format == WeightsFormat.HDF5) {
      String modelConfig = KerasH5Weights.modelConfig(path);
      if (modelConfig != null) {
        KerasModelConfig config = KerasModelConfig.parse(modelConfig, path + " (model_config)");
        if (config.graphNetwork()) {
          return new Read(KerasH5Weights.read(path, rebuild(config, path.toString()).architecture()), true);
        }
      }
    }
    return new Read(WeightsFiles.loadWithOptimizer(path, whenFileHoldsNone), false);
  }

  /**
   * The optimizer the archive was compiled with, whose variables its {@code optimizer/vars} holds; null
   * when it was saved uncompiled or with a compile config {@code train} does not support (its weights
   * still load, without the optimizer's state).
   */
  private static Optimizer compiledOptimizer(KerasArchive archive, Path path) {
    try {
      return KerasCompileConfig.parse(archive.configJson(), path + " (config.json)").map(CompileConfig::optimizer)
          .orElse(null);
    } catch (TfjMnistException unsupported) {
      return null;
    }
  }

  /**
   * The weights file {@code weights} (a {@code .weights.h5} or a TF checkpoint, which hold no
   * architecture) read as the model whose Keras config {@code architecture} holds ({@link #config}).
   * Keras 3 names a {@code .weights.h5}'s layer groups by the config's layer classes, so the groups
   * come from that config rather than from the rebuilt layers.
   */
  public static Read read(Path weights, Path architecture) {
    KerasModelConfig config = config(architecture);
    if (!config.graphNetwork()) {
      throw new TfjMnistException(architecture + " holds a subclassed Keras model (class " + config.className()
          + ") whose layers are Python code, not config, so it gives no architecture to read " + weights + " as.");
    }
    Rebuilt rebuilt = rebuild(config, architecture.toString());
    if (WeightsFormat.detect(weights) == WeightsFormat.HDF5) {
      try (HdfFile file = KerasH5Weights.open(weights)) {
        boolean keras3 = file.getChildren().containsKey("layers");
        return new Read(KerasH5Weights.read(file, weights.toString(), rebuilt.architecture(),
            keras3 ? rebuilt.groups() : null), true);
      }
    }
    return new Read(WeightsFiles.loadWithOptimizer(weights, rebuilt.architecture()), true);
  }

  /** The architecture rebuilt from {@link #config}{@code (file)}: Sequential and functional models only. */
  public static ModelArchitecture architecture(Path file) {
    KerasModelConfig config = config(file);
    if (!config.graphNetwork()) {
      throw new TfjMnistException(file + " holds a subclassed Keras model (class " + config.className()
          + ") whose layers are Python code, not config, so it gives no architecture.");
    }
    return rebuild(config, file.toString()).architecture();
  }

  /**
   * Fresh weights for the model {@code file} describes (a {@code .keras}, a Keras config JSON, a Keras
   * 2 whole-model {@code .h5}), drawn with its own initializers as Keras 3 draws them in a model built
   * right after {@code keras.utils.set_random_seed(globalSeed)} ({@link KerasFreshWeights}). The
   * architecture keeps a {@code .keras}'s or JSON file's config, written back as is when saved.
   */
  public static ModelWeights freshWeights(Path file, long globalSeed) {
    if (Files.isDirectory(file) || !Files.exists(file)) {
      throw new TfjMnistException((Files.isDirectory(file) ? file + " is a folder" : file + " does not exist")
          + ": fresh weights are drawn with the initializers of a Keras model's config, in a .keras file or a"
          + " Keras config JSON (a TF checkpoint or a SavedModel holds none).");
    }
    KerasModelConfig config = config(file);
    if (!config.graphNetwork()) {
      throw new TfjMnistException(file + " holds a subclassed Keras model (class " + config.className()
          + ") whose layers are Python code, not config, so it names no initializers to draw fresh weights with.");
    }
    KerasArchitecture.Built built = KerasArchitecture.build(config, null, file.toString());
    ModelArchitecture arch = built.architecture();
    try {
      if (isJson(file)) {
        arch = arch.withKerasConfig(Files.readString(file));
      } else if (WeightsFormat.detect(file) == WeightsFormat.KERAS_ARCHIVE) {
        arch = arch.withKerasConfig(KerasArchive.read(file).configJson());
      }
    } catch (java.io.IOException e) {
      throw new TfjMnistException("Cannot read " + file + ": " + e.getMessage() + ".", e);
    }
    return KerasFreshWeights.draw(config, built, arch, globalSeed, file.toString());
  }

  /**
   * The Keras model config an architecture file holds: a {@code .keras} archive's
   * {@code config.json}, a JSON file of {@code model.to_json()} or {@code config.json} itself, or a
   * Keras 2 whole-model {@code .h5}'s {@code model_config}.
   */
  public static KerasModelConfig config(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new TfjMnistException("Architecture file " + file + " does not exist (give a .keras file or a Keras"
          + " config JSON).");
    }
    if (isJson(file)) {
      try {
        return KerasModelConfig.parse(Files.readString(file), file.toString());
      } catch (java.io.IOException e) {
        throw new TfjMnistException("Cannot read " + file + ": " + e.getMessage() + ".", e);
      }
    }
    WeightsFormat format = WeightsFormat.detect(file);
    if (format == WeightsFormat.KERAS_ARCHIVE) {
      return KerasModelConfig.parse(KerasArchive.read(file).configJson(), file + " (config.json)");
    }
    String modelConfig = format == WeightsFormat.HDF5 ? KerasH5Weights.modelConfig(file) : null;
    if (modelConfig == null) {
      throw new TfjMnistException(file + " is a " + format.description() + " that holds no Keras model config, so it"
          + " gives no architecture: a .weights.h5 or a checkpoint holds weights only. The model's .keras file, or"
          + " the config.json inside it, holds the architecture.");
    }
    return KerasModelConfig.parse(modelConfig, file + " (model_config)");
  }

  /** A Keras config JSON ({@code model.to_json()}, a {@code .keras}'s {@code config.json}), told by its name. */
  static boolean isJson(Path file) {
    return file.getFileName() != null && file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".json");
  }

  /**
   * The compile config of a {@code .keras} archive or of its {@code config.json} on its own; empty for
   * other files and for uncompiled models.
   */
  public static Optional<CompileConfig> compileConfig(Path path) {
    if (Files.isRegularFile(path) && isJson(path)) {
      try {
        return KerasCompileConfig.parse(Files.readString(path), path.toString());
      } catch (java.io.IOException e) {
        throw new TfjMnistException("Cannot read " + path + ": " + e.getMessage() + ".", e);
      }
    }
    if (!java.nio.file.Files.isRegularFile(path) || WeightsFormat.detect(path) != WeightsFormat.KERAS_ARCHIVE) {
      return Optional.empty();
    }
    return KerasCompileConfig.parse(KerasArchive.read(path).configJson(), path + " (config.json)");
  }

  private static WeightsCheckpoint.Loaded subclassed(Path path, KerasModelConfig config, ModelArchitecture arch) {
    try {
      return WeightsFiles.loadWithOptimizer(path, arch);
    } catch (TfjMnistException e) {
      throw new TfjMnistException(path + " holds a subclassed Keras model (class " + config.className()
          + ") whose layers are Python code, and its weights are not those of the quickstart's MyModel, the only"
          + " subclassed model recognised: " + e.getMessage(), e);
    }
  }

  /** An architecture rebuilt from a config, and each layer's group under {@code layers/} in Keras 3's weights. */
  record Rebuilt(ModelArchitecture architecture, Map<String, String> groups) {}

  static Rebuilt rebuild(KerasModelConfig config, String where) {
    KerasArchitecture.Built built = KerasArchitecture.build(config, null, where);
    // Keras 3 saves a Sequential model's layers without its InputLayer, a functional model's with it.
    List<Integer> containerIndex = new ArrayList<>();
    List<String> classes = new ArrayList<>();
    for (int i = 0; i < config.layers().size(); i++) {
      String c = config.layers().get(i).className();
      if (config.isSequential() && c.equals("InputLayer")) {
        containerIndex.add(-1);
        continue;
      }
      containerIndex.add(classes.size());
      classes.add(c);
    }
    List<String> names = KerasNames.containerNames(classes);
    Map<String, String> groups = new LinkedHashMap<>();
    ModelArchitecture arch = built.architecture();
    for (int i = 0; i < arch.layers().size(); i++) {
      groups.put(arch.layers().get(i).name(), names.get(containerIndex.get(built.configIndex().get(i))));
    }
    return new Rebuilt(arch, groups);
  }

  /**
   * What {@code inspect} prints for an HDF5 or {@code .keras} file: the kind of file, for a
   * {@code .keras} its metadata and layer config, then every group and dataset with dtype and shape.
   */
  public static List<String> describe(Path path) {
    List<String> lines = new ArrayList<>();
    WeightsFormat format = WeightsFormat.detect(path);
    if (format == WeightsFormat.KERAS_ARCHIVE) {
      KerasArchive archive = KerasArchive.read(path);
      lines.add("Keras archive " + path + " (config.json, metadata.json"
          + (archive.weightsH5() == null ? "; no model.weights.h5)" : ", model.weights.h5)"));
      if (!archive.metadataJson().isBlank()) {
        lines.add("metadata.json: " + archive.metadataJson().strip());
      }
      lines.addAll(KerasModelConfig.parse(archive.configJson(), path + " (config.json)").describe());
      if (archive.weightsH5() != null) {
        lines.add("model.weights.h5:");
        try (HdfFile h5 = KerasH5Weights.open(archive.weightsH5(), path + " (model.weights.h5)")) {
          KerasH5Listing.listing(h5).forEach(l -> lines.add("  " + l));
        }
      }
      return lines;
    }
    if (format == WeightsFormat.HDF5) {
      String modelConfig = KerasH5Weights.modelConfig(path);
      List<String> listing = KerasH5Listing.listing(path);
      boolean legacy = modelConfig != null || listing.stream().anyMatch(l -> l.startsWith("/ ") && l.contains("layer_names="));
      lines.add("HDF5 file " + path + ": " + (modelConfig != null ? "Keras 2 legacy whole model (model.save('x.h5'))"
          : legacy ? "Keras 2 legacy weights (save_weights('x.h5'))" : "Keras 3 weights (save_weights('x.weights.h5'))"));
      if (modelConfig != null) {
        lines.addAll(KerasModelConfig.parse(modelConfig, path + " (model_config)").describe());
      }
      listing.forEach(l -> lines.add("  " + l));
      return lines;
    }
    throw new TfjMnistException(path + " is a TF checkpoint, not a Keras file.");
  }

  // ------------------------------------------------------------------------------------ write

  /**
   * Writes a model as Keras 3 writes {@code model.save('NAME.keras')}: {@code config.json},
   * {@code metadata.json} and {@code model.weights.h5}, with the optimizer's state when {@code state}
   * is given, so that {@code load_model} restores it and {@code fit} continues it. A Sequential or
   * Functional model rebuilt from a {@code .keras} gets that file's own {@code config.json} back (its
   * layers' configs, so Keras needs no custom objects), compiled with {@code optimizer} when it was
   * saved uncompiled; the quickstart's subclassed {@code MyModel} gets the config naming the registered
   * class {@value #REGISTERED_NAME}. Atomic.
   */
  public static void writeKeras(Path file, ModelWeights weights, OptimizerState state, Optimizer optimizer) {
    ModelArchitecture arch = weights.architecture();
    String config;
    if (arch.kerasConfig().isPresent()) {
      config = containerConfig(arch.kerasConfig().get(), state == null ? null : optimizer);
    } else if (isQuickstart(arch)) {
      if (state != null && !(optimizer instanceof Adam)) {
        throw new TfjMnistException("The quickstart's MyModel is written as a .keras file with Adam's state only.");
      }
      config = quickstartConfig(state == null ? null : (Adam) optimizer);
    } else {
      throw new TfjMnistException("Only the quickstart's MyModel and models read from a .keras file can be written as"
          + " a .keras file (this model is " + arch.className() + ", built without a Keras config); save its weights"
          + " as NAME.weights.h5 instead.");
    }
    byte[] h5 = KerasH5Writer.bytes(weights, state, optimizer);
    new KerasArchive(config, metadata(), h5).write(file);
  }

  /**
   * A Sequential or Functional model's own config.json; when it has no compile config and an
   * optimizer's state is saved with it, the quickstart's compile config with {@code compiledWith}
   * (Adam and the quickstart's loss: what Java trains such a model with), so Keras rebuilds the
   * optimizer that the state belongs to.
   */
  static String containerConfig(String configJson, Optimizer compiledWith) {
    ObjectNode root;
    try {
      root = (ObjectNode) JSON.readTree(configJson);
    } catch (java.io.IOException | ClassCastException e) {
      throw new TfjMnistException("The model's Keras config is not a JSON object: " + e.getMessage(), e);
    }
    JsonNode compile = root.get("compile_config");
    if (compiledWith instanceof Adam adam && (compile == null || compile.isNull() || compile.isEmpty())) {
      root.set("compile_config", compileConfig(adam));
    }
    return root.toString();
  }
  static boolean isQuickstart(ModelArchitecture arch) {
    return arch.className().equals("MyModel") && arch.weights().equals(ModelArchitecture.quickstartCnn().weights());
  }

  /** The config.json Keras 3.15 writes for python-reference's registered {@code MyModel}, copied key for key. */
  static String quickstartConfig(Adam compiledWith) {
    ObjectNode root = JSON.createObjectNode();
    root.put("module", "model");
    root.put("class_name", "MyModel");
    ObjectNode config = root.putObject("config");
    config.put("name", "my_model");
    config.put("trainable", true);
    ObjectNode dtype = config.putObject("dtype");
    dtype.put("module", "keras");
    dtype.put("class_name", "DTypePolicy");
    dtype.putObject("config").put("name", "float32");
    dtype.putNull("registered_name");
    root.put("registered_name", REGISTERED_NAME);
    ArrayNode shape = root.putObject("build_config").putArray("input_shape");
    shape.addNull().add(28).add(28).add(1);
    root.set("compile_config", compiledWith == null ? JSON.createObjectNode() : compileConfig(compiledWith));
    return root.toString();
  }

  /** {@code model.compile(optimizer=Adam(...), loss=SparseCategoricalCrossentropy(), metrics=['accuracy'])} as Keras 3.15 records it. */
  private static ObjectNode compileConfig(Adam compiledWith) {
    ObjectNode compile = JSON.createObjectNode();
    ObjectNode optimizer = compile.putObject("optimizer");
    optimizer.put("module", "keras.optimizers");
    optimizer.put("class_name", "Adam");
    ObjectNode oc = optimizer.putObject("config");
    oc.put("name", "adam");
    oc.put("learning_rate", (double) compiledWith.learningRate());
    for (String k : List.of("weight_decay", "clipnorm", "global_clipnorm", "clipvalue")) {
      oc.putNull(k);
    }
    oc.put("use_ema", false);
    oc.put("ema_momentum", 0.99);
    oc.putNull("ema_overwrite_frequency");
    oc.putNull("loss_scale_factor");
    oc.putNull("gradient_accumulation_steps");
    oc.put("beta_1", (double) compiledWith.beta1());
    oc.put("beta_2", (double) compiledWith.beta2());
    oc.put("epsilon", (double) compiledWith.epsilon());
    oc.put("amsgrad", false);
    optimizer.putNull("registered_name");
    ObjectNode loss = compile.putObject("loss");
    loss.put("module", "keras.losses");
    loss.put("class_name", "SparseCategoricalCrossentropy");
    ObjectNode lc = loss.putObject("config");
    lc.put("name", "sparse_categorical_crossentropy");
    lc.put("reduction", "sum_over_batch_size");
    lc.put("from_logits", false);
    lc.putNull("ignore_class");
    loss.putNull("registered_name");
    compile.putNull("loss_weights");
    compile.putArray("metrics").add("accuracy");
    compile.putNull("weighted_metrics");
    compile.put("run_eagerly", false);
    compile.put("steps_per_execution", 1);
    compile.put("jit_compile", false);
    return compile;
  }

  private static String metadata() {
    ObjectNode meta = JSON.createObjectNode();
    meta.put("keras_version", KERAS_VERSION);
    // Local time, as Python's datetime.now() in Keras's saving code writes it.
    meta.put("date_saved", LocalDateTime.now(java.time.ZoneId.systemDefault()).format(DateTimeFormatter.ofPattern("yyyy-MM-dd@HH:mm:ss")));
    return meta.toString();
  }
}
