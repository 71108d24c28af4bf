package io.tfjmnist.savedmodel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;

/**
 * One SignatureDef: its key, method name and inputs and outputs (sorted by key, as
 * {@code saved_model_cli} lists them).
 */
public record SignatureInfo(String key, String methodName, List<TensorSpecInfo> inputs, List<TensorSpecInfo> outputs) {

  public SignatureInfo {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
  }

  static SignatureInfo of(String key, SignatureDef def) {
    return new SignatureInfo(key, def.getMethodName(), specs(def.getInputsMap()), specs(def.getOutputsMap()));
  }

  private static List<TensorSpecInfo> specs(Map<String, TensorInfo> map) {
    List<TensorSpecInfo> out = new ArrayList<>();
    new TreeMap<>(map).forEach((k, v) -> out.add(TensorSpecInfo.of(k, v)));
    return out;
  }

  public Optional<TensorSpecInfo> input(String inputKey) {
    return inputs.stream().filter(t -> t.key().equals(inputKey)).findFirst();
  }

  public Optional<TensorSpecInfo> output(String outputKey) {
    return outputs.stream().filter(t -> t.key().equals(outputKey)).findFirst();
  }

  /** {@code saved_model_cli show --all}'s block for this signature. */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    lines.add("signature_def['" + key + "']:");
    lines.add("  The given SavedModel SignatureDef contains the following input(s):");
    inputs.forEach(t -> block(lines, "inputs", t));
    lines.add("  The given SavedModel SignatureDef contains the following output(s):");
    outputs.forEach(t -> block(lines, "outputs", t));
    lines.add("  Method name is: " + methodName);
    return lines;
  }

  private static void block(List<String> lines, String kind, TensorSpecInfo t) {
    lines.add("    " + kind + "['" + t.key() + "'] tensor_info:");
    lines.add("        dtype: " + t.dtype().name());
    lines.add("        shape: " + t.shapeString());
    lines.add("        name: " + t.tensorName());
  }
}
