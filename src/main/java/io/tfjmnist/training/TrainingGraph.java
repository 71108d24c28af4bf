package io.tfjmnist.training;

import io.tfjmnist.optimizers.Adam;
import io.tfjmnist.optimizers.AdamArithmetic;
import io.tfjmnist.optimizers.OptimizerState;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.losses.SparseCategoricalCrossentropy;
import io.tfjmnist.model.ModelGraph;
import io.tfjmnist.optimizers.Optimizer;
import io.tfjmnist.optimizers.OptimizerGraph;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.tensors.Tensors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * One graph and one long-lived session holding the model, its loss, TF's gradients
 * ({@code Graph.addGradients}) and Keras's Adam. Training steps and evaluation batches are both
 * run here; evaluation simply leaves the update op out of the run.
 */
public final class TrainingGraph implements AutoCloseable {
  private final Graph graph;
  private final Session session;
  private final ModelGraph model;
  private final OptimizerGraph adam;
  private final TFloat32 trainingOn;
  private final Placeholder<TInt64> labels;
  private final Operand<TFloat32> loss;
  private final Placeholder<TInt32> evalBatch;
  private final Operand<TFloat32> batchLossSums;
  private final Operand<TFloat32> correct;
  private final Operand<TInt64> predicted;
  private final String device;

  /** Loss and number of correct predictions for one batch. */
  public record BatchMetrics(float loss, float correct) {}

  public TrainingGraph(ModelArchitecture architecture, Adam optimizer, ConfigProto config) {
    this(architecture, optimizer, config, null);
  }

  /** @param device pins every op to this device ({@code /GPU:0}); null leaves placement to TF */
  public TrainingGraph(ModelArchitecture architecture, Adam optimizer, ConfigProto config, String device) {
    this(architecture, optimizer, AdamArithmetic.KERAS2, config, device);
  }

  /** @param arithmetic how Adam's update is computed: Keras 2's fused kernel or Keras 3's separate ops */
  public TrainingGraph(ModelArchitecture architecture, Adam optimizer, AdamArithmetic arithmetic, ConfigProto config,
      String device) {
    this(architecture, optimizer, arithmetic, false, 0, config, device);
  }

