package io.tfjmnist.keras;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.exceptions.HdfException;
import io.tfjmnist.TfjMnistException;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.model.WeightSpec;
import io.tfjmnist.model.layers.Layer;
import io.tfjmnist.optimizers.OptimizerState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a model's weights out of the HDF5 files Keras writes, with jHDF:
 *
 * <ul>
 *   <li>Keras 3 ({@code model.save_weights('x.weights.h5')}, and {@code model.weights.h5} inside a
 *       {@code .keras}): each layer's variables as datasets {@code 0}, {@code 1}, ... of a {@code vars}
 *       group, under the model's attribute name for a subclassed model ({@code conv1/vars/0}) or under
 *       {@code layers/<snake_case class name>} for Sequential and functional ones
 *       ({@code layers/conv2d/vars/0}, {@code layers/dense_1/vars/0}); Adam's state, when the model was
 *       compiled, under {@code optimizer/vars}: iterations, learning rate, then m and v per weight;
 *   <li>Keras 2's legacy layout ({@code save_weights('x.h5')}, and {@code model_weights} of a whole-model
 *       {@code model.save('x.h5')}): root attribute {@code layer_names}, each layer's group listing its
 *       datasets in a {@code weight_names} attribute. Keras matches those to the model's layers by
 *       position, and so does this reader.
 * </ul>
 */
public final class KerasH5Weights {
  private KerasH5Weights() {}

  /** Reads {@code arch}'s weights (and Adam's state when present) from an HDF5 file. */
  public static WeightsCheckpoint.Loaded read(Path file, ModelArchitecture arch) {
    try (HdfFile h5 = open(file)) {
      return read(h5, file.toString(), arch, null);
    }
  }

  /** Opens an HDF5 file, turning jHDF's failures into one sentence. */
  static HdfFile open(Path file) {
    try {
      return checkComplete(new HdfFile(file), file.toString());
    } catch (HdfException | IllegalArgumentException | IllegalStateException e) {
      throw damaged(file.toString(), e);
    }
  }

  /** Opens HDF5 bytes (a {@code .keras} archive's {@code model.weights.h5}). */
  public static HdfFile open(byte[] bytes, String where) {
    try {
      return checkComplete(HdfFile.fromBytes(bytes), where);
    } catch (HdfException | IllegalArgumentException | IllegalStateException e) {
      throw damaged(where, e);
    }
  }

  /**
   * A truncated file still opens (its superblock and root group come first) and fails only when a
   * missing group is reached; the superblock records where the file ends, so compare at once.
   */
  private static HdfFile checkComplete(HdfFile h5, String where) {
    long expected = h5.getHdfBackingStorage().getSuperblock().getEndOfFileAddress() + h5.getUserBlockSize();
    long actual = h5.getHdfBackingStorage().size();
    if (actual < expected) {
      h5.close();
      throw new TfjMnistException(where + " is a damaged or truncated HDF5 file (" + actual + " bytes where its"
          + " superblock records " + expected + "); write it again with save_weights or model.save.");
    }
    return h5;
  }

  static TfjMnistException damaged(String where, RuntimeException e) {
    return new TfjMnistException(where + " is a damaged or truncated HDF5 file (" + e.getMessage()
        + "); write it again with save_weights or model.save.", e);
  }

  /**
   * Reads {@code arch}'s weights from an open file.
   *
   * @param where the file, for messages
   * @param containerGroups for a Sequential/functional model, each layer's group under {@code layers/}
   *     keyed by layer name; null to derive it from the layers' Keras classes
   */
  public static WeightsCheckpoint.Loaded read(Group h5, String where, ModelArchitecture arch,
      Map<String, String> containerGroups) {
    return read(h5, where, arch, containerGroups, null);
  }

