package io.tfjmnist.savedmodel;

import io.tfjmnist.checkpoint.CheckpointIndex;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Everything {@link SavedModelInspector} found in a SavedModel folder.
 *
 * @param dir the folder
 * @param schemaVersion {@code saved_model_schema_version}
 * @param metaGraphs every MetaGraphDef (usually one, tagged {@code serve})
 * @param variables the tensors of {@code variables/variables.index} (the object graph excluded), by key
 * @param variableShards how many {@code variables.data-*} files hold them (0 without variables)
 */
public record SavedModelInfo(Path dir, long schemaVersion, List<MetaGraphInfo> metaGraphs,
    List<CheckpointIndex.Entry> variables, int variableShards) {

  public SavedModelInfo {
    metaGraphs = List.copyOf(metaGraphs);
    variables = List.copyOf(variables);
  }

  /** The MetaGraphDef tagged {@code serve}, or the first. */
  public MetaGraphInfo serving() {
    return metaGraphs.stream().filter(m -> m.tags().contains(SavedModelFiles.SERVE_TAG)).findFirst()
        .orElse(metaGraphs.get(0));
  }

  public Optional<CheckpointIndex.Entry> variable(String key) {
    return variables.stream().filter(e -> e.key().equals(key)).findFirst();
  }

  /** A {@code saved_model_cli show --all} style listing, then the variables. */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    lines.add("SavedModel " + dir + " (saved_model_schema_version " + schemaVersion + ")");
    for (MetaGraphInfo mg : metaGraphs) {
      lines.add("");
      lines.addAll(mg.describe());
    }
    lines.add("");
    if (variableShards == 0) {
      lines.add("Variables: none (no variables/variables.index)");
    } else {
      lines.add("Variables (variables/variables.index, " + variableShards + " data shard" + (variableShards == 1 ? "" : "s")
          + ", " + variables.size() + " tensors):");
      variables.forEach(e -> lines.add("  " + e.describe()));
    }
    return lines;
  }
}
