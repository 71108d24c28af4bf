package io.tfjmnist.model;

import io.tfjmnist.model.layers.Activation;
import io.tfjmnist.model.layers.ActivationLayer;
import io.tfjmnist.model.layers.Dense;
import io.tfjmnist.model.layers.Layer;
import io.tfjmnist.model.layers.TrainingInputs;
import io.tfjmnist.tensors.Tensors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.ReadVariableOp;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * A model's forward pass added to a TF graph with the Ops API. Each weight is a resource variable
 * ({@code VarHandleOp}), as Keras creates them: reads are snapshots, so an optimizer update in
 * the same step never races with the backward pass that still reads the old value.
 *
 * <p>Weights enter and leave through {@link #assign} and {@link #read}; nothing else touches them.
 */
public final class ModelGraph {
  /** Name of the input placeholder: float32 {@code [batch, 28, 28, 1]}. */
  public static final String INPUT = "input";
  /** Name of the output: float32 {@code [batch, classes]} probabilities. */
  public static final String PROBABILITIES = "probabilities";
  /** Name of the training flag of {@link #buildForTraining}: float32 scalar, 1 in training steps. */
  public static final String TRAINING = "training";
  /** Name of the step counter of {@link #buildForTraining}: int64 scalar, the steps done before this one. */
  public static final String STEP = "step";

  private final ModelArchitecture architecture;
  private final Placeholder<TFloat32> input;
  private final Map<String, VarHandleOp> variables;
  private final Map<String, ReadVariableOp<TFloat32>> reads;
  private final Map<String, Placeholder<TFloat32>> assignFeeds;
  private final Op assignAll;
  private final Operand<TFloat32> logits;
  private final Operand<TFloat32> probabilities;
  private final boolean softmaxOutput;
  private final TrainingInputs trainingInputs;
  private final List<Op> trainingUpdates;

  private ModelGraph(ModelArchitecture architecture, Placeholder<TFloat32> input,
      Map<String, VarHandleOp> variables, Map<String, ReadVariableOp<TFloat32>> reads,
      Map<String, Placeholder<TFloat32>> assignFeeds, Op assignAll, Operand<TFloat32> logits,
      Operand<TFloat32> probabilities, boolean softmaxOutput, TrainingInputs trainingInputs, List<Op> trainingUpdates) {
    this.architecture = architecture;
    this.input = input;
    this.variables = variables;
    this.reads = reads;
    this.assignFeeds = assignFeeds;
    this.assignAll = assignAll;
    this.logits = logits;
    this.probabilities = probabilities;
    this.softmaxOutput = softmaxOutput;
    this.trainingInputs = trainingInputs;
    this.trainingUpdates = List.copyOf(trainingUpdates);
  }

  /** Adds the architecture's variables and forward pass to {@code tf}'s graph. */
  public static ModelGraph build(Ops tf, ModelArchitecture architecture) {
    return build(tf, architecture, 0, null);
  }

  /**
   * A graph for {@code fit} and {@code evaluate} alike: layers that behave differently in training
   * (Dropout, BatchNormalization) read the scalar {@link #training()} flag, 1 in a training step and 0 (its default)
   * otherwise, so evaluation runs them as inference does.
   *
   * Dropout's masks also read the {@link #step()} counter, fed with each step.
   *
   * @param globalSeed the seed Keras's {@code set_random_seed} had before the model was built:
   *     Dropout draws Keras 3's masks from it
   */
  public static ModelGraph buildForTraining(Ops tf, ModelArchitecture architecture, long globalSeed) {
    Operand<TFloat32> training = tf.withName(TRAINING).placeholderWithDefault(tf.constant(0f), Shape.scalar());
    Operand<TInt64> step = tf.withName(STEP).placeholderWithDefault(tf.constant(0L), Shape.scalar());
    return build(tf, architecture, 0, new TrainingInputs(training, step, globalSeed));
  }

  /**
   * An inference graph whose outputs for an image are bit for bit the same whatever else is in
   * the batch, for batches of up to {@code runSize} images. The layers before the first Dense run
   * per image ({@link Layer#callPerImage}); their outputs are then padded with zero rows to
   * {@code runSize}, so the Dense layers' matrix products always have {@code runSize} rows and
   * oneDNN always takes the same code path; the padding rows are dropped from the outputs. Cheaper
   * than padding the input: the convolution runs on the real images only. Whether a given run size
   * makes the products' rows independent of their place depends on the CPU, so the caller checks
   * it (the serving code does, at load).
   *
   * @param runSize rows of every Dense product; a run of more images fails
   */
  public static ModelGraph buildForRunsOf(Ops tf, ModelArchitecture architecture, int runSize) {
    if (runSize < 1) {
      throw new IllegalArgumentException("runSize must be at least 1, got " + runSize);
    }
    return build(tf, architecture, runSize, null);
  }

  private static ModelGraph build(Ops tf, ModelArchitecture architecture, int runSize, TrainingInputs training) {
    long[] inputShape = new long[architecture.inputShape().length + 1];
    inputShape[0] = -1;
    System.arraycopy(architecture.inputShape(), 0, inputShape, 1, inputShape.length - 1);
    Placeholder<TFloat32> input = tf.withName(INPUT)
        .placeholder(TFloat32.class, Placeholder.shape(Shape.of(inputShape)));

    Map<String, VarHandleOp> variables = new LinkedHashMap<>();
    Map<String, ReadVariableOp<TFloat32>> reads = new LinkedHashMap<>();
    Map<String, Placeholder<TFloat32>> feeds = new LinkedHashMap<>();
    List<Op> assigns = new ArrayList<>();
    for (WeightSpec spec : architecture.weights()) {
      Ops scope = tf.withSubScope(spec.layer());
      VarHandleOp handle = scope.withName(spec.name()).varHandleOp(TFloat32.class, Shape.of(spec.shape()),
          VarHandleOp.sharedName(spec.path()));
      variables.put(spec.path(), handle);
      reads.put(spec.path(), scope.withName(spec.name() + "_read").readVariableOp(handle, TFloat32.class));
      Placeholder<TFloat32> feed = scope.withName(spec.name() + "_value")
          .placeholder(TFloat32.class, Placeholder.shape(Shape.of(spec.shape())));
      feeds.put(spec.path(), feed);
      assigns.add(scope.withName(spec.name() + "_assign").assignVariableOp(handle, feed));
    }
    Op assignAll = tf.withControlDependencies(assigns).withName("assign_weights").noOp();

    Operand<TFloat32> x = input;
    Operand<TFloat32> logits = null;
    List<Layer> layers = architecture.layers();
    boolean softmaxOutput = false;
    Operand<TInt32> images = null; // with runSize: the real rows, once the padding is added
    List<Op> updates = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      Layer layer = layers.get(i);
      Map<String, Operand<TFloat32>> w = weightsOf(layer, reads);
      if (runSize > 0 && images == null && layer instanceof Dense) {
        images = tf.slice(tf.shape(x), tf.constant(new int[] {0}), tf.constant(new int[] {1}));
        Operand<TInt32> blank = tf.math.sub(tf.constant(new int[] {runSize}), images); // negative: Pad fails
        x = tf.pad(x, tf.reshape(tf.concat(List.of(tf.constant(new int[] {0}), blank, tf.constant(new int[] {0, 0})),
            tf.constant(0)), tf.constant(new int[] {2, 2})), tf.constant(0f));
      }
      boolean last = i == layers.size() - 1;
      if (last && layer instanceof Dense dense && dense.activation() == Activation.SOFTMAX) {
        // Keep the softmax's input: Keras's cross-entropy on a softmax output uses these logits.
        logits = dense.preActivation(tf, x, w);
        x = images != null ? tf.nn.softmax(logits) : tf.withName(PROBABILITIES).nn.softmax(logits);
        softmaxOutput = true;
      } else if (last && layer instanceof ActivationLayer act && act.activation() == Activation.SOFTMAX) {
        logits = x; // Keras's softmax op records its input as the logits, whichever layer calls it
        x = images != null ? tf.nn.softmax(logits) : tf.withName(PROBABILITIES).nn.softmax(logits);
        softmaxOutput = true;
      } else if (training != null) {
        updates.addAll(layer.trainingUpdates(tf, x, w, handlesOf(layer, variables)));
        x = layer.callInTraining(tf, x, w, training);
      } else {
        x = runSize > 0 && images == null ? layer.callPerImage(tf, x, w) : layer.call(tf, x, w);
      }
    }
    if (images != null) {
      Operand<TInt32> rows = tf.concat(List.of(images, tf.constant(new int[] {-1})), tf.constant(0));
      if (logits != null) {
        logits = tf.slice(logits, tf.constant(new int[] {0, 0}), rows);
      }
      x = tf.withName(PROBABILITIES).slice(x, tf.constant(new int[] {0, 0}), rows);
    }
    Operand<TFloat32> probabilities = softmaxOutput || images != null ? x : tf.withName(PROBABILITIES).identity(x);
    return new ModelGraph(architecture, input, variables, reads, feeds, assignAll,
        softmaxOutput ? logits : null, probabilities, softmaxOutput, training, updates);
  }

  private static Map<String, Operand<TFloat32>> weightsOf(Layer layer, Map<String, ReadVariableOp<TFloat32>> reads) {
    Map<String, Operand<TFloat32>> w = new LinkedHashMap<>();
    for (WeightSpec spec : layer.weights()) {
      w.put(spec.name(), reads.get(spec.path()));
    }
    return w;
  }

  private static Map<String, VarHandleOp> handlesOf(Layer layer, Map<String, VarHandleOp> variables) {
    Map<String, VarHandleOp> h = new LinkedHashMap<>();
    for (WeightSpec spec : layer.weights()) {
      h.put(spec.name(), variables.get(spec.path()));
    }
    return h;
  }

  public ModelArchitecture architecture() {
    return architecture;
  }

  public Placeholder<TFloat32> input() {
    return input;
  }

  public Operand<TFloat32> probabilities() {
    return probabilities;
  }

  /** The softmax's input when the model ends in a softmax, else {@code null}. */
  public Operand<TFloat32> logits() {
    return logits;
  }

  /** The training flag of {@link #buildForTraining}; null in other graphs. */
  public Operand<TFloat32> training() {
    return trainingInputs == null ? null : trainingInputs.training();
  }

  /** The step counter of {@link #buildForTraining}; null in other graphs. */
  public Operand<TInt64> step() {
    return trainingInputs == null ? null : trainingInputs.step();
  }

  public boolean hasSoftmaxOutput() {
    return softmaxOutput;
  }

  /** Variable reads in {@link ModelArchitecture#weights()} order: every weight, moving statistics included. */
  public List<ReadVariableOp<TFloat32>> weightReads() {
    return new ArrayList<>(reads.values());
  }

  /** Reads of the trainable variables in {@link ModelArchitecture#trainableWeights()} order: what gradients are taken against. */
  public List<ReadVariableOp<TFloat32>> trainableWeightReads() {
    return architecture.trainableWeights().stream().map(s -> reads.get(s.path())).toList();
  }

  /** The trainable variables, in {@link ModelArchitecture#trainableWeights()} order: what the optimizer updates. */
  public List<VarHandleOp> trainableVariables() {
    return architecture.trainableWeights().stream().map(s -> variables.get(s.path())).toList();
  }

  /**
   * What a training step runs besides the optimizer's update: BatchNormalization's moving
   * statistics (empty outside {@link #buildForTraining} and for models without it).
   */
  public List<Op> trainingUpdates() {
    return trainingUpdates;
  }

  public Map<String, VarHandleOp> variables() {
    return variables;
  }

  /** Writes every weight of {@code weights} into the session's variables. */
  public void assign(Session session, ModelWeights weights) {
    List<Tensor> fed = new ArrayList<>();
    try {
      Session.Runner runner = session.runner();
      for (WeightSpec spec : architecture.weights()) {
        TFloat32 t = Tensors.floats(spec.shape(), weights.view(spec.path()));
        fed.add(t);
        runner.feed(assignFeeds.get(spec.path()), t);
      }
      runner.addTarget(assignAll).run().close();
    } finally {
      fed.forEach(Tensor::close);
    }
  }

  /** Copies the variables' current values out of the session. */
  public ModelWeights read(Session session) {
    Session.Runner runner = session.runner();
    List<WeightSpec> specs = architecture.weights();
    specs.forEach(spec -> runner.fetch(reads.get(spec.path())));
    Map<String, float[]> values = new LinkedHashMap<>();
    try (Result result = runner.run()) {
      for (int i = 0; i < specs.size(); i++) {
        values.put(specs.get(i).path(), Tensors.toFloats(result.get(i)));
      }
    }
    return ModelWeights.of(architecture, values);
  }
}
