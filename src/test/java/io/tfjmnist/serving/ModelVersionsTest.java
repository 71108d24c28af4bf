package io.tfjmnist.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.inference.ProbabilityModel;
import io.tfjmnist.model.ModelArchitecture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The version registry without TF: each version folder holds a text file whose number the fake
 * model answers with, or "broken". What is asserted is the bookkeeping: which versions the policies
 * load and unload, their states as the status calls report them, labels, and that a version's
 * session is closed exactly when its last request ends.
 */
class ModelVersionsTest {
  /** Closed models, by version: a version's session is closed once, and only once it is unused. */
  private final Map<Long, Integer> closes = new ConcurrentHashMap<>();

  /** A model whose every probability is its version number, counting its closes. */
  private ServedModel load(VersionFolders.Version v) {
    String text;
    try {
      text = Files.readString(v.dir().resolve("model.txt")).strip();
    } catch (java.io.IOException e) {
      throw new TfjMnistException("Version folder " + v.dir() + " holds no model.txt.", e);
    }
    if (text.equals("broken")) {
      throw new TfjMnistException("Version folder " + v.dir() + " holds a broken model.");
    }
    return fake(v.number(), Float.parseFloat(text));
  }

  private ServedModel fake(long n, float answer) {
    ProbabilityModel model = new ProbabilityModel() {
      @Override
      public int inputSize() {
        return 4;
      }

      @Override
      public float[] probabilities(float[] flat, int count) {
        float[] out = new float[count * 10];
        java.util.Arrays.fill(out, answer);
        return out;
      }

      @Override
      public void close() {
        closes.merge(n, 1, Integer::sum);
      }
    };
    return new ServedModel("mnist", n, ServedModel.quickstartSignature(ModelArchitecture.quickstartCnn()), model, 0,
        "fake " + n, BatchPolicy.anySize(MicroBatcher.MAX_RUN));
  }

  private ModelVersions registry(Path base, String policy, Path labels) {
    ModelVersions versions = ModelVersions.fromFolder("mnist", base, VersionPolicy.parse(policy), labels, this::load);
    versions.open((model, freed) -> new ServableVersion(model, ServeConfig.defaults(), (i, t) -> { }, freed));
    return versions;
  }

  private static void write(Path base, long version, String content) throws Exception {
    Path tmp = Files.createDirectories(base.resolve(".incoming-" + version));
    Files.writeString(tmp.resolve("model.txt"), content);
    Files.move(tmp, base.resolve(Long.toString(version))); // a version appears whole, as a rename
  }

  private static void remove(Path base, long version) throws Exception {
    Path dir = base.resolve(Long.toString(version));
    Files.delete(dir.resolve("model.txt"));
    Files.delete(dir);
  }

  private static String states(ModelVersions v) {
    return v.statuses("mnist", null, null).stream().map(s -> s.version() + ":" + s.state())
        .collect(Collectors.joining(" "));
  }

  private static float answer(ModelVersions.Lease lease) {
    return lease.batcher().run(new float[4], 1, 5_000)[0];
  }

  @Test
  void latestReplacesTheOldVersionOnceTheNewOneIsAvailable(@TempDir Path base) throws Exception {
    write(base, 1, "1");
    ModelVersions v = registry(base, "latest", null);
    assertEquals("1:AVAILABLE", states(v));
    write(base, 2, "2");
    v.sync();
    assertEquals("2:AVAILABLE 1:END", states(v), "highest version first, as TF Serving lists them");
    assertEquals(Map.of(1L, 1), closes);
    try (ModelVersions.Lease lease = v.acquire("mnist", null, null)) {
      assertEquals(2f, answer(lease));
    }
    ApiException gone = assertThrows(ApiException.class, () -> v.acquire("mnist", 1L, null));
    assertEquals(404, gone.status());
    assertEquals("Servable not found for request: Specific(mnist, 1)", gone.getMessage());
    v.stop(1_000);
  }

  @Test
  void removingTheLatestFolderRollsBackToThePreviousVersion(@TempDir Path base) throws Exception {
    write(base, 1, "1");
    write(base, 2, "2");
    ModelVersions v = registry(base, "latest", null);
    assertEquals("2:AVAILABLE", states(v), "latest loads the highest only");
    remove(base, 2);
    v.sync();
    assertEquals("2:END 1:AVAILABLE", states(v));
    try (ModelVersions.Lease lease = v.acquire("mnist", null, null)) {
      assertEquals(1f, answer(lease));
    }
    v.stop(1_000);
  }

