package io.tfjmnist.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tfjmnist.TfjMnistException;
import io.tfjmnist.figures.DigitFigure;
import io.tfjmnist.images.decoding.ImageDecoder;
import io.tfjmnist.images.preprocessing.PreprocessedImage;
import io.tfjmnist.images.preprocessing.Preprocessing;
import io.tfjmnist.inference.ImageClassifier;
import io.tfjmnist.inference.Prediction;
import io.tfjmnist.tensors.NativeWarmUp;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code predict}: the original's predict.py for any number of image files, like {@code 7.jpg}. */
@Command(name = "predict", mixinStandardHelpOptions = true,
    description = "Predict the digit in each image (files or folders): one line per image with the digit, "
        + "its probability and the top 3. Exit 1 if any file could not be classified.")
final class PredictCommand implements Callable<Integer> {
  @Mixin
  KernelsOption kernels;

  @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Image files or folders of images.")
  List<Path> inputs;

  @Mixin
  ModelOption model;

  @Option(names = "--weights", paramLabel = "PREFIX",
      description = "Older name of --model for weights and Keras files (default: mnist).")
  Path weights;

  @Option(names = "--saved-model", paramLabel = "DIR",
      description = "Older name of --model for a SavedModel folder, run through its own signature.")
  Path savedModel;

  @Option(names = "--signature", paramLabel = "KEY",
      description = "Run a SavedModel through this signature (default: serving_default, or the only one).")
  String signature;

  @Option(names = "--preprocess", defaultValue = "mnist", paramLabel = "NAME",
      converter = PreprocessingConverter.class,
      description = "mnist (photos of digits on paper; default) or predict-py (exactly the Python original's predict.py; 'seed' is an old alias).")
  Preprocessing preprocess;

  /** serve's spelling of {@code --preprocess}, accepted so neither command refuses the other's. */
  @Option(names = "--preprocessing", hidden = true, paramLabel = "NAME", converter = PreprocessingConverter.class)
  void preprocessing(Preprocessing p) {
    preprocess = p;
  }

  @Option(names = "--json", description = "One JSON object per line instead of text.")
  boolean json;

  @Option(names = "--plot", paramLabel = "PNG",
      description = "Write the quickstart's figure (original | gray | input with the prediction); one row per image.")
  Path plot;

  @CommandLine.ParentCommand
  Main main;

  @Override
  public Integer call() {
    NativeWarmUp.start(); // TF's ~1 s native load overlaps reading the checkpoint (README, Performance)
    Preprocessing p = preprocess;
    ModelOption.Chosen chosen = model.choose(Path.of("mnist"), weights, savedModel);
    List<Path> files = expand(inputs);
    ImageDecoder.warmUpFor(files); // the JPEG decoder's session, made while the checkpoint is read
    PrintStream out = main.out;
    ObjectMapper mapper = json ? new ObjectMapper() : null; // ~60 ms of class loading, only for --json
    int[] failed = {0};
    List<PreprocessedImage> shown = new ArrayList<>();
    List<Integer> digits = new ArrayList<>();
    double seconds;
    boolean ownGraph = chosen.isSavedModel() && ModelOption.javaRebuild(chosen, signature != null).isEmpty();
    try (ImageClassifier classifier = ownGraph
        ? ImageClassifier.fromSavedModel(chosen.path(), signature, p)
        : ModelOption.withHint(chosen, () -> ImageClassifier.fromCheckpoint(chosen.path(), chosen.architecture(), p))) {
      long start = System.nanoTime(); // reading, preprocessing, inference and printing; not the model load
      // Each batch is printed as it is done and its pictures are kept only for a figure, so a folder
      // of any size runs in the memory of one batch.
      classifier.classifyAll(files, plot != null, o -> {
        if (!o.ok()) {
          failed[0]++;
          main.err.println("error: " + o.error());
          return;
        }
        Prediction pr = o.result().prediction();
        out.println(json ? jsonLine(mapper, o.file(), pr) : textLine(o.file(), pr));
        if (plot != null) {
          shown.add(o.result().image());
          digits.add(pr.label());
        }
      });
      seconds = (System.nanoTime() - start) / 1e9;
    }
    if (plot != null && !shown.isEmpty()) {
      int[] d = digits.stream().mapToInt(Integer::intValue).toArray();
      DigitFigure.write(shown.size() == 1 ? DigitFigure.figure(shown.get(0), d[0]) : DigitFigure.grid(shown, d), plot);
      main.err.println("Wrote " + plot); // stderr: stdout holds only the predictions (text or JSON lines)
    }
    main.err.printf(Locale.ROOT, "Classified %d of %d image%s in %.2f s (%.0f images/s)%n",
        files.size() - failed[0], files.size(), files.size() == 1 ? "" : "s", seconds, files.size() / seconds);
    return failed[0] == 0 ? 0 : Main.EXIT_FAILURE;
  }

  /** {@code --preprocess foo} is a bad flag value: picocli reports it and exits 2. */
  static final class PreprocessingConverter implements CommandLine.ITypeConverter<Preprocessing> {
    @Override
    public Preprocessing convert(String value) {
      try {
        return Preprocessing.byName(value);
      } catch (TfjMnistException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  static String textLine(Path file, Prediction p) {
    int[] top = p.top(3);
    float[] probs = p.probabilities();
    StringBuilder sb = new StringBuilder();
    sb.append(file).append(": ").append(p.label())
        .append(String.format(Locale.ROOT, " (%.4f)  top-3:", p.confidence()));
    for (int k : top) {
      sb.append(String.format(Locale.ROOT, " %d %.4f", k, probs[k]));
    }
    return sb.toString();
  }

  static String jsonLine(ObjectMapper mapper, Path file, Prediction p) {
    ObjectNode o = mapper.createObjectNode();
    o.put("file", file.toString()).put("digit", p.label()).put("confidence", p.confidence());
    float[] probs = p.probabilities();
    ArrayNode top = o.putArray("top3");
    for (int k : p.top(3)) {
      top.addObject().put("digit", k).put("probability", probs[k]);
    }
    ArrayNode all = o.putArray("probabilities");
    for (float f : probs) {
      all.add(f);
    }
    return o.toString();
  }

  /**
   * Files as given; folders become their regular files in name order (not recursive, hidden files
   * skipped). A folder with nothing to classify is an error before the model is loaded: exiting 0
   * with no output would look like success.
   */
  static List<Path> expand(List<Path> inputs) {
    List<Path> files = new ArrayList<>();
    for (Path in : inputs) {
      if (Files.isDirectory(in)) {
        List<Path> listed;
        try (Stream<Path> s = Files.list(in)) {
          listed = s.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith("."))
              .sorted().toList();
        } catch (IOException e) {
          throw new TfjMnistException("Cannot list folder " + in + ": " + e.getMessage() + ".");
        }
        if (listed.isEmpty()) {
          throw new TfjMnistException("Folder " + in + " holds no image files (hidden files and subfolders are"
              + " skipped), so there is nothing to classify.");
        }
        files.addAll(listed);
      } else {
        files.add(in);
      }
    }
    return files;
  }
}
