package io.tfjmnist.modelfiles;

/**
 * What a path names, as {@link ModelFiles#kindOf} tells it from the files themselves: each command
 * reads any of them, and a refusal can say which one the user gave and which holds what is missing.
 */
public enum ModelKind {
  /** {@code PREFIX.index} + {@code PREFIX.data-*}, or a folder with a {@code checkpoint} file. */
  TF_CHECKPOINT("TF checkpoint", false),
  /** Keras 3's {@code .weights.h5}, or Keras 2's legacy {@code .h5} (weights, or a whole model with its config). */
  KERAS_H5("Keras HDF5 weights file (.weights.h5 / .h5)", false),
  /** Keras 3's {@code .keras} archive: the model's config with its weights. */
  KERAS_MODEL(".keras model", true),
  /** A SavedModel folder ({@code saved_model.pb}, {@code variables/}). */
  SAVED_MODEL("SavedModel folder", true);

  private final String description;
  private final boolean holdsArchitecture;

  ModelKind(String description, boolean holdsArchitecture) {
    this.description = description;
    this.holdsArchitecture = holdsArchitecture;
  }

  /** In words, for messages: "TF checkpoint", ".keras model", ... */
  public String description() {
    return description;
  }

  /**
   * Whether files of this kind can carry the model's architecture. A {@code .keras} does (a
   * subclassed model's aside: its layers are Python code), a SavedModel does when Keras wrote its
   * config; a checkpoint and a {@code .weights.h5} hold weights only and are read as the architecture
   * the caller gives, the quickstart CNN by default.
   */
  public boolean holdsArchitecture() {
    return holdsArchitecture;
  }
}
