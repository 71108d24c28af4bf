package io.tfjmnist.checkpoint;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import io.jhdf.exceptions.HdfException;
import io.tfjmnist.TfjMnistException;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.model.WeightSpec;
import io.tfjmnist.model.layers.Layer;
import io.tfjmnist.optimizers.Adam;
import io.tfjmnist.optimizers.OptimizerState;
import java.lang.reflect.Array;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes Keras 3's {@code .weights.h5} layout with jHDF, as Keras 3.15's {@code save_weights} does
 * for the same model (checked with h5py on real files): a subclassed model's layers under their
 * attribute names ({@code conv1/vars/0} kernel, {@code conv1/vars/1} bias, an empty
 * {@code flatten/vars}), a Sequential model's under {@code layers/<snake_case class>}, a root
 * {@code vars} group, and with Adam's state {@code optimizer/vars}: 0 iterations (int64), 1 the
 * learning rate, then m and v of each weight in {@code trainable_variables} order.
 */
public final class KerasH5Writer {
  private KerasH5Writer() {}

  /** Writes atomically (temporary name, then rename); {@code state} may be null (no optimizer). */
  public static void write(Path file, ModelWeights weights, OptimizerState state, Adam adam) {
    CheckpointSaver.writeAtomically(file, tmp -> writeTo(tmp, weights, state, adam));
  }

  /** The file's bytes, for a {@code .keras} archive's {@code model.weights.h5}. */
  public static byte[] bytes(ModelWeights weights, OptimizerState state, Adam adam) {
    return CheckpointSaver.bytesOf(tmp -> writeTo(tmp, weights, state, adam));
  }

  private static void writeTo(Path tmp, ModelWeights weights, OptimizerState state, Adam adam) {
    ModelArchitecture arch = weights.architecture();
    boolean container = "Sequential".equals(arch.className()) || "Functional".equals(arch.className());
    Map<String, String> containerGroups = KerasNames.containerGroups(arch);
    List<String> autoNames = KerasNames.containerNames(arch.layers().stream().map(KerasNames::kerasClass).toList());
    try (WritableHdfFile h5 = HdfFile.write(tmp)) {
      WritableGroup parent = container ? h5.putGroup("layers") : h5;
      for (int i = 0; i < arch.layers().size(); i++) {
        Layer layer = arch.layers().get(i);
        String group = container ? containerGroups.get(layer.name()) : layer.name();
        WritableGroup vars = parent.putGroup(group).putGroup("vars");
        // The layer's own name as Keras would generate it in a fresh session; Keras does not read it back.
        vars.putAttribute("name", autoNames.get(i));
        List<WeightSpec> specs = layer.weights();
        for (int j = 0; j < specs.size(); j++) {
          vars.putDataset(Integer.toString(j), shaped(weights.view(specs.get(j).path()), specs.get(j).shape()));
        }
      }
      if (state != null) {
        WritableGroup vars = h5.putGroup("optimizer").putGroup("vars");
        vars.putAttribute("name", "adam");
        vars.putDataset("0", Long.valueOf(state.iterations()));
        vars.putDataset("1", Float.valueOf(adam.learningRate()));
        int k = 2;
        for (WeightSpec spec : arch.weights()) {
          float[] m = state.m(spec.path());
          float[] v = state.v(spec.path());
          if (m == null || v == null) {
            throw new TfjMnistException("The optimizer state has no m/v for weight '" + spec.path() + "'.");
          }
          vars.putDataset(Integer.toString(k++), shaped(m, spec.shape()));
          vars.putDataset(Integer.toString(k++), shaped(v, spec.shape()));
        }
      }
      h5.putGroup("vars").putAttribute("name", KerasNames.snakeCase(arch.className()));
    } catch (HdfException e) {
      throw new TfjMnistException("Cannot write HDF5 weights: " + e.getMessage(), e);
    }
  }

  /** A row-major flat array as the nested Java array of {@code shape} that jHDF writes with that shape. */
  static Object shaped(float[] flat, long[] shape) {
    if (shape.length == 0) {
      return Float.valueOf(flat[0]);
    }
    int[] dims = new int[shape.length];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = Math.toIntExact(shape[i]);
    }
    Object out = Array.newInstance(float.class, dims);
    fill(out, flat, 0, dims, 0);
    return out;
  }

  private static int fill(Object array, float[] flat, int offset, int[] dims, int depth) {
    if (depth == dims.length - 1) {
      System.arraycopy(flat, offset, array, 0, dims[depth]);
      return offset + dims[depth];
    }
    for (int i = 0; i < dims[depth]; i++) {
      offset = fill(Array.get(array, i), flat, offset, dims, depth + 1);
    }
    return offset;
  }
}
