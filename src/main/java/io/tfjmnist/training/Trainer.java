package io.tfjmnist.training;

import io.tfjmnist.optimizers.Adam;
import io.tfjmnist.optimizers.OptimizerState;
import io.tfjmnist.data.Dataset;
import io.tfjmnist.data.ShuffleBuffer;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.metrics.ConfusionMatrix;
import io.tfjmnist.metrics.Mean;
import io.tfjmnist.metrics.SparseCategoricalAccuracy;
import io.tfjmnist.tensors.Kernels;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.types.TFloat32;

/**
 * Trains a model the way the quickstart script does: per epoch, {@code shuffle(buffer).batch(size)} over
 * the training set with a fresh shuffle order, one Adam step per batch through TF, the running
 * {@code Mean} loss and {@code SparseCategoricalAccuracy}, then the test set in order with the
 * metrics reset. A Trainer holds only settings; each {@link #fit} owns its graph and session and
 * closes them before returning an immutable result.
 */
public final class Trainer {
  private final TrainingConfig config;

  public Trainer(TrainingConfig config) {
    this.config = config;
  }

  public TrainingConfig config() {
    return config;
  }

  /** Weights and optimizer state at the end of an epoch, read from the session on demand. */
  public interface Snapshot {
    ModelWeights weights();

    OptimizerState optimizerState();
  }

  /** Trains from Keras's initial weights drawn with the config's seed. */
  public TrainingResult fit(ModelArchitecture architecture, Dataset train, Dataset test, List<TrainingListener> listeners) {
    return fit(architecture, ModelWeights.glorotUniform(architecture, config.seed()), null,
        TrainingPosition.start(), train, test, listeners);
  }

  /**
   * Trains from given weights and optimizer state (null: a fresh Adam), continuing from
   * {@code position}: the shuffle order of epoch k depends only on the seed and k, so skipping
   * the steps already done and restoring the running metric sums makes a resumed run see the same
   * batches, and report the same numbers, as an uninterrupted one.
   */
  public TrainingResult fit(ModelArchitecture architecture, ModelWeights initial, OptimizerState state,
      TrainingPosition position, Dataset train, Dataset test, List<TrainingListener> listeners) {
    if (train.size() == 0) {
      throw new IllegalArgumentException("the training set is empty");
    }
    int steps = (train.size() + config.batchSize() - 1) / config.batchSize();
    if (position.stepsInEpoch() >= steps) {
      throw new IllegalArgumentException("cannot resume at step " + position.stepsInEpoch()
          + " of an epoch that has " + steps + " steps (different data or batch size?)");
    }
    List<EpochLogs> history = new ArrayList<>();
    TrainingPosition where = position;
    try (TrainingGraph graph = new TrainingGraph(architecture, config.optimizer(), config.adamArithmetic(),
            config.fromLogits(), config.kerasGlobalSeed(), Device.sessionConfig(config.threads(), config.device()), config.device());
        TfShuffle tfShuffle = config.tfShuffle() == null ? null
            : new TfShuffle(train.size(), config.shuffleBuffer(), config.tfShuffle(), position.completedEpochs());
        TFloat32 learningRate = TFloat32.scalarOf(config.optimizer().learningRate())) {
      graph.load(initial, state);
      GraphDef graphDef = graph.graphDef(); // ~16 KB (weights are fed, not constants): cheap once per fit
      listeners.forEach(l -> l.onGraphBuilt(graphDef));
      listeners.forEach(l -> l.onTrainBegin(config, train.size(), steps));
      BatchFeeder feeder = new BatchFeeder(train);
      Mean loss = new Mean();
      SparseCategoricalAccuracy accuracy = new SparseCategoricalAccuracy();
      boolean stopped = false;
      for (int epoch = position.completedEpochs() + 1; epoch <= config.epochs() && !stopped; epoch++) {
        final int e = epoch;
        listeners.forEach(l -> l.onEpochBegin(e));
        int step = 0;
        loss.reset();
        accuracy.reset();
        if (epoch == position.completedEpochs() + 1 && !position.atEpochBoundary()) {
          step = position.stepsInEpoch();
          loss.restore(position.lossTotal(), position.lossCount());
          accuracy.restore(position.correct(), position.seen());
        }
        int[] order = tfShuffle != null ? tfShuffle.nextEpoch()
            : ShuffleBuffer.epochOrder(train.size(), config.shuffleBuffer(), config.seed(), epoch);
        long start = System.nanoTime();
        long images = (long) step * config.batchSize();
        for (int from = step * config.batchSize(); from < order.length; from += config.batchSize()) {
          int size = Math.min(config.batchSize(), order.length - from);
          float batchLoss;
          try (BatchFeeder.Batch batch = feeder.batch(order, from, size)) {
            TrainingGraph.BatchMetrics m = graph.trainStep(batch.images(), batch.labels(), learningRate,
                (long) (epoch - 1) * steps + step);
            batchLoss = m.loss();
            loss.update(m.loss());
            accuracy.update(m.correct(), size);
          }
          images += size;
          step++;
          for (TrainingListener l : listeners) {
            l.onBatchLoss(epoch, step, batchLoss);
          }
          long elapsed = System.nanoTime() - start;
          for (TrainingListener l : listeners) {
            l.onBatchEnd(epoch, step, steps, loss.result(), accuracy.result(), images, elapsed);
          }
          if (step < steps && listeners.stream().anyMatch(TrainingListener::stopRequested)) {
            stopped = true;
            break;
          }
        }
        long trainNanos = System.nanoTime() - start;
        if (stopped) {
          // An interrupted epoch is not reported as complete; its position is.
          where = new TrainingPosition(epoch - 1, step, loss.total(), loss.count(), accuracy.correct(), accuracy.count());
          break;
        }
        listeners.forEach(l -> l.onEvaluateBegin(e));
        long evalStart = System.nanoTime();
        Evaluation eval = test == null || test.size() == 0 ? null : evaluate(graph, test, config.batchSize());
        EpochLogs logs = new EpochLogs(epoch, loss.result(), accuracy.result(),
            eval == null ? Float.NaN : eval.loss(), eval == null ? Float.NaN : eval.accuracy(),
            step, trainNanos, System.nanoTime() - evalStart);
        history.add(logs);
        where = TrainingPosition.afterEpoch(epoch);
        Snapshot snapshot = new LazySnapshot(graph::weights, graph::optimizerState);
        for (TrainingListener l : listeners) {
          l.onEpochEnd(logs, snapshot);
        }
        if (epoch < config.epochs() && listeners.stream().anyMatch(TrainingListener::stopRequested)) {
          stopped = true;
        }
      }
      TrainingResult result = new TrainingResult(graph.weights(), graph.optimizerState(), history,
          where.completedEpochs() < config.epochs(), where);
      listeners.forEach(l -> l.onTrainEnd(result));
      return result;
    }
  }

