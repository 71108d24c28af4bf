package io.tfjmnist.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.library.dependencies.Slice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Dependencies run one way: cli -> serving -> inference / training -> modelfiles -> keras ->
 * savedmodel -> checkpoint -> model / optimizers / images / data -> tensors, with {@code files} (atomic writes)
 * usable by every layer (the README's architecture map). Read from the product's bytecode with
 * ArchUnit, so fully-qualified names, static calls and field types count as much as imports; a
 * dependency that points upwards fails here with the class and the line named.
 */
class ArchitectureTest {
  private static final Path MAIN = Path.of("src/main/java/io/tfjmnist");
  private static final String ROOT = "io.tfjmnist";

  /**
   * The product's classes, read from Maven's output folder: tests and benchmarks (compiled into
   * target/test-classes) are not the product, and scanning the class path's jars would take half a
   * minute for nothing. TF Serving's API classes, generated from its protos into its own package
   * ({@code tensorflow.serving}), are no layer of the project: see {@link #onlyServingUsesTfServingsApi()}.
   */
  private static final JavaClasses PRODUCT = new ClassFileImporter()
      .withImportOption(location -> !location.contains("/tensorflow/serving/"))
      .importPath(Path.of("target/classes"));

  /** Each layer and the layers it may use (besides itself, its sub-packages and io.tfjmnist). */
  private static final Map<String, Set<String>> MAY_USE = Map.ofEntries(
      Map.entry("files", Set.of()),
      Map.entry("tensors", Set.of("files")),
      Map.entry("data", Set.of("tensors", "files")),
      Map.entry("images", Set.of("tensors", "files")),
      Map.entry("figures", Set.of("images", "tensors", "files")),
      Map.entry("initializers", Set.of()),
      Map.entry("model", Set.of("initializers", "tensors", "files")),
      Map.entry("optimizers", Set.of("model", "tensors", "files")),
      Map.entry("losses", Set.of("model", "tensors", "files")),
      Map.entry("metrics", Set.of("tensors", "files")),
      Map.entry("checkpoint", Set.of("model", "optimizers", "tensors", "files")),
      Map.entry("savedmodel", Set.of("checkpoint", "model", "optimizers", "data", "images", "tensors", "files")),
      Map.entry("keras", Set.of("initializers", "savedmodel", "checkpoint", "model", "optimizers", "tensors", "files")),
      Map.entry("modelfiles", Set.of("savedmodel", "keras", "checkpoint", "model", "optimizers", "tensors", "files")),
      Map.entry("training", Set.of("modelfiles", "savedmodel", "keras", "checkpoint", "model", "optimizers", "losses", "metrics",
          "data", "images", "figures", "tensors", "files")),
      Map.entry("inference", Set.of("modelfiles", "savedmodel", "keras", "checkpoint", "model", "optimizers", "losses", "metrics",
          "data", "images", "figures", "tensors", "files")),
      Map.entry("serving", Set.of("inference", "modelfiles", "savedmodel", "keras", "checkpoint", "model", "optimizers", "losses",
          "metrics", "data", "images", "figures", "tensors", "files")),
      Map.entry("cli", Set.of("serving", "inference", "training", "modelfiles", "savedmodel", "keras", "checkpoint", "model",
          "optimizers", "losses", "metrics", "data", "images", "figures", "tensors", "files")));

  /** The gRPC door (io.tfjmnist.serving) is the one user of the classes generated from TF Serving's protos. */
  @Test
  void onlyServingUsesTfServingsApi() {
    noClasses().that().resideOutsideOfPackage(ROOT + ".serving..")
        .should().dependOnClassesThat().resideInAPackage("tensorflow.serving..")
        .check(PRODUCT);
  }

  @Test
  void everyPackageIsInALayer() {
    Set<String> outside = new TreeSet<>();
    for (JavaClass c : PRODUCT) {
      String layer = layerOf(c.getPackageName());
      if (layer != null && !MAY_USE.containsKey(layer)) {
        outside.add(c.getPackageName());
      }
    }
    assertEquals(Set.of(), outside, "packages in no layer: add them to the README's architecture map and to MAY_USE");
  }

  @Test
  void everyDependencyPointsDownTheLayers() {
    List<String> violations = new ArrayList<>();
    for (Map.Entry<String, Set<String>> layer : MAY_USE.entrySet()) {
      String[] forbidden = MAY_USE.keySet().stream()
          .filter(other -> !other.equals(layer.getKey()) && !layer.getValue().contains(other))
          .map(other -> ROOT + "." + other + "..").toArray(String[]::new);
      ArchRule rule = noClasses().that().resideInAPackage(ROOT + "." + layer.getKey() + "..")
          .should().dependOnClassesThat().resideInAnyPackage(forbidden)
          .allowEmptyShould(true);
      EvaluationResult result = rule.evaluate(PRODUCT);
      violations.addAll(result.getFailureReport().getDetails());
    }
    assertEquals(List.of(), violations, "dependencies against the layering");
  }

  @Test
  void noPackagesDependOnEachOtherInACycle() {
    slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(PRODUCT);
  }

  /**
   * Models are read and written through {@code modelfiles.ModelFiles} only, so every caller gets the
   * architecture from the file and the provenance with the weights. The format packages call each
   * other; {@code training.CheckpointManager} keeps the resumable per-epoch checkpoints, which are
   * training state rather than models, in TF's format directly.
   */
  @Test
  void modelsAreReadAndWrittenThroughTheModelFilesFacade() {
    DescribedPredicate<JavaCall<?>> formatEntryPoint = DescribedPredicate.describe("a format's load or save",
        call -> FORMAT_ENTRY_POINTS.contains(call.getTargetOwner().getSimpleName() + "." + call.getName()));
    noClasses().that().resideOutsideOfPackages(ROOT + ".checkpoint..", ROOT + ".keras..", ROOT + ".savedmodel..",
        ROOT + ".modelfiles..")
        .and().doNotHaveFullyQualifiedName(ROOT + ".training.CheckpointManager")
        .and().doNotHaveFullyQualifiedName(ROOT + ".training.CheckpointManager$Checkpoint")
        .should().callCodeUnitWhere(formatEntryPoint)
        .check(PRODUCT);
  }

  /**
   * The model-file formats stack, each package one job: {@code checkpoint} is TF's tensor bundle and
   * its trackable object graph, {@code savedmodel} TF's SavedModel (whose variables are a checkpoint),
   * {@code keras} Keras's concepts (configs, layers, its object-graph layout, {@code .weights.h5},
   * {@code .keras}, the Keras model in a SavedModel), built on the TF formats; {@code modelfiles} the
   * façade over all three. TF's formats know nothing of Keras, and no format knows the façade, so no
   * cycle can form between them.
   */
  @Test
  void theTfFormatsKnowNothingOfKerasNorOfTheFacade() {
    noClasses().that().resideInAPackage(ROOT + ".checkpoint..")
        .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".savedmodel..", ROOT + ".keras..", ROOT + ".modelfiles..")
        .check(PRODUCT);
    noClasses().that().resideInAPackage(ROOT + ".savedmodel..")
        .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".keras..", ROOT + ".modelfiles..")
        .check(PRODUCT);
    noClasses().that().resideInAPackage(ROOT + ".keras..")
        .should().dependOnClassesThat().resideInAPackage(ROOT + ".modelfiles..")
        .check(PRODUCT);
    slices().matching(ROOT + ".(*)..").that(FORMAT_SLICES).should().beFreeOfCycles().check(PRODUCT);
  }

  private static final Set<String> FORMAT_PACKAGES = Set.of("checkpoint", "savedmodel", "keras", "modelfiles");

  private static final DescribedPredicate<Slice> FORMAT_SLICES = DescribedPredicate.describe(
      "the model-file packages", slice -> FORMAT_PACKAGES.contains(slice.getNamePart(1)));

  /**
   * Outside the model-file packages, only these format classes are used (docs/architecture.md lists
   * them): a SavedModel's signatures as TF Serving describes them ({@code serving}, {@code
   * inference.SavedModelClassifier}, which loads any SavedModel with TF's own loader), Python's golden
   * outputs ({@code Parity}), and a file's format in words ({@code WeightsFormat}). Models themselves
   * go through {@code modelfiles.ModelFiles}; {@code training.CheckpointManager}'s resumable
   * checkpoints are training state in TF's format, not models.
   */
  private static final Set<String> USABLE_OUTSIDE = Set.of(
      "savedmodel.SavedModelFiles", "savedmodel.SavedModelInspector", "savedmodel.SavedModelInfo",
      "savedmodel.MetaGraphInfo", "savedmodel.SignatureInfo", "savedmodel.TensorSpecInfo",
      "savedmodel.ServingSignature", "savedmodel.ExampleEncoder", "savedmodel.SavedModelExporter",
      "savedmodel.GoldenOutputs", "checkpoint.WeightsFormat", "checkpoint.CheckpointLayout");

  @Test
  void theFormatPackagesAreUsedOutsideTheModelFilesOnlyAsDocumented() {
    DescribedPredicate<JavaClass> undocumented = DescribedPredicate.describe("a format class not documented for use"
        + " outside the model files", c -> {
          if (!c.getPackageName().startsWith(ROOT + ".")) {
            return false;
          }
          String layer = layerOf(c.getPackageName());
          String topLevel = c.getName().substring(ROOT.length() + 1).split("\\$")[0];
          return layer != null && FORMAT_PACKAGES.contains(layer) && !layer.equals("modelfiles")
              && !USABLE_OUTSIDE.contains(topLevel);
        });
    noClasses().that().resideOutsideOfPackages(ROOT + ".checkpoint..", ROOT + ".keras..", ROOT + ".savedmodel..",
        ROOT + ".modelfiles..")
        .and().haveNameNotMatching(Pattern.quote(ROOT + ".training.CheckpointManager") + "(\\$.*)?")
        .should().dependOnClassesThat(undocumented)
        .check(PRODUCT);
  }

  /**
   * JVM-wide settings (AWT's headless mode, a logger's level) are the program's to choose: the
   * library must not change them under a service that embeds it.
   */
  @Test
  void onlyTheCliSetsSystemProperties() {
    noClasses().that().resideOutsideOfPackage(ROOT + ".cli..")
        .and().doNotHaveFullyQualifiedName(ROOT + ".serving.ModelServer") // Jetty's log level: see its comment
        .should().callMethod(System.class, "setProperty", String.class, String.class)
        .check(PRODUCT);
  }

  /**
   * Within images, decoding (file bytes to Pillow's pixels) comes first and knows nothing of the two
   * preprocessings that read its output.
   */
  @Test
  void decodingDoesNotDependOnPreprocessing() {
    noClasses().that().resideInAPackage(ROOT + ".images.decoding..")
        .should().dependOnClassesThat().resideInAPackage(ROOT + ".images.preprocessing..")
        .check(PRODUCT);
  }

  /** Charts are drawn in one place: training's callbacks hand their epochs to figures.HistoryChart. */
  @Test
  void onlyFiguresDrawWithJFreeChart() {
    noClasses().that().resideOutsideOfPackage(ROOT + ".figures..")
        .should().dependOnClassesThat().resideInAPackage("org.jfree..")
        .check(PRODUCT);
  }

  private static final Set<String> FORMAT_ENTRY_POINTS = Set.of("WeightsFiles.load", "WeightsFiles.loadWithOptimizer",
      "WeightsFiles.save", "WeightsCheckpoint.load", "WeightsCheckpoint.save", "KerasCheckpointWeights.load",
      "KerasH5Weights.read", "KerasH5Writer.write", "KerasModelFiles.read", "KerasModelFiles.writeKeras",
      "KerasModelImporter.fromSavedModel", "KerasModelImporter.rebuild", "KerasModelImporter.weightsFromCheckpoint",
      "SavedModelExporter.export");

  /** {@code io.tfjmnist.x.y} -> {@code x}; null for io.tfjmnist itself (TfjMnistException, usable everywhere). */
  private static String layerOf(String pkg) {
    if (pkg.equals(ROOT)) {
      return null;
    }
    String rest = pkg.substring(ROOT.length() + 1);
    int dot = rest.indexOf('.');
    return dot < 0 ? rest : rest.substring(0, dot);
  }

  @Test
  void theProductHoldsNoBenchmarks() throws IOException {
    try (Stream<Path> files = Files.walk(MAIN)) {
      List<String> bench = files.filter(Files::isRegularFile).map(MAIN::relativize).map(Path::toString)
          .filter(p -> p.startsWith("bench") || p.contains("/bench/") || p.endsWith("Benchmark.java"))
          .toList();
      assertEquals(List.of(), bench, "benchmarks belong in src/bench/java");
    }
  }

  /** A command-line flag such as {@code --data-dir}, not a lone {@code --} or part of a longer word. */
  private static final Pattern FLAG = Pattern.compile("(?<![\\w-])--[a-z][a-z-]+");

  /**
   * The library returns values and throws; only the CLI prints and names its flags. Java services use
   * the library without a CLI, so a library message naming {@code --port} would point them nowhere:
   * the CLI adds flag names to the library's messages where its user needs them.
   */
  @Test
  void onlyTheCliNamesCommandLineFlags() throws IOException {
    List<String> violations = new ArrayList<>();
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
        Path rel = MAIN.relativize(f);
        if (rel.startsWith("cli")) {
          continue;
        }
        List<String> lines = Files.readAllLines(f);
        for (int i = 0; i < lines.size(); i++) {
          List<String> flags = flagsInStringLiterals(lines.get(i));
          if (!flags.isEmpty()) {
            violations.add(rel + ":" + (i + 1) + " " + flags);
          }
        }
      }
    }
    assertEquals(List.of(), violations, "library string literals naming CLI flags: say it in API terms or plain"
        + " words, and let the command in io.tfjmnist.cli add the flag");
  }

  @Test
  void theFlagScanSeesStringsOnlyNotComments() {
    assertEquals(List.of("--port"), flagsInStringLiterals("throw new X(\"choose another with --port.\"); // --not-this"));
    assertEquals(List.of("--data-dir", "--out"), flagsInStringLiterals("f(\"a \\\"--data-dir\\\" b\", '\"', \"--out\");"));
    assertEquals(List.of(), flagsInStringLiterals(" * {@code --data-dir} in Javadoc"));
    assertEquals(List.of(), flagsInStringLiterals("// \"--port\" in a comment"));
    assertEquals(List.of(), flagsInStringLiterals("s = \"a -- b, x--y, --7, --\";"));
  }

  /** The flags named in a source line's string literals; comment lines and trailing comments are skipped. */
  private static List<String> flagsInStringLiterals(String line) {
    String s = line.strip();
    List<String> flags = new ArrayList<>();
    if (s.startsWith("//") || s.startsWith("*") || s.startsWith("/*")) {
      return flags;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '/' && i + 1 < s.length() && (s.charAt(i + 1) == '/' || s.charAt(i + 1) == '*')) {
        break; // a comment after the code
      }
      if (c == '\'') { // a char literal, e.g. '"' or '\''
        int end = s.indexOf('\'', i + (i + 1 < s.length() && s.charAt(i + 1) == '\\' ? 3 : 2));
        i = end < 0 ? s.length() : end;
        continue;
      }
      if (c == '"') {
        StringBuilder literal = new StringBuilder();
        for (i++; i < s.length() && s.charAt(i) != '"'; i++) {
          if (s.charAt(i) == '\\' && i + 1 < s.length()) {
            i++;
          }
          literal.append(s.charAt(i));
        }
        Matcher m = FLAG.matcher(literal);
        while (m.find()) {
          flags.add(m.group());
        }
      }
    }
    return flags;
  }
}
