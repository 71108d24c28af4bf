package io.tfjmnist.savedmodel;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.tensorflow.proto.MetaGraphDef;

/**
 * One MetaGraphDef of a SavedModel: its tags, the TF version that wrote it
 * ({@code meta_info_def.tensorflow_version}), its signatures and the size of its graph.
 *
 * @param graphNodes nodes of the top-level graph
 * @param functions functions in the graph's library (TF2 {@code tf.function} models live there)
 * @param savedObjects nodes of the TF2 object graph (0 for TF1 SavedModels)
 */
public record MetaGraphInfo(List<String> tags, String tensorflowVersion, String tensorflowGitVersion,
    List<SignatureInfo> signatures, int graphNodes, int functions, int savedObjects) {

  public MetaGraphInfo {
    tags = List.copyOf(tags);
    signatures = List.copyOf(signatures);
  }

  static MetaGraphInfo of(MetaGraphDef mg) {
    List<SignatureInfo> sigs = new ArrayList<>();
    new TreeMap<>(mg.getSignatureDefMap()).forEach((k, v) -> sigs.add(SignatureInfo.of(k, v)));
    return new MetaGraphInfo(mg.getMetaInfoDef().getTagsList(), mg.getMetaInfoDef().getTensorflowVersion(),
        mg.getMetaInfoDef().getTensorflowGitVersion(), sigs, mg.getGraphDef().getNodeCount(),
        mg.getGraphDef().getLibrary().getFunctionCount(), mg.getObjectGraphDef().getNodesCount());
  }

  public Optional<SignatureInfo> signature(String key) {
    return signatures.stream().filter(s -> s.key().equals(key)).findFirst();
  }

  public List<String> signatureKeys() {
    return signatures.stream().map(SignatureInfo::key).toList();
  }

  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    lines.add("MetaGraphDef with tag-set: '" + String.join(", ", tags) + "' written by TensorFlow "
        + (tensorflowVersion.isEmpty() ? "(version not recorded)" : tensorflowVersion)
        + (tensorflowGitVersion.isEmpty() ? "" : " (" + tensorflowGitVersion + ")")
        + "; " + graphNodes + " graph nodes, " + functions + " functions, " + savedObjects + " saved objects");
    lines.add("contains the following SignatureDefs:");
    for (SignatureInfo s : signatures) {
      lines.add("");
      lines.addAll(s.describe());
    }
    return lines;
  }
}
