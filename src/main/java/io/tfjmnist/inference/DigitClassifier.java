package io.tfjmnist.inference;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.model.ModelGraph;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.tensors.Tensors;
import org.tensorflow.Graph;
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
 */
public final class DigitClassifier implements ProbabilityModel {
  private static final RunOptions INLINE = RunOptions.newBuilder().setInterOpThreadPool(-1).build();

  private final Graph graph;
  private final Session session;
  private final ModelGraph model;
  private final int inputSize;
  private final long[] inputShape;
  private final int runSize;

  private DigitClassifier(ModelWeights weights, ConfigProto config, int runSize) {
    graph = new Graph();
    try {
      model = runSize > 0 ? ModelGraph.buildForRunsOf(Ops.create(graph), weights.architecture(), runSize)
          : ModelGraph.build(Ops.create(graph), weights.architecture());
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
    return new DigitClassifier(weights, null, 0);
  }

  /**
   * A classifier whose session has {@code config} (null = TF's defaults). TF makes one intra-op pool
   * for a whole process, sized by the first session the process makes: a later session's
   * {@code intra_op_parallelism_threads} has no effect (docs/performance.md).
   */
  public static DigitClassifier of(ModelWeights weights, ConfigProto config) {
    return new DigitClassifier(weights, config, 0);
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
    return new DigitClassifier(weights, config, runSize);
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
        Result r = runner(count).feed(model.input(), x).fetch(model.probabilities()).run()) {
      return Tensors.toFloats(r.get(0));
    }
  }

  /**
   * A lone image's ops run in the calling thread (TF's per-run {@code inter_op_thread_pool = -1}),
   * not handed to TF's inter-op pool and back: for so short a run each hand-off, a thread wake-up,
   * is a large part of the call (p50 0.377-0.403 ms instead of 0.431-0.447 in alternating runs of
   * {@code scripts/bench-predict}). The kernels, and their intra-op threads, are the same, so are the
   * results. Larger runs keep the pool: under serving's load, every run inline cost 10-20 % of the
   * requests/s at 32 clients.
   */
  private Session.Runner runner(int count) {
    return count == 1 ? session.runner().setOptions(INLINE) : session.runner();
  }

  /** One single-image run with {@code options} ({@code FULL_TRACE}: a per-kernel profile); returns TF's step stats. */
  public StepStats profiledProbabilities(float[] image, RunOptions options) {
    try (TFloat32 x = Tensors.floats(batchShape(1), image);
        Result r = session.runner().feed(model.input(), x).fetch(model.probabilities())
            .setOptions(options).runAndFetchMetadata()) {
      return r.getMetadata().orElseThrow().getStepStats();
    }
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
