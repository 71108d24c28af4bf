package io.tfjmnist.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.modelfiles.LoadedModel;
import io.tfjmnist.modelfiles.ModelFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 20 versions loaded and unloaded one after the other, each with a request running across its
 * unload: the process's resident memory stays flat. One version's session holds its weights (the
 * 21632x128 dense kernel alone is 11 MB) and TF's kernels, so a session left open per cycle would
 * add 12 MB or more each time, about 180 MB between the first five cycles and the last five; the
 * bound is a quarter of that.
 */
class VersionLeakTest {
  private static final int WARM_UP = 4;
  private static final int CYCLES = 20;
  private static final long BOUND_BYTES = 48L << 20;

  @Test
  void loadingAndUnloadingVersionsFreesTheirNativeMemory(@TempDir Path base) throws Exception {
    Path file = base.resolve("mnist.weights.h5");
    ModelFiles.write(file, LoadedModel.of(ModelWeights.glorotUniform(ModelArchitecture.quickstartCnn(), 5), null, null),
        null);
    Files.createDirectories(base.resolve("1"));
    Files.copy(file, base.resolve("1").resolve("mnist.weights.h5"));
    // Every model stays reachable, so the garbage collector cannot free a session (TF Java frees
    // unreachable ones): only the unload's close() keeps the memory flat.
    List<ServedModel> loaded = new ArrayList<>();
    ModelVersions versions = ModelVersions.fromFolder("mnist", base, VersionPolicy.LATEST, null, v -> {
      ServedModel m = ServedModel.fromVersionFolder("mnist", v, 1, true);
      loaded.add(m);
      return m;
    });
    versions.open((model, freed) -> new ServableVersion(model, ServeConfig.defaults(), (i, t) -> { }, freed));
    List<Long> rss = new ArrayList<>();
    try {
      for (int cycle = 1; cycle <= WARM_UP + CYCLES; cycle++) {
        long next = cycle + 1;
        try (ModelVersions.Lease running = versions.acquire("mnist", null, null)) {
          Path dir = Files.createDirectories(base.resolve("incoming"));
          Files.copy(file, dir.resolve("mnist.weights.h5"));
          Files.move(dir, base.resolve(Long.toString(next)));
          delete(base.resolve(Long.toString(cycle)));
          versions.sync();
          assertEquals(ModelVersions.State.UNLOADING, versions.statuses("mnist", (long) cycle, null).get(0).state());
          running.batcher().run(new float[784], 1, 10_000); // the old version still answers its request
        }
        assertEquals(ModelVersions.State.END, versions.statuses("mnist", (long) cycle, null).get(0).state());
        try (ModelVersions.Lease now = versions.acquire("mnist", null, null)) {
          assertEquals(next, now.model().version());
          now.batcher().run(new float[784 * 3], 3, 10_000);
        }
        if (cycle > WARM_UP) {
          rss.add(settledRss());
        }
      }
    } finally {
      versions.stop(5_000);
    }
    assertEquals(WARM_UP + CYCLES + 1, loaded.size());
    // RSS swings by tens of MiB between cycles (the heap's and malloc's arenas): compare the median
    // of the last five cycles with that of the first five, a trend a leak of 12 MB a cycle far exceeds
    long growth = median(rss.subList(CYCLES - 5, CYCLES)) - median(rss.subList(0, 5));
    String mib = String.join(" ", rss.stream().map(b -> String.format(Locale.ROOT, "%.0f", b / 1048576.0)).toList());
    System.out.printf(Locale.ROOT, "VersionLeakTest: RSS after each cycle (MiB): %s; growth %.1f MiB%n", mib,
        growth / 1048576.0);
    assertTrue(growth < BOUND_BYTES, String.format(Locale.ROOT, "resident memory grew %.1f MiB over %d load/unload"
        + " cycles (bound %d MiB); RSS per cycle (MiB): %s", growth / 1048576.0, CYCLES, BOUND_BYTES >> 20, mib));
  }

  private static long median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }

  /** RSS once the Java heap's garbage is collected (the weights read from file are heap arrays). */
  private static long settledRss() throws InterruptedException {
    System.gc();
    Thread.sleep(50);
    return ServingMetrics.residentBytes();
  }

  private static void delete(Path dir) throws Exception {
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Files.delete(p);
      }
    }
    Files.delete(dir);
  }
}
