package io.tfjmnist.savedmodel;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.files.AtomicFiles;
import io.tfjmnist.files.DiskSpace;
import io.tfjmnist.files.FileErrors;
import io.tfjmnist.files.OutputLock;
import io.tfjmnist.files.StaleTemporaries;
import io.tfjmnist.checkpoint.CheckpointIndex;
import io.tfjmnist.model.ModelGraph;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.model.WeightSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.tensorflow.Graph;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.TensorFlow;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SaverDef;
import org.tensorflow.proto.SavedModel;

/**
 * Writes trained weights as a TF Serving-ready SavedModel: tag {@code serve}, one signature
 * {@code serving_default} ({@code tensorflow/serving/predict}) taking {@code input} float32
 * {@code [-1, 28, 28, 1]} (the architecture's input shape) and returning {@code probabilities}
 * float32 {@code [-1, 10]}, the same contract as {@code python-reference/export.py}.
 *
 * <p>The graph is {@link ModelGraph}'s forward pass only: no loss, gradient, optimizer or metric
 * ops, which is checked on the written file. The export is atomic: everything is written to a
 * hidden sibling folder, checked, and then renamed onto {@code exportDir}, so a crash or a
 * failed check never leaves a half-written version folder for a model server to pick up.
 */
public final class SavedModelExporter {
  public static final String SIGNATURE_KEY = ServingSignature.DEFAULT_KEY;
  public static final String INPUT_KEY = ModelGraph.INPUT;
  public static final String OUTPUT_KEY = ModelGraph.PROBABILITIES;

  private SavedModelExporter() {}

  /** Exports to {@code exportDir}, refusing to replace an existing non-empty folder. */
  public static Path export(ModelWeights weights, Path exportDir) {
    return export(weights, exportDir, false);
  }

  /**
   * Exports to {@code exportDir} (e.g. {@code saved_models/mnist/1}).
   *
   * @param overwrite whether an existing non-empty {@code exportDir} may be replaced
   * @return the absolute export folder
   */
  public static Path export(ModelWeights weights, Path exportDir, boolean overwrite) {
    Path target = exportDir.toAbsolutePath().normalize();
    Path parent = target.getParent();
    if (parent == null) {
      throw new TfjMnistException("Cannot export a SavedModel to the file-system root " + target + ".");
    }
    if (Files.exists(target) && !Files.isDirectory(target)) {
      throw new TfjMnistException("Cannot export a SavedModel to " + target + ": it is a file, not a folder.");
    }
    try (OutputLock lock = lock(target)) {
      ExportFolders.recover(target); // an earlier export killed between its two renames
      StaleTemporaries.cleanAndReport(parent);
      if (!overwrite && !isEmptyOrAbsent(target)) {
        throw new TfjMnistException("SavedModel folder " + target + " already exists and is not empty;"
            + " choose a new version folder, or allow replacing it (overwrite = true).");
      }
      return exportLocked(weights, target, parent);
    }
  }

  /** One export per folder at a time: two would set each other's old folder aside. */
  private static OutputLock lock(Path target) {
    try {
      return OutputLock.acquire(OutputLock.besides(target));
    } catch (OutputLock.HeldException e) {
      throw new TfjMnistException("Another export (" + e.holder() + ") is writing " + target
          + ": wait for it to end, or export to another folder.");
    } catch (IOException e) {
      throw new TfjMnistException("Cannot export a SavedModel to " + target + ": " + FileErrors.reason(e) + ".", e);
    }
  }

  private static Path exportLocked(ModelWeights weights, Path target, Path parent) {
    Path tmp = AtomicFiles.temporarySibling(target);
    try {
      Files.createDirectories(parent);
      DiskSpace.require(parent, 4 * weights.architecture().parameterCount() + (1L << 20)); // one line, before TF tries
      write(weights, tmp);
      check(weights, tmp);
      ExportFolders.replace(tmp, target);
      return target;
    } catch (IOException e) {
      throw new TfjMnistException("Could not export the SavedModel to " + target + ": " + FileErrors.reason(e) + ".", e);
    } catch (TfjMnistException e) {
      throw e;
    } catch (RuntimeException e) {
      // TF's native errors (TensorFlowException and kin) carry multi-line status text naming the
      // hidden temporary folder: the user's path and the OS's reason are what one line needs.
      throw new TfjMnistException("Could not export the SavedModel to " + target + ": " + FileErrors.reason(e) + ".", e);
    } finally {
      deleteRecursively(tmp);
    }
  }