  /**
   * As {@link #read(Group, String, ModelArchitecture, Map)}, reading {@code optimizer/vars} as
   * {@code optimizer}'s variables (a {@code .keras} file's compiled optimizer); null when the file does not
   * say which optimizer wrote them: then only Adam's layout is recognised.
   */
  public static WeightsCheckpoint.Loaded read(Group h5, String where, ModelArchitecture arch,
      Map<String, String> containerGroups, io.tfjmnist.optimizers.Optimizer optimizer) {
    try {
      Map<String, float[]> values;
      Optional<OptimizerState> adam = Optional.empty();
      if (isLegacy(h5)) {
        values = readLegacy(legacyRoot(h5), where, arch);
      } else {
        Map<String, String> groups = keras3Groups(h5, where, arch, containerGroups);
        values = new LinkedHashMap<>();
        for (Layer layer : arch.layers()) {
          readVars(h5, where, groups.get(layer.name()), layer, values);
        }
        adam = optimizer == null || optimizer instanceof io.tfjmnist.optimizers.Adam ? readAdam(h5, where, arch)
            : readSlots(h5, where, arch, optimizer);
      }
      return new WeightsCheckpoint.Loaded(ModelWeights.of(arch, values), adam);
    } catch (HdfException | IllegalArgumentException | IllegalStateException e) {
      throw damaged(where, e);
    }
  }

  // ---------------------------------------------------------------------------------- Keras 3

  /** Each layer's group path: attribute names when the file has them, else Keras's container names. */
  private static Map<String, String> keras3Groups(Group h5, String where, ModelArchitecture arch,
      Map<String, String> containerGroups) {
    Map<String, String> groups = new LinkedHashMap<>();
    boolean attributes = containerGroups == null && arch.layers().stream()
        .allMatch(l -> l.weights().isEmpty() || isGroup(h5, l.name() + "/vars"));
    if (attributes) {
      arch.layers().forEach(l -> groups.put(l.name(), l.name()));
      return groups;
    }
    if (!isGroup(h5, "layers")) {
      throw new TfjMnistException(where + " holds " + describeRoot(h5) + " but not the layers of the model "
          + arch.className() + " (" + layerList(arch) + " or Keras's layers/...): it was saved from another model.");
    }
    Map<String, String> names = containerGroups != null ? containerGroups : KerasNames.containerGroups(arch);
    arch.layers().forEach(l -> groups.put(l.name(), "layers/" + names.get(l.name())));
    return groups;
  }

  private static void readVars(Group h5, String where, String groupPath, Layer layer, Map<String, float[]> out) {
    List<WeightSpec> specs = layer.weights();
    if (specs.isEmpty()) {
      return;
    }
    String varsPath = groupPath + "/vars";
    if (!isGroup(h5, varsPath)) {
      throw new TfjMnistException(where + " has no group " + varsPath + " for layer '" + layer.name()
          + "': it was saved from another model (it holds " + describeRoot(h5) + ").");
    }
    Group vars = (Group) node(h5, varsPath);
    if (vars.getChildren().size() != specs.size()) {
      throw new TfjMnistException(where + ": " + varsPath + " holds " + vars.getChildren().size()
          + " variables but layer '" + layer.name() + "' has " + specs.size() + " (" + names(specs)
          + "): it was saved from another model.");
    }
    for (int i = 0; i < specs.size(); i++) {
      WeightSpec spec = specs.get(i);
      out.put(spec.path(), floats(vars, Integer.toString(i), spec.shape(), where, spec.path()));
    }
  }

  /** Adam's state when {@code optimizer/vars} holds iterations, learning rate and m, v for every weight. */
  private static Optional<OptimizerState> readAdam(Group h5, String where, ModelArchitecture arch) {
    if (!isGroup(h5, "optimizer/vars")) {
      return Optional.empty();
    }
    Group vars = (Group) node(h5, "optimizer/vars");
    List<WeightSpec> specs = arch.trainableWeights();
    if (vars.getChildren().size() != 2 + 2 * specs.size() || !(vars.getChild("0") instanceof Dataset it)
        || !it.isScalar()) {
      return Optional.empty(); // another optimizer (SGD, AdamW with amsgrad, ...): the weights still load
    }
    Map<String, float[]> m = new LinkedHashMap<>();
    Map<String, float[]> v = new LinkedHashMap<>();
    for (int i = 0; i < specs.size(); i++) {
      WeightSpec spec = specs.get(i);
      Node mi = vars.getChild(Integer.toString(2 + 2 * i));
      Node vi = vars.getChild(Integer.toString(3 + 2 * i));
      if (!(mi instanceof Dataset md) || !(vi instanceof Dataset vd)
          || !Arrays.equals(dims(md), spec.shape()) || !Arrays.equals(dims(vd), spec.shape())) {
        return Optional.empty();
      }
      m.put(spec.path(), floats(vars, Integer.toString(2 + 2 * i), spec.shape(), where, "optimizer m of " + spec.path()));
      v.put(spec.path(), floats(vars, Integer.toString(3 + 2 * i), spec.shape(), where, "optimizer v of " + spec.path()));
    }
    Object iterations = it.getData();
    if (!(iterations instanceof Number n)) {
      return Optional.empty();
    }
    return Optional.of(new OptimizerState(n.longValue(), m, v));
  }

