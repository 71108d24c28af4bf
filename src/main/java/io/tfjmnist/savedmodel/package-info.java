/**
 * TensorFlow's SavedModel format, knowing nothing of Keras (the Keras model a SavedModel holds is
 * read in {@code io.tfjmnist.keras}: {@code KerasModelImporter}, {@code KerasSavedModelInfo}).
 *
 * <ul>
 *   <li>{@link io.tfjmnist.savedmodel.SavedModelExporter}: trained weights to a TF Serving-ready
 *       SavedModel ({@code serving_default}: {@code input} to {@code probabilities}), atomically.
 *   <li>{@link io.tfjmnist.savedmodel.SavedModelInspector}: {@code saved_model_cli show --all} in
 *       Java, plus the variables; no native runtime needed.
 *   <li>{@link io.tfjmnist.savedmodel.ServingSignature}, {@link io.tfjmnist.savedmodel.SignatureInfo}:
 *       a signature's inputs and outputs, as {@code inference.SavedModelClassifier} runs them (Keras,
 *       TF2, TF1 {@code classify} signatures taking {@code tf.Example}s) and TF Serving describes them.
 *   <li>{@link io.tfjmnist.savedmodel.GoldenOutputs}: the golden JSON of {@code python-reference/export.py}
 *       that {@code inference.Parity} compares against.
 * </ul>
 */
package io.tfjmnist.savedmodel;
