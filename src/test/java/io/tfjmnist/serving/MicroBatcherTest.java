package io.tfjmnist.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.inference.ProbabilityModel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MicroBatcherTest {
  /** Two "classes" per image: its first value and that plus one; -1 poisons the whole call. */
  static class EchoModel implements ProbabilityModel {
    final ConcurrentLinkedQueue<Integer> runs = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<String> threads = new ConcurrentLinkedQueue<>();
    final long sleepMillis;

    EchoModel(long sleepMillis) {
      this.sleepMillis = sleepMillis;
    }

    @Override
    public int inputSize() {
      return 4;
    }

    @Override
    public float[] probabilities(float[] flat, int count) {
      assertEquals(count * 4, flat.length);
      runs.add(count);
      threads.add(Thread.currentThread().getName());
      float[] out = new float[count * 2];
      for (int i = 0; i < count; i++) {
        if (flat[i * 4] == -1f) {
          throw new io.tfjmnist.TfjMnistException("poisoned image");
        }
        out[i * 2] = flat[i * 4];
        out[i * 2 + 1] = flat[i * 4] + 1;
      }
      if (sleepMillis > 0) {
        try {
          Thread.sleep(sleepMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return out;
    }

    @Override
    public void close() {}
  }

  private static float[] images(float... firsts) {
    float[] x = new float[firsts.length * 4];
    for (int i = 0; i < firsts.length; i++) {
      x[i * 4] = firsts[i];
    }
    return x;
  }

  /** 0, 1, ..., n - 1. */
  private static float[] upTo(int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = i;
    }
    return x;
  }

  private static float[] expected(float... firsts) {
    float[] y = new float[firsts.length * 2];
    for (int i = 0; i < firsts.length; i++) {
      y[i * 2] = firsts[i];
      y[i * 2 + 1] = firsts[i] + 1;
    }
    return y;
  }

  /** Every run padded to {@code r} images at the input. */
  static BatchPolicy padInput(int r) {
    return new BatchPolicy(BatchPolicy.Kind.PAD_INPUT, r, r, "test", 0);
  }

  /** Runs of any size, unpadded (exact batching off). */
  static BatchPolicy anySize() {
    return BatchPolicy.anySize(MicroBatcher.MAX_RUN);
  }

  /** A model that pads itself to {@code r} rows: calls of at most {@code r} real images. */
  static BatchPolicy selfPadding(int r) {
    return new BatchPolicy(BatchPolicy.Kind.PAD_AFTER_CONVOLUTION, 0, r, "test", 0);
  }

  /** Runs as they come, up to {@code max} images, those under {@code m} padded to {@code m}. */
  static BatchPolicy shortRuns(int m, int max) {
    return new BatchPolicy(BatchPolicy.Kind.PAD_SHORT_RUNS, m, max, "test", 0);
  }

  @Test
  void concurrentCallersEachGetTheirOwnRowsFromSharedRuns() throws Exception {
    EchoModel model = new EchoModel(1);
    AtomicInteger ranImages = new AtomicInteger();
    MicroBatcher b = new MicroBatcher(model, 16, padInput(4), 1, (n, nanos) -> ranImages.addAndGet(n));
    ExecutorService pool = Executors.newFixedThreadPool(12);
    List<Future<?>> futures = new ArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    AtomicInteger requested = new AtomicInteger();
    for (int t = 0; t < 12; t++) {
      int thread = t;
      futures.add(pool.submit(() -> {
        for (int i = 0; i < 60; i++) {
          int n = 1 + ThreadLocalRandom.current().nextInt(3);
          requested.addAndGet(n);
          float[] firsts = new float[n];
          for (int k = 0; k < n; k++) {
            firsts[k] = thread * 1000 + i * 10 + k;
          }
          assertArrayEquals(expected(firsts), b.run(images(firsts), n, 10_000));
          calls.incrementAndGet();
        }
        return null;
      }));
    }
    for (Future<?> f : futures) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertEquals(720, calls.get());
    assertTrue(model.runs.stream().allMatch(n -> n == 4), "every run has the run size: " + model.runs);
    assertEquals(requested.get(), ranImages.get(), "the listener counts the requests' images, not the padding");
    assertTrue(model.runs.size() < 720, model.runs.size() + " runs for 720 calls: requests were merged");
    assertTrue(model.threads.stream().allMatch(n -> n.startsWith("pool-")), "runs happen on callers' threads");
  }

  @Test
  void aFailingRequestDoesNotFailItsBatchMates() throws Exception {
    EchoModel model = new EchoModel(20);
    MicroBatcher b = new MicroBatcher(model, 64, anySize(), 1, (n, nanos) -> {});
    ExecutorService pool = Executors.newFixedThreadPool(6);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<float[]>> good = new ArrayList<>();
    // occupy the runner so that the rest queue up together
    Future<float[]> first = pool.submit(() -> b.run(images(100), 1, 10_000));
    Thread.sleep(5);
    for (int i = 0; i < 4; i++) {
      float v = i;
      good.add(pool.submit(() -> {
        go.await();
        return b.run(images(v), 1, 10_000);
      }));
    }
    Future<float[]> bad = pool.submit(() -> {
      go.await();
      return b.run(images(-1), 1, 10_000);
    });
    go.countDown();
    assertArrayEquals(expected(100), first.get(10, TimeUnit.SECONDS));
    for (int i = 0; i < 4; i++) {
      assertArrayEquals(expected(i), good.get(i).get(10, TimeUnit.SECONDS));
    }
    Exception e = assertThrows(Exception.class, () -> bad.get(10, TimeUnit.SECONDS));
    assertTrue(e.getCause().getMessage().contains("poisoned"), e.toString());
    pool.shutdown();
  }

  @Test
  void largeRequestsAreSplitToTheModelsBatchLimit() {
    EchoModel model = new EchoModel(0);
    MicroBatcher b = new MicroBatcher(model, 64, padInput(4), 1, (n, nanos) -> {});
    float[] firsts = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    assertArrayEquals(expected(firsts), b.run(images(firsts), 10, 1000));
    assertEquals(List.of(4, 4, 4), new ArrayList<>(model.runs), "split into runs of 4, the last one padded");
  }

  @Test
  void aBigRequestDoesNotHoldUpSmallOnes() throws Exception {
    // Order, not time (a time limit is flaky on a loaded machine): the big request's run holds until
    // the small request has its answer, which it can only get if it does not wait for the big one.
    java.util.concurrent.CountDownLatch bigRunning = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch smallAnswered = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean smallFirst = new java.util.concurrent.atomic.AtomicBoolean();
    ProbabilityModel slowForBig = new EchoModel(0) {
      @Override
      public float[] probabilities(float[] flat, int count) {
        if (flat[0] == 0f) { // the big request's images
          bigRunning.countDown();
          try {
            smallFirst.set(smallAnswered.await(30, TimeUnit.SECONDS));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return super.probabilities(flat, count);
      }
    };
    MicroBatcher b = new MicroBatcher(slowForBig, 16, anySize(), 1, (n, nanos) -> {});
    ExecutorService pool = Executors.newFixedThreadPool(2);
    Future<float[]> big = pool.submit(() -> b.run(new float[200 * 4], 200, 60_000));
    assertTrue(bigRunning.await(30, TimeUnit.SECONDS), "the big request never ran");
    Future<float[]> small = pool.submit(() -> b.run(images(5), 1, 60_000));
    assertArrayEquals(expected(5), small.get(60, TimeUnit.SECONDS));
    smallAnswered.countDown();
    assertEquals(400, big.get(60, TimeUnit.SECONDS).length);
    assertTrue(smallFirst.get(), "the small request waited for the big one");
    pool.shutdown();
  }

  @Test
  void withoutBatchingEveryCallRunsAloneOnItsThread() {
    EchoModel model = new EchoModel(0);
    MicroBatcher b = new MicroBatcher(model, 1, anySize(), 1, (n, nanos) -> {});
    assertArrayEquals(expected(7, 8), b.run(images(7, 8), 2, 1000));
    assertEquals(List.of(Thread.currentThread().getName()), model.threads.stream().distinct().toList());
  }

  @Test
  void everyRunHasTheRunSizeWhateverTheRequest() {
    EchoModel model = new EchoModel(0);
    MicroBatcher b = new MicroBatcher(model, 64, padInput(16), 1, (n, nanos) -> {});
    assertArrayEquals(expected(5), b.run(images(5), 1, 1000));
    float[] firsts = upTo(257);
    assertArrayEquals(expected(firsts), b.run(images(firsts), 257, 1000));
    assertEquals(1 + 17, model.runs.size(), "one run for the lone image, 17 for 257 images");
    assertTrue(model.runs.stream().allMatch(n -> n == 16), "all of 16 images: " + model.runs);
    MicroBatcher unbatched = new MicroBatcher(model, 1, padInput(16), 1, (n, nanos) -> {});
    model.runs.clear();
    assertArrayEquals(expected(9), unbatched.run(images(9), 1, 1000));
    assertEquals(List.of(16), new ArrayList<>(model.runs), "also without micro-batching");
  }

  @Test
  void aModelThatPadsItselfGetsOnlyRealImagesUpToTheRunSize() {
    EchoModel model = new EchoModel(0);
    MicroBatcher b = new MicroBatcher(model, 64, selfPadding(16), 1, (n, nanos) -> {});
    assertArrayEquals(expected(5), b.run(images(5), 1, 1000));
    float[] firsts = upTo(40);
    assertArrayEquals(expected(firsts), b.run(images(firsts), 40, 1000));
    assertEquals(List.of(1, 16, 16, 8), new ArrayList<>(model.runs));
  }

  @Test
  void withoutExactBatchingRunsHaveTheRequestsSize() {
    EchoModel model = new EchoModel(0);
    MicroBatcher b = new MicroBatcher(model, 64, anySize(), 1, (n, nanos) -> {});
    assertArrayEquals(expected(5), b.run(images(5), 1, 1000));
    float[] firsts = upTo(300);
    assertArrayEquals(expected(firsts), b.run(images(firsts), 300, 1000));
    assertEquals(List.of(1, MicroBatcher.MAX_RUN, 300 - MicroBatcher.MAX_RUN), new ArrayList<>(model.runs));
  }

  @Test
  void shortRunsArePaddedToTheFloorAndOthersRunAsTheyCome() {
    EchoModel model = new EchoModel(0);
    MicroBatcher b = new MicroBatcher(model, 64, shortRuns(2, 8), 1, (n, nanos) -> {});
    assertArrayEquals(expected(5), b.run(images(5), 1, 1000));
    assertArrayEquals(expected(5, 6, 7), b.run(images(5, 6, 7), 3, 1000));
    float[] firsts = upTo(17);
    assertArrayEquals(expected(firsts), b.run(images(firsts), 17, 1000));
    assertEquals(List.of(2, 3, 8, 8, 2), new ArrayList<>(model.runs),
        "a lone image padded to 2; 3 as they come; 17 split into runs of at most 8, the last padded to 2");
  }

  @Test
  void withShortRunsALoneImageWaitsForTheRunInProgressAndTwoStartBesideIt() throws Exception {
    GatedModel model = new GatedModel();
    MicroBatcher b = new MicroBatcher(model, 64, shortRuns(2, 64), 2, (n, nanos) -> {});
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      Future<float[]> first = pool.submit(() -> b.run(images(1), 1, 10_000));
      awaitEntered(model, 1);
      Future<float[]> second = pool.submit(() -> b.run(images(2), 1, 10_000));
      Thread.sleep(200); // time enough to start a second run, had it been allowed
      assertEquals(1, model.entered.get(), "a lone image would be padded to 2: it waits for the run in progress");
      Future<float[]> third = pool.submit(() -> b.run(images(3), 1, 10_000));
      awaitEntered(model, 2);
      assertEquals(2, model.mostAtOnce.get(), "two waiting images fill a run of 2: it starts beside the first");
      model.gate.countDown();
      assertArrayEquals(expected(1), first.get(10, TimeUnit.SECONDS));
      assertArrayEquals(expected(2), second.get(10, TimeUnit.SECONDS));
      assertArrayEquals(expected(3), third.get(10, TimeUnit.SECONDS));
      assertEquals(List.of(2, 2), new ArrayList<>(model.runs), "the lone image padded; the two waiting ones shared a run");
    } finally {
      model.gate.countDown();
      pool.shutdownNow();
    }
  }

  /** An exact model but for the runs {@code differs} picks: their rows change in the last bit, as oneDNN's do. */
  private static ProbabilityModel differingIn(java.util.function.IntPredicate differs) {
    return new EchoModel(0) {
      @Override
      public float[] probabilities(float[] flat, int count) {
        float[] p = super.probabilities(flat, count);
        if (differs.test(count)) {
          for (int i = 0; i < p.length; i++) {
            p[i] = Math.nextUp(p[i]);
          }
        }
        return p;
      }
    };
  }

  @Test
  void theCheapestPolicyThatKeepsEveryRowIsChosen() {
    BatchPolicy exact = RunSize.choose(new EchoModel(0));
    assertEquals(BatchPolicy.Kind.PAD_SHORT_RUNS, exact.kind());
    assertEquals(0, exact.padTo(), "rows never depend on the run: nothing is padded");
    assertEquals(RunSize.MAX_ROWS, exact.maxRows());

    BatchPolicy alone = RunSize.choose(differingIn(n -> n == 1)); // as AVX-512's oneDNN: a lone image's own kernel
    assertEquals(BatchPolicy.Kind.PAD_SHORT_RUNS, alone.kind());
    assertEquals(2, alone.padTo(), alone.describe());

    BatchPolicy eight = RunSize.choose(differingIn(n -> n < 8));
    assertEquals(BatchPolicy.Kind.PAD_SHORT_RUNS, eight.kind());
    assertEquals(8, eight.padTo(), eight.describe());

    BatchPolicy multiples = RunSize.choose(differingIn(n -> n % 8 != 0)); // as Eigen's kernels measured
    assertEquals(BatchPolicy.Kind.PAD_INPUT, multiples.kind(), multiples.describe());
    assertEquals(RunSize.CANDIDATES[0], multiples.padTo());
    assertEquals(RunSize.CANDIDATES[0], multiples.maxRows());

    // rows that change with their place in every run: no size is safe, every image runs alone
    ProbabilityModel placeDependent = new EchoModel(0) {
      @Override
      public float[] probabilities(float[] flat, int count) {
        float[] p = super.probabilities(flat, count);
        p[p.length - 1] = Math.nextUp(p[p.length - 1]);
        return p;
      }
    };
    BatchPolicy none = RunSize.choose(placeDependent);
    assertEquals(BatchPolicy.Kind.PAD_INPUT, none.kind());
    assertEquals(1, none.maxRows(), "no safe size: every image runs alone");
  }

  /** Counts calls in progress; every call waits for {@code gate} (bounded), so a test can hold a run open. */
  static class GatedModel extends EchoModel {
    final CountDownLatch gate = new CountDownLatch(1);
    final AtomicInteger entered = new AtomicInteger();
    final AtomicInteger inProgress = new AtomicInteger();
    final AtomicInteger mostAtOnce = new AtomicInteger();

    GatedModel() {
      super(0);
    }

    @Override
    public float[] probabilities(float[] flat, int count) {
      mostAtOnce.accumulateAndGet(inProgress.incrementAndGet(), Math::max);
      entered.incrementAndGet();
      try {
        assertTrue(gate.await(10, TimeUnit.SECONDS), "gate opened");
        return super.probabilities(flat, count);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      } finally {
        inProgress.decrementAndGet();
      }
    }
  }

  private static void awaitEntered(GatedModel model, int calls) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (model.entered.get() < calls && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertEquals(calls, model.entered.get(), "model calls started");
  }

  @Test
  void withFixedRunsSmallRequestsWaitForTheRunInProgressAndShareTheNext() throws Exception {
    GatedModel model = new GatedModel();
    MicroBatcher b = new MicroBatcher(model, 64, padInput(4), 2, (n, nanos) -> {});
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      Future<float[]> first = pool.submit(() -> b.run(images(1), 1, 10_000));
      awaitEntered(model, 1);
      Future<float[]> second = pool.submit(() -> b.run(images(2), 1, 10_000));
      Future<float[]> third = pool.submit(() -> b.run(images(3), 1, 10_000));
      Thread.sleep(200); // time enough for either to start a second run, had it been allowed
      assertEquals(1, model.entered.get(), "a free runner does not start a run for 2 of 4 images");
      model.gate.countDown();
      assertArrayEquals(expected(1), first.get(10, TimeUnit.SECONDS));
      assertArrayEquals(expected(2), second.get(10, TimeUnit.SECONDS));
      assertArrayEquals(expected(3), third.get(10, TimeUnit.SECONDS));
      assertEquals(List.of(4, 4), new ArrayList<>(model.runs), "the two waiting requests shared one run");
      assertEquals(1, model.mostAtOnce.get());
    } finally {
      model.gate.countDown();
      pool.shutdownNow();
    }
  }

  @Test
  void withFixedRunsAFullRunWaitingStartsBesideTheRunInProgress() throws Exception {
    GatedModel model = new GatedModel();
    MicroBatcher b = new MicroBatcher(model, 64, padInput(4), 2, (n, nanos) -> {});
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<float[]> first = pool.submit(() -> b.run(images(1), 1, 10_000));
      awaitEntered(model, 1);
      Future<float[]> full = pool.submit(() -> b.run(images(5, 6, 7, 8), 4, 10_000));
      awaitEntered(model, 2);
      assertEquals(2, model.mostAtOnce.get(), "four waiting images fill a run: it starts at once");
      model.gate.countDown();
      assertArrayEquals(expected(1), first.get(10, TimeUnit.SECONDS));
      assertArrayEquals(expected(5, 6, 7, 8), full.get(10, TimeUnit.SECONDS));
    } finally {
      model.gate.countDown();
      pool.shutdownNow();
    }
  }

  @Test
  void closedBatcherRefusesWith503() {
    MicroBatcher b = new MicroBatcher(new EchoModel(0), 8, anySize(), 1, (n, nanos) -> {});
    b.close();
    ApiException e = assertThrows(ApiException.class, () -> b.run(images(1), 1, 1000));
    assertEquals(503, e.status());
  }
}