  @Test
  void anUnloadedVersionIsClosedWhenItsLastRequestEnds(@TempDir Path base) throws Exception {
    write(base, 2, "2");
    ModelVersions v = registry(base, "latest", null);
    ModelVersions.Lease first = v.acquire("mnist", null, null);
    ModelVersions.Lease second = v.acquire("mnist", 2L, null);
    write(base, 3, "3");
    v.sync();
    assertEquals("3:AVAILABLE 2:UNLOADING", states(v));
    assertFalse(closes.containsKey(2L), "closed under two requests still running on it");
    assertEquals(2f, answer(first), "a request finishes on the version it started on");
    try (ModelVersions.Lease fresh = v.acquire("mnist", null, null)) {
      assertEquals(3f, answer(fresh), "a new request runs on the new version");
    }
    first.close();
    first.close(); // a lease gives its reference back once
    assertEquals("3:AVAILABLE 2:UNLOADING", states(v));
    assertFalse(closes.containsKey(2L));
    second.close();
    assertEquals("3:AVAILABLE 2:END", states(v));
    assertEquals(Map.of(2L, 1), closes);
    v.stop(1_000);
    assertEquals(Map.of(2L, 1, 3L, 1), closes);
  }

  @Test
  void aBrokenVersionIsReportedAndTheOldOneKeepsServing(@TempDir Path base) throws Exception {
    write(base, 3, "3");
    ModelVersions v = registry(base, "latest", null);
    write(base, 4, "broken");
    v.sync();
    v.sync(); // not tried again while its folder stays
    assertEquals("4:END 3:AVAILABLE", states(v));
    ModelVersions.Status four = v.statuses("mnist", 4L, null).get(0);
    assertTrue(four.error().contains("holds a broken model"), four.error());
    assertEquals("UNKNOWN", ModelDocuments.errorCode(four));
    try (ModelVersions.Lease lease = v.acquire("mnist", null, null)) {
      assertEquals(3f, answer(lease));
    }
    // a fixed folder, written again under the same number, is tried again
    remove(base, 4);
    v.sync();
    write(base, 4, "4");
    v.sync();
    assertEquals("4:AVAILABLE 3:END", states(v));
    v.stop(1_000);
  }

  @Test
  void allAndSpecificServeSeveralVersionsAndARemovedFolderUnloads(@TempDir Path base) throws Exception {
    for (long n = 1; n <= 3; n++) {
      write(base, n, Long.toString(n));
    }
    ModelVersions all = registry(base, "all", null);
    assertEquals("3:AVAILABLE 2:AVAILABLE 1:AVAILABLE", states(all));
    for (long n = 1; n <= 3; n++) {
      try (ModelVersions.Lease lease = all.acquire("mnist", n, null)) {
        assertEquals((float) n, answer(lease));
      }
    }
    remove(base, 2);
    all.sync();
    assertEquals("3:AVAILABLE 2:END 1:AVAILABLE", states(all));
    all.stop(1_000);

    ModelVersions specific = registry(base, "specific:1,2", null);
    assertEquals("1:AVAILABLE", states(specific), "2 is named but has no folder");
    write(base, 2, "2");
    specific.sync();
    assertEquals("2:AVAILABLE 1:AVAILABLE", states(specific));
    try (ModelVersions.Lease latest = specific.acquire("mnist", null, null)) {
      assertEquals(2f, answer(latest), "no version asked: the highest available");
    }
    specific.stop(1_000);
  }

  @Test
  void labelsNameVersionsAndAreReadAgainAtEachPoll(@TempDir Path base) throws Exception {
    write(base, 1, "1");
    write(base, 2, "2");
    Path labels = base.resolve("labels.txt");
    Files.writeString(labels, "# rollout\nstable=1\n\ncanary = 2\n");
    ModelVersions v = registry(base, "all", labels);
    try (ModelVersions.Lease stable = v.acquire("mnist", null, "stable");
        ModelVersions.Lease canary = v.acquire("mnist", null, "canary")) {
      assertEquals(1f, answer(stable));
      assertEquals(2f, answer(canary));
    }
    ApiException unknown = assertThrows(ApiException.class, () -> v.acquire("mnist", null, "beta"));
    assertEquals(404, unknown.status());
    assertEquals("Unrecognized servable version label: beta", unknown.getMessage());
    Files.writeString(labels, "stable=2\n");
    v.sync();
    try (ModelVersions.Lease stable = v.acquire("mnist", null, "stable")) {
      assertEquals(2f, answer(stable));
    }
    Files.writeString(labels, "stable=two\n");
    v.sync(); // a bad edit is logged and the labels read before stay
    assertEquals(Map.of("stable", 2L), v.labels());
    v.stop(1_000);
  }

  @Test
  void nothingToServeAtStartIsOneClearError(@TempDir Path base) throws Exception {
    write(base, 1, "broken");
    TfjMnistException e = assertThrows(TfjMnistException.class, () -> registry(base, "latest", null));
    assertTrue(e.getMessage().contains("No version of model 'mnist'") && e.getMessage().contains("version 1: Version folder")
        && e.getMessage().contains("holds a broken model"), e.getMessage());
    TfjMnistException none = assertThrows(TfjMnistException.class, () -> registry(base, "specific:7", null));
    assertTrue(none.getMessage().contains("no version folder matches the policy"), none.getMessage());
  }