  /** Builds the inference graph, loads the weights into its variables, and writes the SavedModel to {@code dir}. */
  private static void write(ModelWeights weights, Path dir) throws IOException {
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      ModelGraph model = ModelGraph.build(tf, weights.architecture());
      ResourceVariableSaver.add(tf, model);
      try (Session session = new Session(graph)) {
        model.assign(session, weights);
        Signature signature = Signature.builder(SIGNATURE_KEY)
            .methodName(ServingSignature.PREDICT_METHOD)
            .input(INPUT_KEY, model.input())
            .output(OUTPUT_KEY, model.probabilities())
            .build();
        SavedModelBundle.exporter(dir.toString())
            .withTags(SavedModelFiles.SERVE_TAG)
            .withSession(session)
            .withSignature(signature)
            .export();
      }
    }
    stampMetaInfo(dir);
  }

  /**
   * TF Java's exporter records only the tags. Adds what {@code saved_model_cli} and Python's loader
   * read: the TF runtime version that wrote the graph, and the checkpoint format (V2, what
   * {@code SaveV2} writes; the default LEGACY would send old Python readers looking for V1 files).
   */
  private static void stampMetaInfo(Path dir) throws IOException {
    Path pb = dir.resolve(SavedModelFiles.SAVED_MODEL_PB);
    SavedModel sm = SavedModel.parseFrom(Files.readAllBytes(pb));
    SavedModel.Builder b = sm.toBuilder().setSavedModelSchemaVersion(1);
    MetaGraphDef.Builder mg = b.getMetaGraphsBuilder(0);
    mg.getMetaInfoDefBuilder().setTensorflowVersion(TensorFlow.version())
        .setTensorflowGitVersion("TensorFlow Java (tfj-mnist SavedModelExporter)");
    mg.setSaverDef(mg.getSaverDef().toBuilder().setVersion(SaverDef.CheckpointFormatVersion.V2));
    Files.write(pb, b.build().toByteArray());
  }

  /** Checks the written files, not the in-memory graph: they are what a server will load. */
  private static void check(ModelWeights weights, Path dir) {
    String what = "The exported SavedModel " + dir;
    SavedModel sm = SavedModelFiles.read(dir);
    MetaGraphDef mg = SavedModelFiles.metaGraph(sm, dir, SavedModelFiles.SERVE_TAG);
    InferenceGraphCheck.verify(mg.getGraphDef(), what);
    ServingSignature sig = ServingSignature.discover(mg, SIGNATURE_KEY, weights.architecture().inputSize(), dir.toString());
    if (!sig.inputKey().equals(INPUT_KEY) || !sig.outputKey().equals(OUTPUT_KEY)) {
      throw new TfjMnistException(what + " has signature " + sig.describe() + " instead of input '" + INPUT_KEY
          + "' and output '" + OUTPUT_KEY + "'.");
    }
    CheckpointIndex index = CheckpointIndex.open(SavedModelFiles.variablesPrefix(dir));
    for (WeightSpec spec : weights.architecture().weights()) {
      if (index.find(spec.path()).isEmpty()) {
        throw new TfjMnistException(what + " did not save variable '" + spec.path() + "'.");
      }
    }
  }

  private static boolean isEmptyOrAbsent(Path dir) {
    if (!Files.exists(dir)) {
      return true;
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      return !s.iterator().hasNext();
    } catch (IOException e) {
      throw new TfjMnistException("Could not list " + dir + ": " + e.getMessage() + ".", e);
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      // Best effort: a leftover hidden temp folder is harmless and named for what it is.
    }
  }
}