  /**
   * Images per forward run when evaluating: whole batches of {@code batchSize}, about 1,024 in all;
   * in the bit-exact mode ({@link Kernels#EIGEN}) one batch, as Python runs it. Eigen's matrix
   * products block the inner dimension by the number of rows, so a row of a run of 1,024 can differ
   * in its last bit from the same row in a run of 32, and the test loss line with it.
   */
  static int evaluationChunk(int batchSize) {
    return Kernels.active() == Kernels.EIGEN ? batchSize : batchSize * Math.max(1, 1024 / batchSize);
  }

  /**
   * The quickstart's test loop: batches in order, the mean of the batch-mean losses, per-example accuracy.
   *
   * <p>Those numbers depend only on each example's loss and prediction, so the forward pass runs
   * {@link #evaluationChunk} images at a time (1/32 of the session runs at batch 32, and larger
   * matmuls: one evaluation of 10,000 images 0.44-0.53 s -> 0.21-0.22 s on 2 cores) and the quickstart's batch means
   * are formed here from each batch's loss sum, which TF computes as it does for one batch
   * ({@link TrainingGraph#evaluateExamples}): the same numbers, bit for bit ({@code EvaluationChunkTest}).
   */
  public static Evaluation evaluate(TrainingGraph graph, Dataset data, int batchSize) {
    return evaluate(graph, data, batchSize, done -> {});
  }

  /** As {@link #evaluate(TrainingGraph, Dataset, int)}, telling {@code progress} how many examples are done after each session run. */
  public static Evaluation evaluate(TrainingGraph graph, Dataset data, int batchSize, LongConsumer progress) {
    Mean loss = new Mean();
    SparseCategoricalAccuracy accuracy = new SparseCategoricalAccuracy();
    ConfusionMatrix confusion = new ConfusionMatrix(graph.architecture().numClasses());
    BatchFeeder feeder = new BatchFeeder(data);
    int[] order = new int[data.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    int chunk = evaluationChunk(batchSize);
    float[] sums = new float[chunk / batchSize + 1];
    long[] predictions = new long[chunk];
    for (int from = 0; from < order.length; from += chunk) {
      int size = Math.min(chunk, order.length - from);
      try (BatchFeeder.Batch batch = feeder.batch(order, from, size)) {
        graph.evaluateExamples(batch.images(), batch.labels(), batchSize, predictions, sums);
      }
      for (int b = 0; b < size; b += batchSize) {
        int end = Math.min(size, b + batchSize);
        int correct = 0;
        for (int i = b; i < end; i++) {
          int label = data.label(from + i);
          correct += predictions[i] == label ? 1 : 0;
          confusion.add(label, (int) predictions[i]);
        }
        loss.update(sums[b / batchSize] / (end - b)); // a batch cut short is the tail sum, right after the whole ones
        accuracy.update(correct, end - b);
      }
      progress.accept(from + size);
    }
    return new Evaluation(loss.result(), accuracy.result(), data.size(), confusion);
  }

  /** Evaluates {@code weights} on {@code data} in a session of its own. */
  public static Evaluation evaluate(ModelWeights weights, Dataset data, int batchSize, int threads) {
    return evaluate(weights, data, batchSize, threads, done -> {});
  }

  /** As {@link #evaluate(ModelWeights, Dataset, int, int)}, reporting the examples done to {@code progress}. */
  public static Evaluation evaluate(ModelWeights weights, Dataset data, int batchSize, int threads, LongConsumer progress) {
    try (TrainingGraph graph = new TrainingGraph(weights.architecture(), Adam.kerasDefaults(), sessionConfig(threads))) {
      graph.load(weights, null);
      return evaluate(graph, data, batchSize, progress);
    }
  }

  static ConfigProto sessionConfig(int threads) {
    return Device.sessionConfig(threads, null);
  }

  private static final class LazySnapshot implements Snapshot {
    private final Supplier<ModelWeights> weights;
    private final Supplier<OptimizerState> state;
    private ModelWeights w;
    private OptimizerState s;

    LazySnapshot(Supplier<ModelWeights> weights, Supplier<OptimizerState> state) {
      this.weights = weights;
      this.state = state;
    }

    @Override
    public ModelWeights weights() {
      if (w == null) {
        w = weights.get();
      }
      return w;
    }

    @Override
    public OptimizerState optimizerState() {
      if (s == null) {
        s = state.get();
      }
      return s;
    }
  }
}
