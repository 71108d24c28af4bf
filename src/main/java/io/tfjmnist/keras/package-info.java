/**
 * Keras's model files, read and written as Keras 3 (and Keras 2, where its files exist) does.
 *
 * <ul>
 *   <li>{@link io.tfjmnist.keras.KerasModelFiles}: a {@code .keras} archive ({@link
 *       io.tfjmnist.keras.KerasArchive}) or an HDF5 file as a model, its architecture rebuilt from
 *       its Keras config; the quickstart written as a {@code .keras}.
 *   <li>{@link io.tfjmnist.keras.KerasH5Weights} and {@link io.tfjmnist.keras.KerasH5Writer}: Keras
 *       3's {@code .weights.h5} and Keras 2's legacy {@code .h5}, with Adam's state.
 *   <li>{@link io.tfjmnist.keras.KerasModelConfig}, {@link io.tfjmnist.keras.KerasArchitecture},
 *       {@link io.tfjmnist.keras.KerasLayerFactory}: a Sequential or functional config as this
 *       project's layers.
 *   <li>{@link io.tfjmnist.keras.WeightsCheckpoint} and {@link
 *       io.tfjmnist.keras.KerasCheckpointWeights}: a model's weights as the TF checkpoint Keras's
 *       {@code save_weights} writes, and read back under any Keras or TF naming.
 *   <li>{@link io.tfjmnist.keras.KerasObjectGraph}: the checkpoint object graph as Keras lays it out,
 *       so that Python's {@code load_weights} restores what Java writes.
 *   <li>{@link io.tfjmnist.keras.WeightsFiles}: the switch over them by the file's bytes.
 *   <li>{@link io.tfjmnist.keras.KerasModelImporter}, {@link io.tfjmnist.keras.KerasMetadata},
 *       {@link io.tfjmnist.keras.KerasSavedModelInfo}: the Keras model a SavedModel holds, its config
 *       and weights rebuilt as the project's {@code ModelArchitecture} / {@code ModelWeights}.
 * </ul>
 *
 * <p>Keras's concepts sit on TF's formats ({@code io.tfjmnist.checkpoint}, {@code
 * io.tfjmnist.savedmodel}), which know nothing of Keras.
 *
 * <p>Called only from {@code io.tfjmnist.modelfiles.ModelFiles}, the one public way in and out.
 */
package io.tfjmnist.keras;
