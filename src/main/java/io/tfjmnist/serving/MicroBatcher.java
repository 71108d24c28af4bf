package io.tfjmnist.serving;

import io.tfjmnist.inference.ProbabilityModel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs the model for many request threads, merging the requests that wait at the same moment into
 * one session run, with no extra thread (a "combining" batcher).
 *
 * <p>A request queues its images and tries to become a runner (one of {@code runners} permits).
 * A runner takes every queued request, its own included, up to {@code maxImages}, runs them as
 * one batch on its own thread, hands each waiting caller its rows, then wakes the oldest request
 * still queued, which becomes the next runner. Nothing ever waits for a batch to fill: a lone
 * request runs at once on its own thread, exactly as without batching, and requests that arrive
 * while a batch runs go together into the next one.
 *
 * <p>Model calls are sized by a {@link BatchPolicy}: at most {@code maxRows} images, and calls of
 * fewer than {@code padTo} padded with blank images, so an image's probabilities do not depend on
 * who else was asking (oneDNN's kernels give a row other bits in some run sizes and places, see
 * {@link RunSize}). When every run is padded to a full one (a fixed cost however few of its images
 * are real), a batch holds at most {@code maxRows} images and a second run starts beside the one in
 * progress only when a full run's worth of images is waiting; fewer wait for the run in progress and
 * go together into the next one. Starting them at once, each padded to a full run, made every run
 * carry about two real images and halved throughput at 32 clients. Likewise, when runs shorter
 * than {@code padTo} are padded, a second run starts only for at least {@code padTo} waiting images:
 * under load most runs were lone images, each paying for a blank one.
 *
 * <p>A request of {@code maxImages} or more is a batch already: it runs at once on its own thread,
 * beside the merged batches, so a big request never holds up small ones.
 *
 * <p>This pays off on this model: its 21632x128 dense kernel (11 MB) is read from memory once per
 * run whatever the batch size, so a run of 16 images costs little more than a run of 1.
 */
public final class MicroBatcher implements AutoCloseable {
  /** Told the size and duration of every session run. */
  @FunctionalInterface
  public interface RunListener {
    void ran(int images, long nanos);
  }

  /** The most images of one unpadded call (activations: about 90 KB per image for the quickstart CNN). */
  static final int MAX_RUN = 256;

  private final ProbabilityModel model;
  private final int maxImages;
  private final RunListener listener;
  private final ConcurrentLinkedQueue<Job> queue = new ConcurrentLinkedQueue<>();
  private final Semaphore runners;
  private final Semaphore alone = new Semaphore(Runtime.getRuntime().availableProcessors(), true);
  private final BatchPolicy policy;
  private final AtomicInteger active = new AtomicInteger();
  private final AtomicInteger queuedImages = new AtomicInteger();
  private volatile boolean closed;
  private volatile boolean stopping;

  /**
   * @param maxImages the most images merged from several requests (1: every request runs alone)
   * @param policy how model calls are sized: at most {@code policy.maxRows()} images (more are
   *     split), fewer than {@code policy.padTo()} padded with blank images (see {@link RunSize})
   * @param runners how many batches may run at the same time
   */
  public MicroBatcher(ProbabilityModel model, int maxImages, BatchPolicy policy, int runners, RunListener listener) {
    this.model = model;
    this.maxImages = Math.max(1, maxImages);
    this.policy = policy;
    this.listener = listener;
    this.runners = new Semaphore(Math.max(1, runners));
  }

  /** Probabilities for {@code count} images, row-major {@code [count, classes]}; blocks until done. */
  public float[] run(float[] flat, int count, long timeoutMillis) {
    if (closed) {
      throw new ApiException(503, "The server is shutting down.");
    }
    if (maxImages <= 1 || count >= maxImages) {
      return runAlone(flat, count, timeoutMillis);
    }
    Job job = new Job(flat, count, Thread.currentThread());
    queue.add(job);
    queuedImages.addAndGet(count);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (!job.done) {
      if (tryStart()) {
        try {
          runQueued();
        } finally {
          active.decrementAndGet();
          runners.release();
          wakeNext();
        }
        continue;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        if (queue.remove(job)) {
          queuedImages.addAndGet(-job.count);
          throw new ApiException(503, "The model did not answer within " + timeoutMillis + " ms.");
        }
        left = TimeUnit.SECONDS.toNanos(1); // already taken by a runner: it will finish it
      }
      LockSupport.parkNanos(this, left);
    }
    if (job.failure != null) {
      throw job.failure;
    }
    return job.result;
  }

  /** The most images merged from several requests; a request of this many or more runs alone. */
  public int maxImages() {
    return maxImages;
  }