  @Test
  void policiesParseAsTfServingSpellsThem() {
    TreeSet<Long> present = new TreeSet<>(List.of(1L, 2L, 5L, 9L));
    assertEquals(Set.of(9L), VersionPolicy.parse("latest").choose(present));
    assertEquals(Set.of(5L, 9L), VersionPolicy.parse("latest:2").choose(present));
    assertEquals(present, VersionPolicy.parse("all").choose(present));
    assertEquals(Set.of(1L, 5L), VersionPolicy.parse("specific:1, 5,7").choose(present));
    assertEquals("specific:1,5,7", VersionPolicy.parse("SPECIFIC:7,1,5").describe());
    for (String bad : List.of("newest", "latest:0", "specific:", "specific:1,x", "specific:-1", "specific:1,3,")) {
      TfjMnistException e = assertThrows(TfjMnistException.class, () -> VersionPolicy.parse(bad), bad);
      assertTrue(e.getMessage().contains("latest, latest:N, all or specific") || e.getMessage().contains("needs"),
          e.getMessage());
    }
  }

  @Test
  void aLabelsFileIsLabelEqualsVersionLines() {
    assertEquals(Map.of("stable", 1L, "canary-2", 3L), VersionLabels.parse(List.of("stable=1", " canary-2 = 3 "), "f"));
    for (List<String> bad : List.of(List.of("stable"), List.of("stable=x"), List.of("a b=1"), List.of("s=1", "s=2"))) {
      TfjMnistException e = assertThrows(TfjMnistException.class, () -> VersionLabels.parse(bad, "labels.txt"));
      assertTrue(e.getMessage().startsWith("labels.txt line "), e.getMessage());
    }
  }

  @Test
  void metricsCarryTheVersionThatRanAndFollowLoadsAndUnloads(@TempDir Path base) throws Exception {
    write(base, 1, "1");
    ServingMetrics metrics = new ServingMetrics("mnist");
    ModelVersions v = ModelVersions.fromFolder("mnist", base, VersionPolicy.parse("latest"), null, this::load);
    v.open(ServableVersion.measured(ServeConfig.defaults(), metrics));
    try (ModelVersions.Lease lease = v.acquire("mnist", null, null)) {
      answer(lease);
    }
    assertEquals(1, metrics.predictionCount(1));
    ModelVersions.Lease onOne = v.acquire("mnist", null, null);
    write(base, 2, "2");
    v.sync();
    assertEquals("2:AVAILABLE 1:UNLOADING", states(v));
    assertEquals(1f, answer(onOne), "a request still running on version 1");
    assertEquals(2, metrics.predictionCount(1), "counted under the version that ran it, while it unloads");
    assertEquals(0, metrics.predictionCount(2));
    String both = new String(metrics.render(), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(both.contains("tfj_serving_model_load_seconds{model=\"mnist\",version=\"2\"}")
        && both.contains("tfj_serving_model_load_seconds{model=\"mnist\",version=\"1\"}"), both);
    onOne.close();
    assertEquals("2:AVAILABLE 1:END", states(v));
    for (int i = 0; i < 3; i++) {
      try (ModelVersions.Lease lease = v.acquire("mnist", null, null)) {
        assertEquals(2f, answer(lease));
      }
    }
    assertEquals(3, metrics.predictionCount(2));
    String text = new String(metrics.render(), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(text.contains("tfj_serving_predictions_total{model=\"mnist\",version=\"2\"} 3.0"), text);
    assertTrue(text.contains("tfj_serving_batch_size_count{model=\"mnist\",version=\"2\"} 3"), text);
    assertTrue(text.contains("tfj_serving_batch_policy_info{exact="), text);
    assertFalse(text.contains("version=\"1\""), "an unloaded version's series are gone:\n" + text);
    v.stop(1_000);
  }

  @Test
  void oneFixedModelIsItsOwnOnlyVersion() {
    ModelVersions v = ModelVersions.of(fake(7, 7f));
    v.open((model, freed) -> new ServableVersion(model, ServeConfig.defaults(), (i, t) -> { }, freed));
    assertEquals("7:AVAILABLE", states(v));
    v.sync(); // no folder to look at
    try (ModelVersions.Lease lease = v.acquire("mnist", 7L, null)) {
      assertEquals(7f, answer(lease));
    }
    assertEquals(404, assertThrows(ApiException.class, () -> v.acquire("mnist", 8L, null)).status());
    assertEquals(404, assertThrows(ApiException.class, () -> v.acquire("mnist", null, "stable")).status());
    assertEquals(404, assertThrows(ApiException.class, () -> v.acquire("fashion", null, null)).status());
    v.stop(1_000);
    assertEquals(Map.of(7L, 1), closes);
  }
}
