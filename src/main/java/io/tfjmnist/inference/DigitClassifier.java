package io.tfjmnist.inference;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.model.ModelGraph;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.tensors.Tensors;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.proto.StepStats;
import org.tensorflow.types.TFloat32;

/**
 * A trained model ready to classify: one inference-only graph (no loss, gradient or optimizer ops)
 * and one long-lived session, loaded once with the weights. {@code Session.run} is thread-safe in
 * TF, and every call here makes its own runner and tensors, so one instance serves many threads.
 * Close it to free the native graph and session.
 *
 * <p>A call of one image runs a second forward pass of the same graph, built for one row (see
 * {@link ModelGraph#addOneImageForward}): its probabilities agree with the batched pass's to float
 * rounding (within 1e-6) in less time, but not bit for bit. Classifiers from {@link #forRunsOf},
 * which promise an image the same bits alone and in a batch, and from {@link #batchedPassOnly} run
 * every call through the batched pass; serving's exact mode measures the plain classifier's calls
 * of one image like any other run size, and so never relies on them giving a batch's bits.
 */
public final class DigitClassifier implements ProbabilityModel {
  private final Graph graph;
  private final Session session;
  private final ModelGraph model;
  private final Operand<TFloat32> oneImage; // null: calls of one image run the batched pass
  private final int inputSize;
  private final long[] inputShape;
  private final int runSize;

  private DigitClassifier(ModelWeights weights, ConfigProto config, int runSize, boolean oneImagePass) {
    graph = new Graph();
    try {
      model = runSize > 0 ? ModelGraph.buildForRunsOf(Ops.create(graph), weights.architecture(), runSize)
          : ModelGraph.build(Ops.create(graph), weights.architecture());
      oneImage = oneImagePass && runSize == 0 ? model.addOneImageForward(Ops.create(graph)) : null;
      session = config == null ? new Session(graph) : new Session(graph, config);
      model.assign(session, weights);
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
    inputSize = weights.architecture().inputSize();
    inputShape = weights.architecture().inputShape();
    this.runSize = runSize;
  }

  public static DigitClassifier of(ModelWeights weights) {
    return new DigitClassifier(weights, null, 0, true);
  }

  public static DigitClassifier of(ModelWeights weights, ConfigProto config) {
    return new DigitClassifier(weights, config, 0, true);
  }

  /**
   * A classifier without the one-image pass: a call of one image runs the batched pass, so an
   * image gets the bits it gets in a batch wherever TF's kernels give a run of one those bits.
   *
   * @param config TF's session options; null = TF's defaults
   */
  public static DigitClassifier batchedPassOnly(ModelWeights weights, ConfigProto config) {
    return new DigitClassifier(weights, config, 0, false);
  }

  /**
   * A classifier whose probabilities for an image do not depend on the other images of a call,
   * for calls of up to {@code runSize} images: see {@link ModelGraph#buildForRunsOf}. Whether
   * {@code runSize} achieves that on this CPU is for the caller to check.
   *
   * @param config TF's session options; null = TF's defaults
   */
  public static DigitClassifier forRunsOf(ModelWeights weights, ConfigProto config, int runSize) {
    if (runSize < 1) {
      throw new IllegalArgumentException("runSize must be at least 1, got " + runSize);
    }
    return new DigitClassifier(weights, config, runSize, false);
  }

  /** The most images of one call, each padded to that many rows before the Dense layers; 0 = any number, unpadded. */
  public int runSize() {
    return runSize;
  }

  @Override
  public int inputSize() {
    return inputSize;
  }

  @Override
  public float[] probabilities(float[] flat, int count) {
    if (flat.length != count * inputSize) {
      throw new TfjMnistException("Expected " + count * inputSize + " input values for " + count + " images, got " + flat.length + ".");
    }
    if (runSize > 0 && count > runSize) {
      throw new TfjMnistException("This classifier runs at most " + runSize + " images at a time, got " + count + ".");
    }
    try (TFloat32 x = Tensors.floats(batchShape(count), flat);
        Result r = session.runner().feed(model.input(), x).fetch(output(count)).run()) {
      return Tensors.toFloats(r.get(0));
    }
  }

  /** One single-image run with {@code options} ({@code FULL_TRACE}: a per-kernel profile); returns TF's step stats. */
  public StepStats profiledProbabilities(float[] image, RunOptions options) {
    try (TFloat32 x = Tensors.floats(batchShape(1), image);
        Result r = session.runner().feed(model.input(), x).fetch(output(1))
            .setOptions(options).runAndFetchMetadata()) {
      return r.getMetadata().orElseThrow().getStepStats();
    }
  }

  private Operand<TFloat32> output(int count) {
    return count == 1 && oneImage != null ? oneImage : model.probabilities();
  }

  /** {@code [count, ...inputShape]}. */
  private long[] batchShape(long count) {
    long[] shape = new long[inputShape.length + 1];
    shape[0] = count;
    System.arraycopy(inputShape, 0, shape, 1, inputShape.length);
    return shape;
  }

  @Override
  public void close() {
    try {
      session.close();
    } finally {
      graph.close();
    }
  }
}
