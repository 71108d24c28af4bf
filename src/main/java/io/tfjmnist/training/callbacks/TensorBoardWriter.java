package io.tfjmnist.training.callbacks;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.tensors.HelperSessions;
import io.tfjmnist.training.EpochLogs;
import io.tfjmnist.training.Trainer;
import io.tfjmnist.training.TrainingConfig;
import io.tfjmnist.training.TrainingListener;
import io.tfjmnist.training.TrainingResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.summary.SummaryWriter;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/**
 * Keras's {@code TensorBoard(log_dir)} callback: event files in {@code logDir/train} and
 * {@code logDir/validation}, so that {@code tensorboard --logdir DIR} shows the two runs on one chart
 * under the same tags Keras uses, written by TF's own summary writer ({@code CreateSummaryFileWriter},
 * {@code WriteScalarSummary}, {@code WriteGraphSummary}: the C++ {@code EventsWriter} behind
 * {@code tf.summary.create_file_writer}), not by hand.
 *
 * <ul>
 *   <li>{@code train/}: the training graph at step 0 (TensorBoard's Graphs tab), as Keras writes it at
 *       the start of {@code fit};
 *   <li>{@code train/}: {@code batch_loss}, {@code batch_accuracy} every {@code batchFrequency}
 *       global steps (the running epoch means, what the progress bar shows), at step = global step
 *       = number of Adam updates so far (Adam's {@code iterations});
 *   <li>{@code train/}: {@code epoch_loss}, {@code epoch_accuracy}, {@code epoch_learning_rate} and
 *       {@code validation/}: {@code epoch_loss}, {@code epoch_accuracy} of the test set, at step =
 *       the 0-based epoch index, as Keras's {@code on_epoch_end(epoch)} numbers them (the quickstart's
 *       "Epoch 1" line is step 0).
 * </ul>
 *
 * Accuracies are fractions, as Keras logs them; TF writes scalars as {@code simple_value}s. Both files
 * are flushed at every epoch end, so a crash loses at most the batch points of the current epoch. A
 * resumed run opens new event files in the same folders; TensorBoard merges the files of a folder.
 *
 * <p>The writes run in a small graph and session of their own (one thread, its own pools, so the
 * training session's thread settings are untouched): one session run per logged batch (every 100
 * steps by default, ~0.3 ms) and two per epoch.
 */
public final class TensorBoardWriter implements TrainingListener, AutoCloseable {
  /** Keras's {@code update_freq} in batches; we default to 100 so the event files stay small. */
  public static final int DEFAULT_BATCH_FREQUENCY = 100;
  /** {@code tf.summary.create_file_writer}'s defaults: flush after 10 queued events or 2 minutes. */
  private static final int MAX_QUEUE = 10;
  private static final int FLUSH_MILLIS = 120_000;
  /** What TF 2 appends to event file names; TensorBoard reads any name containing "tfevents". */
  private static final String FILE_SUFFIX = ".v2";

  private final Path logDir;
  private final int batchFrequency;
  private final Graph graph;
  private final Session session;
  private final Placeholder<TInt64> step;
  private final Placeholder<TFloat32> loss;
  private final Placeholder<TFloat32> accuracy;
  private final Placeholder<TFloat32> learningRateFeed;
  private final Placeholder<TString> graphDefFeed;
  private final Writer train;
  private final Writer validation;
  private final Op writeGraph;
  private final Op writeBatch;
  private final Op writeTrainEpoch;
  private final Op writeTrainEpochWithRate;
  private final Op writeValidationEpoch;
  private float learningRate = Float.NaN;
  private boolean closed;

  /** One summary writer resource (one event file) and what opens, flushes and closes it. */
  private static final class Writer {
    final Path dir;
    final SummaryWriter resource;
    final Op create;
    final Op flush;
    final Op close;
    Path file; // null until created
    boolean open;

    Writer(Ops tf, String name, Path dir) {
      this.dir = dir;
      this.resource = tf.summary.summaryWriter(SummaryWriter.sharedName(name));
      SummaryWriter w = resource;
      this.create = tf.summary.createSummaryFileWriter(w, tf.constant(dir.toString()), tf.constant(MAX_QUEUE),
          tf.constant(FLUSH_MILLIS), tf.constant(FILE_SUFFIX));
      this.flush = tf.summary.flushSummaryWriter(w);
      this.close = tf.summary.closeSummaryWriter(w);
    }
  }

