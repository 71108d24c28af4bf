/**
 * The MNIST / Fashion-MNIST input pipeline: finding the files (as Keras would), reading them
 * (IDX raw or gzip, Keras's {@code mnist.npz}), and turning them into batches the way the
 * TensorFlow 2 tutorial does with {@code from_tensor_slices(...).shuffle(10000).batch(32)} and
 * {@code x / 255.0}.
 *
 * <p>Typical training loop:
 *
 * <pre>{@code
 * MnistData data = DatasetLocator.fromEnvironment(dataDirOrNull).load(DatasetName.MNIST);
 * ShuffleBuffer shuffle = new ShuffleBuffer(10_000, seed);
 * float[] x = new float[32 * Dataset.PIXELS];
 * int[] y = new int[32];
 * for (int epoch = 0; epoch < epochs; epoch++) {
 *   int[] order = shuffle.epochOrder(data.train().size(), epoch);
 *   BatchIterator batches = Batches.batch(order, 32);
 *   while (batches.hasNext()) {
 *     int n = batches.next();               // 32, or fewer for the last batch
 *     batches.fillImages(data.train(), x);  // [n, 28, 28, 1] floats in [0, 1]
 *     batches.fillLabels(data.train(), y);
 *     ...
 *   }
 * }
 * }</pre>
 *
 * <p>Every problem a user can fix (missing, truncated or corrupt files, failed downloads) is a
 * {@link io.tfjmnist.TfjMnistException} whose message names the file and says what is wrong.
 */
package io.tfjmnist.data;