  /**
   * @param optimizer Adam, SGD or RMSprop ({@link OptimizerGraph#build})
   * @param fromLogits whether the loss reads the model's output as logits
   * @param seed the global seed Keras's {@code set_random_seed} had when the model was built, from
   *     which Dropout draws Keras 3's masks
   */
  public TrainingGraph(ModelArchitecture architecture, Optimizer optimizer, AdamArithmetic arithmetic, boolean fromLogits,
      long seed, ConfigProto config, String device) {
    this.device = device;
    graph = new Graph();
    try {
      Ops tf = Device.place(Ops.create(graph), device);
      model = ModelGraph.buildForTraining(tf, architecture, seed);
      labels = tf.withName("labels").placeholder(TInt64.class, Placeholder.shape(Shape.of(-1)));
      SparseCategoricalCrossentropy xent = new SparseCategoricalCrossentropy(tf, model, labels, fromLogits);
      loss = xent.loss();
      // Evaluation runs large chunks and forms the quickstart's batch means from them. Keras's batch
      // loss is TF's Sum over the batch's [b] losses, divided by b; a float32 sum in another order
      // differs in the last bits, and the test loss line with it. A row sum of the [n/b, b] reshape is
      // that vector sum, bit for bit (checked against TF 2.21 on 36,000 batches), so the chunk's batch
      // sums come from TF: n/b whole batches, then the sum of the n % b examples after them.
      Ops e = tf.withSubScope("eval_batches");
      evalBatch = e.withName("batch_size").placeholder(TInt32.class, Placeholder.shape(Shape.scalar()));
      Operand<TInt32> whole = e.math.mul(e.math.floorDiv(e.size(xent.perExample()), evalBatch), evalBatch);
      Operand<TInt32> wholeShape = e.reshape(whole, e.constant(new int[] {1}));
      Operand<TFloat32> rows = e.reshape(e.slice(xent.perExample(), e.constant(new int[] {0}), wholeShape),
          e.stack(List.of(e.constant(-1), evalBatch)));
      Operand<TFloat32> tail = e.slice(xent.perExample(), wholeShape, e.constant(new int[] {-1}));
      batchLossSums = e.withName("sums").concat(List.of(e.sum(rows, e.constant(1)),
          e.reshape(e.sum(tail, e.constant(0)), e.constant(new int[] {1}))), e.constant(0));

      // SparseCategoricalAccuracy: argmax of the output equals the label. Argmax of the logits is
      // the argmax of the softmax, without rounding ties away.
      Operand<TFloat32> scores = model.hasSoftmaxOutput() ? model.logits() : model.probabilities();
      predicted = tf.withName("predicted").math.argMax(scores, tf.constant(1));
      correct = tf.withName("correct").sum(
          tf.dtypes.cast(tf.math.equal(predicted, labels), TFloat32.class), tf.constant(0));

      List<Output<?>> reads = new ArrayList<>();
      model.trainableWeightReads().forEach(r -> reads.add(r.asOutput()));
      Output<?>[] grads = graph.addGradients("gradients", new Output<?>[] {xent.logits().asOutput()},
          reads.toArray(new Output<?>[0]), new Output<?>[] {xent.dLogits().asOutput()});
      List<VarHandleOp> vars = model.trainableVariables();
      adam = OptimizerGraph.build(tf, optimizer, arithmetic, architecture.trainableWeights(), vars, Arrays.asList(grads));
      session = config == null ? new Session(graph) : new Session(graph, config);
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
    trainingOn = TFloat32.scalarOf(1f);
  }

  /** Loads weights and optimizer state (a fresh optimizer when {@code state} is null). */
  public void load(ModelWeights weights, OptimizerState state) {
    try {
      model.assign(session, weights);
      if (state == null) {
        adam.reset(session);
      } else {
        adam.assign(session, state);
      }
    } catch (RuntimeException e) {
      throw Device.explain(e, device); // the first run is where a missing device shows
    }
  }

  /** The first training step: {@link #trainStep(TFloat32, TInt64, TFloat32, long)} with step 0. */
  public BatchMetrics trainStep(TFloat32 images, TInt64 batchLabels, TFloat32 learningRate) {
    return trainStep(images, batchLabels, learningRate, 0);
  }

  /**
   * Runs forward, backward and one optimizer update on a batch; returns the batch's metrics before
   * the update.
   *
   * @param step the steps done before this one in the whole fit (Dropout's masks depend on it, as
   *     Keras's SeedGenerator counter does)
   */
  public BatchMetrics trainStep(TFloat32 images, TInt64 batchLabels, TFloat32 learningRate, long step) {
    try (TInt64 stepTensor = TInt64.scalarOf(step);
        Result r = stepRunner(images, batchLabels, learningRate, stepTensor)
        .fetch(loss)
        .fetch(correct)
        .run()) {
      return new BatchMetrics(Tensors.scalarFloat(r.get(0)), Tensors.scalarFloat(r.get(1)));
    }
  }

  /**
   * One {@link #trainStep} run with {@code options} (a {@code FULL_TRACE} level for a profile of
   * which kernels ran and for how long); returns TF's run metadata.
   */
  public RunMetadata profiledTrainStep(TFloat32 images, TInt64 batchLabels, TFloat32 learningRate, RunOptions options) {
    try (TInt64 step = TInt64.scalarOf(0);
        Result r = stepRunner(images, batchLabels, learningRate, step).setOptions(options).runAndFetchMetadata()) {
      return r.getMetadata().orElseThrow();
    }
  }

  /** A runner that feeds one batch and runs the Adam update. */
  private Session.Runner stepRunner(TFloat32 images, TInt64 batchLabels, TFloat32 learningRate, TInt64 step) {
    Session.Runner runner = session.runner()
        .feed(model.step(), step)
        .feed(model.input(), images)
        .feed(labels, batchLabels)
        .feed(adam.learningRate(), learningRate)
        .feed(model.training(), trainingOn)
        .addTarget(adam.step());
    model.trainingUpdates().forEach(runner::addTarget);
    return runner;
  }

  /** Loss and correct count without updating anything; {@code predictions} receives argmax per image if non-null. */
  public BatchMetrics evaluate(TFloat32 images, TInt64 batchLabels, long[] predictions) {
    Session.Runner runner = session.runner()
        .feed(model.input(), images)
        .feed(labels, batchLabels)
        .fetch(loss)
        .fetch(correct);
    if (predictions != null) {
      runner.fetch(predicted);
    }
    try (Result r = runner.run()) {
      if (predictions != null) {
        long[] p = Tensors.toLongs(r.get(2));
        System.arraycopy(p, 0, predictions, 0, p.length);
      }
      return new BatchMetrics(Tensors.scalarFloat(r.get(0)), Tensors.scalarFloat(r.get(1)));
    }
  }

  /**
   * Forward pass only, for {@code n} examples in batches of {@code batchSize}: the argmax of every
   * output into {@code predictions}, and into {@code batchLossSums} the loss sum of each of the
   * {@code n / batchSize} whole batches followed by the sum over the {@code n % batchSize} examples
   * left (0 when none), each summed by TF as the quickstart's batch loss is. The same ops as
   * {@link #evaluate} up to the division, so a caller can run large chunks and still form the batch
   * means of a smaller batch size, bit for bit.
   */
  public void evaluateExamples(TFloat32 images, TInt64 batchLabels, int batchSize, long[] predictions,
      float[] batchLossSums) {
    try (TInt32 b = TInt32.scalarOf(batchSize);
        Result r = session.runner()
            .feed(model.input(), images)
            .feed(labels, batchLabels)
            .feed(evalBatch, b)
            .fetch(this.batchLossSums)
            .fetch(predicted)
            .run()) {
      float[] sums = Tensors.toFloats(r.get(0));
      long[] p = Tensors.toLongs(r.get(1));
      System.arraycopy(sums, 0, batchLossSums, 0, sums.length);
      System.arraycopy(p, 0, predictions, 0, p.length);
    }
  }

  public ModelWeights weights() {
    return model.read(session);
  }

  public OptimizerState optimizerState() {
    return adam.read(session);
  }

  /** The graph's definition (for TensorBoard); the weights are variables, so it stays small. */
  public GraphDef graphDef() {
    return graph.toGraphDef();
  }

  public ModelArchitecture architecture() {
    return model.architecture();
  }

  @Override
  public void close() {
    try (trainingOn) {
      session.close();
    } finally {
      graph.close();
    }
  }
}
