package io.tfjmnist.serving;

import io.tfjmnist.inference.ProbabilityModel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Closes the model only once no call is inside it: a request thread still running when Jetty's
 * stop timeout expired must not find its session freed under it.
 */
final class GuardedModel implements ProbabilityModel {
  private final ProbabilityModel model;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private volatile boolean closed;
  private boolean modelClosed; // under the write lock: the last reference and a server stop may both close it

  GuardedModel(ProbabilityModel model) {
    this.model = model;
  }

  @Override
  public int inputSize() {
    return model.inputSize();
  }

  @Override
  public float[] probabilities(float[] flat, int count) {
    lock.readLock().lock();
    try {
      if (closed) {
        throw new ApiException(503, "The server is shutting down.");
      }
      return model.probabilities(flat, count);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Waits until no call is inside the model, then refuses new ones; whether it got there in time. */
  boolean awaitCalls(long waitMillis) {
    try {
      if (lock.writeLock().tryLock(waitMillis, TimeUnit.MILLISECONDS)) {
        closed = true;
        lock.writeLock().unlock();
        return true;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closed = true;
    return false;
  }

  void closeModel() {
    lock.writeLock().lock();
    try {
      closed = true;
      if (!modelClosed) {
        modelClosed = true;
        model.close();
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public void close() {
    if (awaitCalls(30_000)) {
      closeModel();
    }
  }
}
