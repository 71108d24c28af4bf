package io.tfjmnist.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tfjmnist.savedmodel.SignatureInfo;
import io.tfjmnist.savedmodel.TensorSpecInfo;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The JSON documents TF Serving answers about a model: its status and its signature metadata. */
final class ModelDocuments {
  private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ModelDocuments() {}

  /**
   * GetModelStatusResponse as TF Serving prints it: each version's state, and its status (OK, or
   * for a failed load UNKNOWN with the load's error).
   */
  static byte[] status(java.util.List<ModelVersions.Status> versions) {
    ObjectNode root = PRETTY.createObjectNode();
    ArrayNode list = root.putArray("model_version_status");
    for (ModelVersions.Status s : versions) {
      ObjectNode v = list.addObject();
      v.put("version", Long.toString(s.version()));
      v.put("state", s.state().name());
      ObjectNode status = v.putObject("status");
      status.put("error_code", errorCode(s));
      status.put("error_message", s.error());
    }
    return bytes(root);
  }

  /** The status code of a failed load: TF Serving reports the loader's own; ours is UNKNOWN. */
  static String errorCode(ModelVersions.Status s) {
    return s.error().isEmpty() ? "OK" : "UNKNOWN";
  }

  /** GetModelMetadataResponse as TF Serving prints it: model_spec, then metadata.signature_def.signature_def. */
  static byte[] metadata(ServedModel model) {
    SignatureInfo s = model.signature();
    ObjectNode root = PRETTY.createObjectNode();
    ObjectNode spec = root.putObject("model_spec");
    spec.put("name", model.name());
    spec.put("signature_name", "");
    spec.put("version", Long.toString(model.version()));
    ObjectNode defs = root.putObject("metadata").putObject("signature_def").putObject("signature_def");
    ObjectNode sig = defs.putObject(s.key());
    ObjectNode inputs = sig.putObject("inputs");
    s.inputs().forEach(t -> tensorInfo(inputs.putObject(t.key()), t));
    ObjectNode outputs = sig.putObject("outputs");
    s.outputs().forEach(t -> tensorInfo(outputs.putObject(t.key()), t));
    sig.put("method_name", s.methodName());
    sig.putObject("defaults");
    return bytes(root);
  }

  private static void tensorInfo(ObjectNode t, TensorSpecInfo spec) {
    t.put("dtype", spec.dtype().name());
    ObjectNode ts = t.putObject("tensor_shape");
    long[] shape = spec.shape();
    if (shape != null) {
      ArrayNode dims = ts.putArray("dim");
      Arrays.stream(shape).forEach(d -> {
        ObjectNode dim = dims.addObject();
        dim.put("size", Long.toString(d));
        dim.put("name", "");
      });
    }
    ts.put("unknown_rank", shape == null);
    t.put("name", spec.tensorName());
  }

  private static byte[] bytes(ObjectNode node) {
    try {
      return (PRETTY.writeValueAsString(node) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
