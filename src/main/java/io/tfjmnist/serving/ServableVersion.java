package io.tfjmnist.serving;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * One loaded version as it serves: its {@link ServedModel} (own session), its own
 * {@link MicroBatcher} (the version's own exact batch policy), and a count of references. The
 * registry holds one reference while the version is aspired and every request holds one while it
 * runs, so a request finishes on the version it started on; the session is closed when the last
 * reference goes (TF Serving's servable handles).
 */
final class ServableVersion {
  private final ServedModel model;
  private final GuardedModel guarded;
  private final MicroBatcher batcher;
  private final byte[] metadataJson;
  private final AtomicInteger refs = new AtomicInteger(1); // the registry's own
  private final Runnable onFreed;

  /** @param onFreed told once the session is closed (the version's state becomes END) */
  ServableVersion(ServedModel model, ServeConfig config, MicroBatcher.RunListener ran, Runnable onFreed) {
    this.model = model;
    this.guarded = new GuardedModel(model.model());
    this.batcher = new MicroBatcher(guarded, config.maxBatch(), model.policy(), config.batchRunners(), ran);
    this.metadataJson = ModelDocuments.metadata(model);
    this.onFreed = onFreed;
  }

  /**
   * How a server puts each loaded model in service: its session runs counted in {@code metrics}
   * under its own version label, whose series are there from its load until its session closes.
   */
  static BiFunction<ServedModel, Runnable, ServableVersion> measured(ServeConfig config, ServingMetrics metrics) {
    return (model, freed) -> new ServableVersion(model, config, metrics.versionLoaded(model), () -> {
      metrics.versionUnloaded(model.version());
      freed.run();
    });
  }

  ServedModel model() {
    return model;
  }

  MicroBatcher batcher() {
    return batcher;
  }

  byte[] metadataJson() {
    return metadataJson;
  }

  /** Takes a reference unless the version is already freed (then the caller looks again). */
  boolean retain() {
    for (;;) {
      int r = refs.get();
      if (r <= 0) {
        return false;
      }
      if (refs.compareAndSet(r, r + 1)) {
        return true;
      }
    }
  }

  /** Gives a reference back; the last one closes the session. */
  void release() {
    if (refs.decrementAndGet() == 0) {
      batcher.stopRunning();
      guarded.closeModel();
      onFreed.run();
    }
  }

  /** References held now, the registry's included (tests). */
  int references() {
    return refs.get();
  }

  /**
   * Server stop: no new model call starts; once the calls running have ended (at most
   * {@code graceMillis}), the session is closed; whether they ended in time (else it is left open).
   */
  boolean stop(long graceMillis) {
    batcher.stopRunning();
    if (!guarded.awaitCalls(graceMillis)) {
      return false;
    }
    guarded.closeModel();
    return true;
  }
}