  /**
   * {@code optimizer}'s state when {@code optimizer/vars} holds iterations, learning rate and exactly its
   * slots, in Keras 3's {@code optimizer.variables} order ({@link KerasOptimizerLayout}); a slot the
   * optimizer does not keep reads as zeros.
   */
  private static Optional<OptimizerState> readSlots(Group h5, String where, ModelArchitecture arch,
      io.tfjmnist.optimizers.Optimizer optimizer) {
    if (!isGroup(h5, "optimizer/vars")) {
      return Optional.empty();
    }
    Group vars = (Group) node(h5, "optimizer/vars");
    List<WeightSpec> specs = arch.trainableWeights();
    List<KerasOptimizerLayout.Slot> slots = KerasOptimizerLayout.variables(optimizer, specs);
    if (vars.getChildren().size() != 2 + slots.size() || !(vars.getChild("0") instanceof Dataset it)
        || !it.isScalar() || !(it.getData() instanceof Number iterations)) {
      return Optional.empty();
    }
    Map<String, float[]> m = new LinkedHashMap<>();
    Map<String, float[]> v = new LinkedHashMap<>();
    for (int k = 0; k < slots.size(); k++) {
      KerasOptimizerLayout.Slot slot = slots.get(k);
      String name = Integer.toString(2 + k);
      if (!(vars.getChild(name) instanceof Dataset d) || !Arrays.equals(dims(d), slot.spec().shape())) {
        return Optional.empty();
      }
      (slot.list().m() ? m : v).put(slot.spec().path(), floats(vars, name, slot.spec().shape(), where,
          "optimizer " + slot.list().keras3Attribute() + " of " + slot.spec().path()));
    }
    for (WeightSpec spec : specs) {
      m.computeIfAbsent(spec.path(), p -> new float[Math.toIntExact(spec.size())]);
      v.computeIfAbsent(spec.path(), p -> new float[Math.toIntExact(spec.size())]);
    }
    return Optional.of(new OptimizerState(iterations.longValue(), m, v));
  }

  // ----------------------------------------------------------------------------------- legacy

  private static boolean isLegacy(Group h5) {
    return stringsAttribute(h5, "layer_names") != null
        || (isGroup(h5, "model_weights") && stringsAttribute((Group) h5.getChild("model_weights"), "layer_names") != null);
  }

  private static Group legacyRoot(Group h5) {
    return stringsAttribute(h5, "layer_names") != null ? h5 : (Group) h5.getChild("model_weights");
  }

  /** Keras 2's {@code load_weights_from_hdf5_group}: the file's layers with weights, in order, onto the model's. */
  private static Map<String, float[]> readLegacy(Group root, String where, ModelArchitecture arch) {
    List<String> fileLayers = new ArrayList<>();
    List<List<String>> fileWeights = new ArrayList<>();
    for (String name : stringsAttribute(root, "layer_names")) {
      if (!(root.getChild(name) instanceof Group g)) {
        throw new TfjMnistException(where + " lists layer '" + name + "' in layer_names but has no group for it.");
      }
      List<String> weightNames = stringsAttribute(g, "weight_names");
      if (weightNames != null && !weightNames.isEmpty()) {
        fileLayers.add(name);
        fileWeights.add(weightNames);
      }
    }
    List<Layer> weighted = arch.layers().stream().filter(l -> !l.weights().isEmpty()).toList();
    if (weighted.size() != fileLayers.size()) {
      throw new TfjMnistException(where + " (Keras 2 .h5 layout) holds weights for " + fileLayers.size() + " layers "
          + fileLayers + " but the model " + arch.className() + " has " + weighted.size() + " layers with weights ("
          + layerList(arch) + "): it was saved from another model.");
    }
    Map<String, float[]> values = new LinkedHashMap<>();
    for (int i = 0; i < weighted.size(); i++) {
      Layer layer = weighted.get(i);
      List<String> names = fileWeights.get(i);
      List<WeightSpec> specs = layer.weights();
      if (names.size() != specs.size()) {
        throw new TfjMnistException(where + ": layer '" + fileLayers.get(i) + "' holds " + names.size()
            + " weights " + names + " but layer '" + layer.name() + "' of the model has " + specs.size() + ".");
      }
      Group g = (Group) root.getChild(fileLayers.get(i));
      for (int j = 0; j < specs.size(); j++) {
        values.put(specs.get(j).path(), floats(g, names.get(j), specs.get(j).shape(), where, specs.get(j).path()));
      }
    }
    return values;
  }