  /**
   * A request that fills a batch by itself runs at once on its own thread, beside the merged
   * batches (so it never holds up small requests), in runs sized by the policy; at
   * most one such request per core runs at a time, which bounds TF's memory for activations.
   */
  private float[] runAlone(float[] flat, int count, long timeoutMillis) {
    boolean permit;
    try {
      permit = alone.tryAcquire(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(503, "Interrupted while waiting for the model.");
    }
    if (!permit) {
      throw new ApiException(503, "The model did not answer within " + timeoutMillis + " ms.");
    }
    try {
      return runModel(flat, count);
    } finally {
      alone.release();
    }
  }

  /**
   * Whether this thread may start a run now. A second run starts beside the one in progress only
   * when enough images wait to fill it without blank images ({@link BatchPolicy#secondRunImages}):
   * with fixed-size runs a full run's worth, with short runs padded to m at least m. Otherwise the
   * requests wait for the run in progress and go together into the next one, which costs less
   * than running each padded beside it.
   */
  private boolean tryStart() {
    if (!runners.tryAcquire()) {
      return false;
    }
    int need = policy.secondRunImages();
    if (active.incrementAndGet() == 1 || need <= 1 || queuedImages.get() >= need) {
      return true;
    }
    active.decrementAndGet();
    runners.release();
    return false;
  }

  /** Wakes the oldest queued request so that it becomes a runner (it may find its work done). */
  private void wakeNext() {
    Job head = queue.peek();
    if (head != null) {
      LockSupport.unpark(head.thread);
    }
  }

  /** Takes queued requests up to maxImages (always at least one) and runs them as one batch. */
  private void runQueued() {
    List<Job> batch = new ArrayList<>();
    int images = 0;
    int cap = Math.min(maxImages, policy.maxRows());
    Job j;
    while ((j = queue.peek()) != null) {
      if (!batch.isEmpty() && images + j.count > cap) {
        break;
      }
      if (!queue.remove(j)) {
        continue; // another runner (or its own timeout) took it
      }
      queuedImages.addAndGet(-j.count);
      batch.add(j);
      images += j.count;
      if (images >= cap) {
        break;
      }
    }
    if (!batch.isEmpty()) {
      runBatch(batch, images);
    }
  }

  private void runBatch(List<Job> batch, int images) {
    if (batch.size() == 1) {
      Job j = batch.get(0);
      try {
        j.complete(runModel(j.flat, j.count), null);
      } catch (Throwable e) {
        j.complete(null, unchecked(e));
      }
      return;
    }
    int size = batch.get(0).flat.length / batch.get(0).count;
    float[] all = new float[images * size];
    int at = 0;
    for (Job j : batch) {
      System.arraycopy(j.flat, 0, all, at, j.flat.length);
      at += j.flat.length;
    }
    float[] probs;
    try {
      probs = runModel(all, images);
    } catch (Throwable e) {
      // one bad request must not fail its batch-mates: retry each alone
      for (Job j : batch) {
        try {
          j.complete(runModel(j.flat, j.count), null);
        } catch (Throwable e2) {
          j.complete(null, unchecked(e2));
        }
      }
      return;
    }
    int classes = probs.length / images;
    int row = 0;
    for (Job j : batch) {
      float[] mine = new float[j.count * classes];
      System.arraycopy(probs, row * classes, mine, 0, mine.length);
      row += j.count;
      j.complete(mine, null);
    }
  }

  private static RuntimeException unchecked(Throwable t) {
    return t instanceof RuntimeException r ? r : new IllegalStateException("the model failed: " + t, t);
  }

  /** Model calls of at most {@code policy.maxRows()} images each, short ones padded as the policy says. */
  private float[] runModel(float[] flat, int count) {
    int size = flat.length / count;
    int step = policy.maxRows();
    float[] out = null;
    int classes = 0;
    for (int from = 0; from < count; from += step) {
      if (stopping) {
        throw new ApiException(503, "The server is shutting down.");
      }
      int n = Math.min(step, count - from);
      int images = policy.callImages(n);
      float[] part = flat.length == images * size ? flat : new float[images * size];
      if (part != flat) {
        System.arraycopy(flat, from * size, part, 0, n * size);
      }
      long t0 = System.nanoTime();
      float[] p = model.probabilities(part, images);
      listener.ran(n, System.nanoTime() - t0);
      if (out == null) {
        classes = p.length / images;
        out = new float[count * classes];
      }
      System.arraycopy(p, 0, out, from * classes, n * classes);
    }
    return out;
  }

  /** Refuses new requests; those already queued still run (their own threads run them). */
  @Override
  public void close() {
    closed = true;
  }

  /**
   * Stops starting model calls: a request still queued or between the chunks of a large request
   * gets 503 at its next call, so a stop never waits for more than the calls already running.
   */
  public void stopRunning() {
    closed = true;
    stopping = true;
  }

  private static final class Job {
    final float[] flat;
    final int count;
    final Thread thread;
    float[] result;
    RuntimeException failure;
    volatile boolean done;

    Job(float[] flat, int count, Thread thread) {
      this.flat = flat;
      this.count = count;
      this.thread = thread;
    }

    void complete(float[] r, RuntimeException f) {
      result = r;
      failure = f;
      done = true;
      LockSupport.unpark(thread);
    }
  }
}
