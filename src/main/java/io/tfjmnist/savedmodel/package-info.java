/**
 * TensorFlow's SavedModel format: export, inspection, and Keras models imported from SavedModels
 * (Keras's own files, {@code .keras} and {@code .weights.h5}, are in {@code io.tfjmnist.keras}).
 *
 * <ul>
 *   <li>{@link io.tfjmnist.savedmodel.SavedModelExporter}: trained weights to a TF Serving-ready
 *       SavedModel ({@code serving_default}: {@code input} to {@code probabilities}), atomically.
 *   <li>{@link io.tfjmnist.savedmodel.SavedModelInspector}: {@code saved_model_cli show --all} in
 *       Java, plus variables, Keras config and checkpoint listings; no native runtime needed.
 *   <li>{@link io.tfjmnist.inference.SavedModelClassifier}: runs any image-classifier SavedModel
 *       (Keras, TF2, TF1 {@code classify} signatures taking {@code tf.Example}s).
 *   <li>{@link io.tfjmnist.savedmodel.KerasModelImporter}: a Keras SavedModel's config and weights
 *       rebuilt as the project's {@code ModelArchitecture} / {@code ModelWeights}; weights of any
 *       Keras TF-format checkpoint for a given architecture.
 *   <li>{@link io.tfjmnist.inference.Parity}: two probability producers (or one and a golden
 *       JSON from {@code python-reference/export.py}) compared on MNIST test images.
 * </ul>
 */
package io.tfjmnist.savedmodel;