  /** The {@code model_config} JSON of a legacy whole-model {@code .h5} ({@code model.save('x.h5')}); null for weights only. */
  public static String modelConfig(Path file) {
    try (HdfFile h5 = open(file)) {
      Attribute a = h5.getAttribute("model_config");
      Object data = a == null ? null : a.getData();
      return data instanceof String s ? s : null;
    } catch (HdfException e) {
      throw damaged(file.toString(), e);
    }
  }

  // ---------------------------------------------------------------------------------- helpers

  private static float[] floats(Group g, String path, long[] shape, String where, String what) {
    Node n = node(g, path);
    if (!(n instanceof Dataset d)) {
      throw new TfjMnistException(where + ": " + g.getPath() + path + " (" + what + ") is not a dataset.");
    }
    if (!Arrays.equals(dims(d), shape)) {
      throw new TfjMnistException(where + ": " + d.getPath() + " has shape " + Arrays.toString(dims(d)) + " but "
          + what + " of the model has shape " + Arrays.toString(shape) + ": it was saved from another model.");
    }
    Object data = d.isScalar() ? d.getData() : d.getDataFlat();
    if (data instanceof float[] f) {
      return f;
    }
    if (data instanceof double[] a) {
      float[] f = new float[a.length];
      for (int i = 0; i < a.length; i++) {
        f[i] = (float) a[i];
      }
      return f;
    }
    if (data instanceof Number x) {
      return new float[] {x.floatValue()};
    }
    throw new TfjMnistException(where + ": " + d.getPath() + " holds " + d.getJavaType().getSimpleName()
        + " values, not float32 weights.");
  }

  static long[] dims(Dataset d) {
    return Arrays.stream(d.getDimensions()).asLongStream().toArray();
  }

  static boolean isGroup(Group h5, String path) {
    return node(h5, path) instanceof Group;
  }

  /**
   * The node at a relative path, or null. Walked through the children rather than with jHDF's
   * getByPath, whose missing-path exception fails for in-memory files ({@code .keras} contents).
   */
  static Node node(Group h5, String path) {
    Node n = h5;
    for (String part : path.split("/")) {
      if (part.isEmpty()) {
        continue;
      }
      if (!(n instanceof Group g)) {
        return null;
      }
      n = g.getChildren().get(part);
      if (n == null) {
        return null;
      }
    }
    return n;
  }

  /**
   * A string-list attribute, or null when absent. h5py splits long lists over {@code name0},
   * {@code name1}, ... (Keras's {@code save_attributes_to_hdf5_group}); those are joined.
   */
  static List<String> stringsAttribute(Node node, String name) {
    Map<String, Attribute> attrs = node.getAttributes();
    if (attrs.containsKey(name)) {
      return strings(attrs.get(name));
    }
    if (!attrs.containsKey(name + "0")) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; attrs.containsKey(name + i); i++) {
      out.addAll(strings(attrs.get(name + i)));
    }
    return out;
  }

  private static List<String> strings(Attribute a) {
    Object data = a.getData();
    if (data == null) {
      return List.of(); // h5py writes an empty list as a zero-length float64 array
    }
    if (data instanceof String s) {
      return List.of(s);
    }
    if (data instanceof String[] s) {
      return List.of(s);
    }
    return List.of();
  }

  static String describeRoot(Group h5) {
    List<String> names = new ArrayList<>(h5.getChildren().keySet());
    return names.isEmpty() ? "no groups" : "groups " + names;
  }

  private static String layerList(ModelArchitecture arch) {
    return String.join(", ", arch.layers().stream().map(Layer::name).toList());
  }

  private static String names(List<WeightSpec> specs) {
    return String.join(", ", specs.stream().map(WeightSpec::name).toList());
  }
}
