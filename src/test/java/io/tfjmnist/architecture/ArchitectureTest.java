package io.tfjmnist.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Dependencies run one way: cli -> serving -> inference / training -> savedmodel / checkpoint ->
 * model / optimizers / images / data -> tensors, with {@code files} (atomic writes) importable by every
 * layer (the README's Architecture section). Read from the
 * product's own sources, so a new import that points upwards fails here with the file named.
 */
class ArchitectureTest {
  private static final Path MAIN = Path.of("src/main/java/io/tfjmnist");

  /** Each layer and the layers it may import (besides itself, its sub-packages and io.tfjmnist). */
  private static final Map<String, Set<String>> MAY_IMPORT = Map.ofEntries(
      Map.entry("files", Set.of()),
      Map.entry("tensors", Set.of("files")),
      Map.entry("data", Set.of("tensors", "files")),
      Map.entry("images", Set.of("tensors", "files")),
      Map.entry("model", Set.of("tensors", "files")),
      Map.entry("optimizers", Set.of("tensors", "files")),
      Map.entry("checkpoint", Set.of("model", "optimizers", "tensors", "files")),
      Map.entry("savedmodel", Set.of("checkpoint", "model", "optimizers", "data", "images", "tensors", "files")),
      Map.entry("modelfiles", Set.of("savedmodel", "checkpoint", "model", "optimizers", "tensors", "files")),
      Map.entry("training", Set.of("modelfiles", "savedmodel", "checkpoint", "model", "optimizers", "data", "images", "tensors",
          "files")),
      Map.entry("inference", Set.of("modelfiles", "savedmodel", "checkpoint", "model", "optimizers", "data", "images", "tensors",
          "files")),
      Map.entry("serving", Set.of("inference", "modelfiles", "savedmodel", "checkpoint", "model", "optimizers", "data", "images",
          "tensors", "files")),
      Map.entry("cli", Set.of("serving", "inference", "training", "modelfiles", "savedmodel", "checkpoint", "model", "optimizers",
          "data", "images", "tensors", "files")));

  private static final Pattern PACKAGE = Pattern.compile("^package io\\.tfjmnist(?:\\.(\\w+))?[\\w.]*;", Pattern.MULTILINE);
  private static final Pattern IMPORT = Pattern.compile("^import (?:static )?io\\.tfjmnist\\.(\\w+)\\.", Pattern.MULTILINE);

  @Test
  void everyImportPointsDownTheLayers() throws IOException {
    List<String> violations = new ArrayList<>();
    Map<String, Set<String>> seen = new TreeMap<>();
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String src = read(f);
        Matcher pm = PACKAGE.matcher(src);
        assertTrue(pm.find(), f + " has no package line");
        String layer = pm.group(1);
        if (layer == null) {
          continue; // io.tfjmnist itself: TfjMnistException, importable from everywhere
        }
        assertTrue(MAY_IMPORT.containsKey(layer), "package io.tfjmnist." + layer + " (" + f
            + ") is in no layer: add it to the README's Architecture section and to this test");
        Matcher im = IMPORT.matcher(src);
        while (im.find()) {
          String target = im.group(1);
          if (!target.equals(layer) && !target.equals("TfjMnistException")) {
            seen.computeIfAbsent(layer, k -> new TreeSet<>()).add(target);
            if (!MAY_IMPORT.get(layer).contains(target)) {
              violations.add(MAIN.relativize(f) + " (" + layer + ") imports io.tfjmnist." + target);
            }
          }
        }
      }
    }
    assertEquals(List.of(), violations, "imports against the layering; what each layer imports now: " + seen);
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

  private static String read(Path f) {
    try {
      return Files.readString(f);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
