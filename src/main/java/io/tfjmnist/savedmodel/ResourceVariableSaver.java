package io.tfjmnist.savedmodel;

import io.tfjmnist.model.ModelGraph;
import io.tfjmnist.model.WeightSpec;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.train.Restore;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;
import org.tensorflow.types.family.TType;

/**
 * Save and restore ops for a {@link ModelGraph}'s resource variables, named the way TF Java's
 * {@code SavedModelBundle} exporter and loader expect them.
 *
 * <p>Why: TF Java 1.1's own saver ({@code Graph.saverDef()}) only collects {@code VariableV2} ops,
 * so a graph of resource variables ({@code VarHandleOp}, what {@link ModelGraph} and Keras use)
 * would be exported with no variables and load uninitialized. When the graph already has an op
 * named {@code save/restore_all}, {@code Graph.saverDef()} instead adopts the conventional names
 * {@code save/filename:0} (fed the checkpoint prefix), {@code save/control_dependency} (run to
 * save) and {@code save/restore_all} (run to restore); this class builds exactly those: one
 * {@code SaveV2} of every weight's current value, and one {@code RestoreV2} followed by an
 * {@code AssignVariableOp} per weight. Tensors are keyed by weight path ({@code conv1/kernel}),
 * the variables' graph names, as a TF1 {@code Saver} keys them.
 */
final class ResourceVariableSaver {
  static final String SCOPE = "save";
  static final String FILENAME = "filename";
  static final String SAVE = "control_dependency";
  static final String RESTORE = "restore_all";

  private ResourceVariableSaver() {}

  static void add(Ops tf, ModelGraph model) {
    Ops save = tf.withSubScope(SCOPE);
    List<WeightSpec> specs = model.architecture().weights();
    String[] names = specs.stream().map(WeightSpec::path).toArray(String[]::new);
    String[] slices = new String[names.length];
    java.util.Arrays.fill(slices, "");

    Placeholder<TString> filename = save.withName(FILENAME).placeholder(TString.class);
    Operand<TString> tensorNames = save.withName("tensor_names").constant(StdArrays.ndCopyOf(names));
    Operand<TString> shapesAndSlices = save.withName("shape_and_slices").constant(StdArrays.ndCopyOf(slices));

    List<Operand<?>> values = new ArrayList<>(model.weightReads());
    Op saveOp = save.withName("SaveV2").train.save(filename, tensorNames, shapesAndSlices, values);
    save.withControlDependencies(List.of(saveOp)).withName(SAVE).identity(filename);

    List<Class<? extends TType>> types = new ArrayList<>();
    specs.forEach(s -> types.add(TFloat32.class));
    Restore restored = save.withName("RestoreV2").train.restore(filename, tensorNames, shapesAndSlices, types);
    List<Op> assigns = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      assigns.add(save.withName("assign_" + i)
          .assignVariableOp(model.variables().get(specs.get(i).path()), restored.tensors().get(i)));
    }
    save.withControlDependencies(assigns).withName(RESTORE).noOp();
  }
}
