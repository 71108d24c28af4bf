package io.tfjmnist.training;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.tensors.Tensors;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.data.IteratorGetNext;
import org.tensorflow.op.data.ShuffleDataset;
import org.tensorflow.types.TInt64;

/**
 * Python's batch order, from TF's own shuffle-dataset kernel: the order in which
 * {@code tf.random.set_seed(G)} followed by {@code tf.data.Dataset...shuffle(buffer, seed=S)} yields the
 * training examples, epoch after epoch, reshuffled each epoch exactly as a Python loop that iterates
 * the dataset once per epoch sees it.
 *
 * <p>The graph (see {@code ../shared/notes/python-shuffle-order.md}): {@code RangeDataset(0, n)} →
 * {@code ShuffleDatasetV3(seed=G, seed2=S, DummySeedGenerator, reshuffle_each_iteration)} → one batch of
 * all {@code n} indices → {@code RepeatDataset(-1)} → {@code SkipDataset(epochs already done)}, read by one
 * long-lived iterator. Each repetition re-iterates the shuffle, whose seed generator then moves on to
 * the next epoch's seeds, exactly as a new Python iterator does; re-running {@code MakeIterator} instead
 * would repeat epoch 0's order every time. Indices are shuffled, not images: the images are then fed
 * by {@link BatchFeeder} as for Java's own order, so batch size does not enter the shuffle at all.
 *
 * <p>The graph runs in a small session of its own, one {@code IteratorGetNext} per epoch.
 */
public final class TfShuffle implements AutoCloseable {
  private static final long MAXINT32 = (1L << 31) - 1;

  /**
   * The seed pair Python's {@code random_seed.get_seed} hands the shuffle when both the global seed
   * ({@code tf.random.set_seed(global)}) and the op seed ({@code shuffle(..., seed=op)}) are set: each
   * taken modulo 2^31-1, and (0, 0) replaced by (0, 2^31-1).
   */
  public record Seeds(long global, long op) {
    /** {@code GLOBAL:OP}, e.g. {@code 42:42} for the quickstart run with {@code --seed 42}. */
    public static Seeds parse(String text) {
      String[] parts = text.trim().split(":", -1);
      if (parts.length != 2) {
        throw new TfjMnistException("TF shuffle seeds are written GLOBAL:OP, the two seeds of Python's tf.random.set_seed(GLOBAL) "
            + "and shuffle(..., seed=OP), e.g. 42:42; got '" + text + "'.");
      }
      try {
        return new Seeds(Long.parseLong(parts[0].trim()), Long.parseLong(parts[1].trim()));
      } catch (NumberFormatException e) {
        throw new TfjMnistException("TF shuffle seeds are two whole numbers GLOBAL:OP, e.g. 42:42; got '" + text + "'.");
      }
    }

    /** The (seed, seed2) attributes TF's kernel receives. */
    long[] kernelSeeds() {
      long g = Math.floorMod(global, MAXINT32);
      long o = Math.floorMod(op, MAXINT32);
      return g == 0 && o == 0 ? new long[] {0, MAXINT32} : new long[] {g, o};
    }

    @Override
    public String toString() {
      return global + ":" + op;
    }
  }

  private final Graph graph;
  private final Session session;
  private final IteratorGetNext next;
  private final Op release;
  private final int n;

  /**
   * @param n examples per epoch
   * @param completedEpochs epochs already trained: the first {@link #nextEpoch} is the order of epoch
   *     {@code completedEpochs + 1} (a resumed run)
   */
  public TfShuffle(int n, int bufferSize, Seeds seeds, int completedEpochs) {
    if (n < 1 || bufferSize < 1 || completedEpochs < 0) {
      throw new IllegalArgumentException("need n >= 1, buffer >= 1, completed epochs >= 0");
    }
    this.n = n;
    graph = new Graph();
    Session opened = null;
    try {
      Ops tf = Ops.create(graph).withSubScope("tf_shuffle");
      List<Class<? extends org.tensorflow.types.family.TType>> types = List.of(TInt64.class);
      long[] s = seeds.kernelSeeds();
      var range = tf.data.rangeDataset(tf.constant(0L), tf.constant((long) n), tf.constant(1L), types, List.of(Shape.scalar()));
      var shuffled = tf.data.shuffleDataset(range, tf.constant((long) bufferSize), tf.constant(s[0]), tf.constant(s[1]),
          tf.random.dummySeedGenerator(), types, List.of(Shape.scalar()), ShuffleDataset.reshuffleEachIteration(true));
      List<Shape> epochShape = List.of(Shape.of(-1));
      var epoch = tf.data.batchDataset(shuffled, tf.constant((long) n), tf.constant(false), types, epochShape);
      var repeated = tf.data.repeatDataset(epoch, tf.constant(-1L), types, epochShape);
      var skipped = tf.data.skipDataset(repeated, tf.constant((long) completedEpochs), types, epochShape);
      var iterator = tf.data.iterator("tfj_mnist_tf_shuffle", "", types, epochShape);
      Op make = tf.data.makeIterator(skipped, iterator);
      next = tf.data.iteratorGetNext(iterator, types, epochShape);
      // Points the iterator at an empty dataset, which frees the shuffle dataset while the session's
      // resource container still exists; freed at session close instead, TF warns "Failed to delete
      // RNG resource: NOT_FOUND: Container localhost does not exist".
      var empty = tf.data.rangeDataset(tf.constant(0L), tf.constant(0L), tf.constant(1L), types, List.of(Shape.scalar()));
      release = tf.data.makeIterator(tf.data.batchDataset(empty, tf.constant(1L), tf.constant(false), types, epochShape),
          iterator);
      opened = new Session(graph);
      opened.runner().addTarget(make).run().close();
    } catch (RuntimeException e) {
      if (opened != null) {
        opened.close();
      }
      graph.close();
      throw e;
    }
    session = opened;
  }

  /** The next epoch's order: a permutation of {@code 0..n-1}. */
  public int[] nextEpoch() {
    try (Result r = session.runner().fetch(next.components().get(0)).run()) {
      long[] indices = Tensors.toLongs(r.get(0));
      if (indices.length != n) {
        throw new IllegalStateException("TF's shuffle gave " + indices.length + " indices, expected " + n);
      }
      int[] order = new int[n];
      for (int i = 0; i < n; i++) {
        order[i] = (int) indices[i];
      }
      return order;
    }
  }

  @Override
  public void close() {
    try {
      session.runner().addTarget(release).run().close();
    } finally {
      closeSession();
    }
  }

  private void closeSession() {
    try {
      session.close();
    } finally {
      graph.close();
    }
  }
}