  /**
   * This writer's session options: made before the training session, it asks for the training's
   * intra-op threads ({@link HelperSessions}), and for an inter-op pool of its own, of one thread,
   * so as not to size the process's either.
   */
  static ConfigProto sessionConfig(int tfThreads) {
    return HelperSessions.options(tfThreads).setUsePerSessionThreads(true).setInterOpParallelismThreads(1).build();
  }

  public TensorBoardWriter(Path logDir) {
    this(logDir, DEFAULT_BATCH_FREQUENCY);
  }

  /** @param batchFrequency write batch scalars every this many global steps; 0 writes none */
  public TensorBoardWriter(Path logDir, int batchFrequency) {
    this(logDir, batchFrequency, 0);
  }

  /**
   * @param batchFrequency write batch scalars every this many global steps; 0 writes none
   * @param tfThreads the training session's intra-op threads (0 = TF's default), which this
   *     writer's session asks for too: made first, it sizes TF's pool for the process ({@link HelperSessions})
   */
  public TensorBoardWriter(Path logDir, int batchFrequency, int tfThreads) {
    if (batchFrequency < 0) {
      throw new IllegalArgumentException("batch frequency must be 0 (none) or more, got " + batchFrequency);
    }
    this.logDir = logDir;
    this.batchFrequency = batchFrequency;
    Path absolute = logDir.toAbsolutePath().normalize();
    graph = new Graph();
    try {
      Ops tf = Ops.create(graph);
      step = tf.withName("step").placeholder(TInt64.class);
      loss = tf.withName("loss").placeholder(TFloat32.class);
      accuracy = tf.withName("accuracy").placeholder(TFloat32.class);
      learningRateFeed = tf.withName("learning_rate").placeholder(TFloat32.class);
      graphDefFeed = tf.withName("graph_def").placeholder(TString.class);
      train = new Writer(tf, "train", absolute.resolve("train"));
      validation = new Writer(tf, "validation", absolute.resolve("validation"));
      writeGraph = tf.summary.writeGraphSummary(train.resource, tf.constant(0L), graphDefFeed);
      writeBatch = scalars(tf, train.resource, step, List.of("batch_loss", "batch_accuracy"), List.of(loss, accuracy));
      writeTrainEpoch = scalars(tf, train.resource, step, List.of("epoch_loss", "epoch_accuracy"), List.of(loss, accuracy));
      writeTrainEpochWithRate = scalars(tf, train.resource, step, List.of("epoch_loss", "epoch_accuracy", "epoch_learning_rate"),
          List.of(loss, accuracy, learningRateFeed));
      writeValidationEpoch = scalars(tf, validation.resource, step, List.of("epoch_loss", "epoch_accuracy"), List.of(loss, accuracy));
      session = new Session(graph, sessionConfig(tfThreads));
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
    try {
      open(train);
    } catch (RuntimeException e) {
      closeNative();
      throw e;
    }
  }

  /** Writes the scalars in the given order (each after the previous one), as one target. */
  private static Op scalars(Ops tf, SummaryWriter writer, Operand<TInt64> step, List<String> tags,
      List<? extends Operand<TFloat32>> values) {
    Op last = null;
    for (int i = 0; i < tags.size(); i++) {
      Ops scope = last == null ? tf : tf.withControlDependencies(List.of(last));
      last = scope.summary.writeScalarSummary(writer, step, scope.constant(tags.get(i)), values.get(i));
    }
    return last;
  }

  public Path logDir() {
    return logDir;
  }

  public Path trainFile() {
    return train.file;
  }

  /** The validation event file, or null until the first test-set result has been written. */
  public Path validationFile() {
    return validation.file;
  }

  @Override
  public void onGraphBuilt(GraphDef trainingGraph) {
    try (TString def = TString.tensorOfBytes(NdArrays.scalarOfObject(trainingGraph.toByteArray()))) {
      run(session.runner().feed(graphDefFeed, def).addTarget(writeGraph), train);
    }
  }

  @Override
  public void onTrainBegin(TrainingConfig config, int trainSize, int stepsPerEpoch) {
    this.learningRate = config.optimizer().learningRate();
  }

  @Override
  public void onBatchEnd(int epoch, int step, int steps, float loss, float accuracy, long images, long elapsedNanos) {
    if (batchFrequency == 0) {
      return;
    }
    // Every epoch has the same number of steps, so the global step follows from the epoch (this
    // also holds for a run resumed at an epoch boundary, where it equals the restored Adam iterations).
    long global = (long) (epoch - 1) * steps + step;
    if (global % batchFrequency == 0) {
      write(writeBatch, train, global, loss, accuracy, Float.NaN);
    }
  }

  @Override
  public void onEpochEnd(EpochLogs logs, Trainer.Snapshot snapshot) {
    long step = logs.epoch() - 1L;
    if (Float.isNaN(learningRate)) {
      write(writeTrainEpoch, train, step, logs.loss(), logs.accuracy(), Float.NaN);
    } else {
      write(writeTrainEpochWithRate, train, step, logs.loss(), logs.accuracy(), learningRate);
    }
    flush(train);
    if (!Float.isNaN(logs.testAccuracy())) { // NaN accuracy means no test set (a NaN loss can be real)
      if (!validation.open) {
        open(validation);
      }
      write(writeValidationEpoch, validation, step, logs.testLoss(), logs.testAccuracy(), Float.NaN);
      flush(validation);
    }
  }

  @Override
  public void onTrainEnd(TrainingResult result) {
    flush(train);
    if (validation.open) {
      flush(validation);
    }
  }

  /** Flushes and closes both files; call it also when training failed (try-with-resources). */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      for (Writer w : List.of(train, validation)) {
        if (w.open) {
          w.open = false;
          run(session.runner().addTarget(w.close), w);
        }
      }
    } finally {
      closeNative();
    }
  }

  private void closeNative() {
    try {
      if (session != null) {
        session.close();
      }
    } finally {
      graph.close();
    }
  }

  private void write(Op target, Writer w, long atStep, float lossValue, float accuracyValue, float rate) {
    try (TInt64 s = TInt64.scalarOf(atStep);
        TFloat32 l = TFloat32.scalarOf(lossValue);
        TFloat32 a = TFloat32.scalarOf(accuracyValue);
        TFloat32 r = TFloat32.scalarOf(rate)) {
      run(session.runner().feed(step, s).feed(loss, l).feed(accuracy, a).feed(learningRateFeed, r).addTarget(target), w);
    }
  }

  private void flush(Writer w) {
    run(session.runner().addTarget(w.flush), w);
  }

  /** Creates {@code w}'s folder and event file, and finds the file TF named. */
  private void open(Writer w) {
    try {
      Files.createDirectories(w.dir);
    } catch (IOException e) {
      throw new TfjMnistException("Cannot create the TensorBoard log folder " + w.dir + ": " + e.getMessage() + ".", e);
    }
    Set<Path> before = eventFiles(w.dir);
    run(session.runner().addTarget(w.create), w);
    w.open = true;
    // TF names it events.out.tfevents.<secs>.<host>.<pid>.<counter>.v2; ours is the one that appeared.
    List<Path> created = new ArrayList<>(eventFiles(w.dir));
    created.removeAll(before);
    String pid = "." + ProcessHandle.current().pid() + ".";
    w.file = created.stream().filter(p -> p.getFileName().toString().contains(pid)).sorted().reduce((a, b) -> b)
        .orElse(null);
  }

  private static Set<Path> eventFiles(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().contains("tfevents")).collect(Collectors.toSet());
    } catch (IOException e) {
      throw new TfjMnistException("Cannot list the TensorBoard log folder " + dir + ": " + e.getMessage() + ".", e);
    }
  }

  private static void run(Session.Runner runner, Writer w) {
    try {
      runner.run().close();
    } catch (RuntimeException e) {
      // TF's native errors carry multi-line status text; keep the first line.
      String m = String.valueOf(e.getMessage()).lines().findFirst().orElse("").strip();
      throw new TfjMnistException("Cannot write the TensorBoard event file in " + w.dir + ": " + m + ".", e);
    }
  }
}
