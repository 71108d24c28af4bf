package io.tfjmnist.keras;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import io.jhdf.exceptions.HdfException;
import io.tfjmnist.TfjMnistException;
import io.tfjmnist.checkpoint.CheckpointSaver;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.model.WeightSpec;
import io.tfjmnist.model.layers.Layer;
import io.tfjmnist.optimizers.Optimizer;
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
 * {@code vars} group, and with an optimizer's state {@code optimizer/vars}: 0 iterations (int64), 1 the
 * learning rate, then its slots in {@code optimizer.variables} order ({@link KerasOptimizerLayout}).
 *
 * <p>Groups that would hold no variables (a {@code Flatten}'s {@code vars}, the model's own root
 * {@code vars}) are left out: Keras reads a missing group as "no variables", and jHDF 0.9.4 (also
 * 0.13.0) writes a broken object header for an empty group placed after groups holding datasets
 * (h5py: "bad object header version number"). Every file is read back with jHDF and compared
 * before it is renamed into place, so a writer fault can never leave a file Keras cannot read.
 */
public final class KerasH5Writer {
  private KerasH5Writer() {}

  /** Writes atomically (temporary name, then rename); {@code state} may be null (no optimizer). */
  public static void write(Path file, ModelWeights weights, OptimizerState state, Optimizer adam) {
    long bytes = 4 * weights.architecture().parameterCount() * (state == null ? 1 : 3) + (64L << 10);
    try {
      CheckpointSaver.writeAtomically(file, tmp -> {
        io.tfjmnist.files.DiskSpace.require(tmp.getParent(), bytes);
        writeTo(tmp, weights, state, adam);
      });
    } catch (TfjMnistException e) {
      if (io.tfjmnist.files.FileErrors.isDiskFull(e)) { // jHDF says only "Exception writing"; its cause says why
        throw new TfjMnistException("Cannot write " + file + ": " + io.tfjmnist.files.FileErrors.reason(e) + ".", e);
      }
      throw e;
    }
  }

  /** The file's bytes, for a {@code .keras} archive's {@code model.weights.h5}. */
  public static byte[] bytes(ModelWeights weights, OptimizerState state, Optimizer adam) {
    return CheckpointSaver.bytesOf(tmp -> writeTo(tmp, weights, state, adam));
  }

  private static void writeTo(Path tmp, ModelWeights weights, OptimizerState state, Optimizer adam) {
    writeLayout(tmp, weights, state, adam);
    verify(tmp, weights, state, adam);
  }

  /** Reads the file back and compares every value, so a faulty write never replaces a good file. */
  private static void verify(Path tmp, ModelWeights weights, OptimizerState state, Optimizer optimizer) {
    ModelArchitecture arch = weights.architecture();
    try (HdfFile back = new HdfFile(tmp)) {
      KerasH5Listing.listing(back); // touches every group and dataset header
      WeightsCheckpoint.Loaded read = KerasH5Weights.read(back, tmp.toString(), arch,
          isContainer(arch) ? KerasNames.containerGroups(arch) : null, state == null ? null : optimizer);
      boolean same = read.weights().maxAbsDifference(weights) == 0
          && (state == null || read.optimizerState().map(s -> sameState(s, state, arch, optimizer)).orElse(false));
      if (!same) {
        throw new TfjMnistException("the values read back differ from those written");
      }
    } catch (RuntimeException e) {
      throw new TfjMnistException("The HDF5 writer (jHDF) produced a file that does not read back (" + e.getMessage()
          + "); nothing was written. Save a TF checkpoint (a name without .weights.h5) instead.", e);
    }
  }

  /** The same iterations and the same values in every slot {@code optimizer} keeps. */
  private static boolean sameState(OptimizerState a, OptimizerState b, ModelArchitecture arch, Optimizer optimizer) {
    if (a.iterations() != b.iterations()) {
      return false;
    }
    for (KerasOptimizerLayout.SlotList list : KerasOptimizerLayout.slotLists(optimizer)) {
      for (WeightSpec s : arch.trainableWeights()) {
        if (!java.util.Arrays.equals(list.value(a, s.path()), list.value(b, s.path()))) {
          return false;
        }
      }
    }
    return true;
  }

  static boolean isContainer(ModelArchitecture arch) {
    return "Sequential".equals(arch.className()) || "Functional".equals(arch.className());
  }

  private static void writeLayout(Path tmp, ModelWeights weights, OptimizerState state, Optimizer adam) {
    ModelArchitecture arch = weights.architecture();
    boolean container = isContainer(arch);
    Map<String, String> containerGroups = KerasNames.containerGroups(arch);
    List<String> autoNames = KerasNames.containerNames(arch.layers().stream().map(KerasNames::kerasClass).toList());
    try (WritableHdfFile h5 = HdfFile.write(tmp)) {
      WritableGroup parent = container ? h5.putGroup("layers") : h5;
      for (int i = 0; i < arch.layers().size(); i++) {
        Layer layer = arch.layers().get(i);
        if (layer.weights().isEmpty()) {
          continue; // see the class comment: Keras reads a missing group as "no variables"
        }
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
        vars.putAttribute("name", adam.kerasClassName().toLowerCase(java.util.Locale.ROOT));
        vars.putDataset("0", Long.valueOf(state.iterations()));
        vars.putDataset("1", Float.valueOf(adam.learningRate()));
        int k = 2;
        for (KerasOptimizerLayout.Slot slot : KerasOptimizerLayout.variables(adam, arch.trainableWeights())) {
          float[] value = slot.list().value(state, slot.spec().path());
          if (value == null) {
            throw new TfjMnistException("The optimizer state has no slot for weight '" + slot.spec().path() + "'.");
          }
          vars.putDataset(Integer.toString(k++), shaped(value, slot.spec().shape()));
        }
      }
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
