package io.tfjmnist.serving;

import io.tfjmnist.TfjMnistException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The served model's versions and their states, TF Serving's AspiredVersionsManager in small. A
 * version is {@code LOADING}, {@code AVAILABLE}, {@code UNLOADING} or {@code END} (a failed load
 * is {@code END} with its error message). Each available version is a {@link ServableVersion} with
 * its own session; a request takes a {@link Lease} on the version it starts on and finishes on it,
 * and an unloaded version's session is closed when its last request ends.
 *
 * <p>From a base path ({@link #fromFolder}), {@link #sync()} reads the version folders, loads the
 * versions the {@link VersionPolicy} wants that are not loaded (each checked by the loader, whose
 * exactness probe is the same as at start), and only then unloads those no longer wanted: a new
 * {@code latest} replaces the old one atomically, and a version that fails to load leaves the old
 * one serving. A failed folder is not tried again until it is removed and comes back.
 */
public final class ModelVersions {
  /** TF Serving's ModelVersionStatus.State (START is never reported: a version is LOADING from its first poll). */
  public enum State { LOADING, AVAILABLE, UNLOADING, END }

  /** One version's state as the status calls report it; {@code error} is empty unless its load failed. */
  public record Status(long version, State state, String error) {}

  private static final Logger LOG = LoggerFactory.getLogger(ModelVersions.class);

  private final String name;
  private final Path base; // null: one fixed model
  private final VersionPolicy policy;
  private final Path labelsFile;
  private final Function<VersionFolders.Version, ServedModel> loader;
  private final ConcurrentSkipListMap<Long, Slot> slots = new ConcurrentSkipListMap<>();
  private final Set<Long> failed = new HashSet<>(); // under syncLock
  private final Object syncLock = new Object();
  private volatile Map<String, Long> labels = Map.of();
  private BiFunction<ServedModel, Runnable, ServableVersion> serving;
  private ServedModel fixed;
  private ScheduledExecutorService poller;
  private volatile boolean closed;

  private ModelVersions(String name, Path base, VersionPolicy policy, Path labelsFile,
      Function<VersionFolders.Version, ServedModel> loader) {
    this.name = name;
    this.base = base;
    this.policy = policy;
    this.labelsFile = labelsFile;
    this.loader = loader;
  }

  /** One model, always available under its own version (no folder, no labels). */
  public static ModelVersions of(ServedModel model) {
    ModelVersions v = new ModelVersions(model.name(), null, VersionPolicy.LATEST, null, null);
    v.fixed = model;
    return v;
  }

  /**
   * The versions of TF Serving's base path {@code base}, chosen by {@code policy}, each loaded by
   * {@code loader} (which names the model {@code name} and runs the exactness probe); labels from
   * {@code labelsFile} (null: none), read again at every poll.
   */
  public static ModelVersions fromFolder(String name, Path base, VersionPolicy policy, Path labelsFile,
      Function<VersionFolders.Version, ServedModel> loader) {
    return new ModelVersions(name, base, policy, labelsFile, loader);
  }

  public String name() {
    return name;
  }

  /**
   * Loads what is to be served first, each version served through {@code serving} (given the model and
   * what to do once its session is freed); throws with every load's error when no version is available.
   */
  void open(BiFunction<ServedModel, Runnable, ServableVersion> serving) {
    this.serving = serving;
    if (fixed != null) {
      Slot s = new Slot(fixed.version());
      slots.put(s.version, s);
      try {
        install(s, fixed);
      } catch (RuntimeException e) {
        fixed.close();
        throw e;
      }
      return;
    }
    if (labelsFile != null) {
      labels = VersionLabels.read(labelsFile);
    }
    sync();
    if (latest() == null) {
      List<String> why = new ArrayList<>();
      slots.values().forEach(s -> why.add("version " + s.version + ": " + s.error));
      throw new TfjMnistException("No version of model '" + name + "' under " + base + " could be served (policy "
          + policy.describe() + ")" + (why.isEmpty() ? ": no version folder matches the policy." : ": " + String.join("; ", why)));
    }
  }

  /** Polls the base path every {@code millis} in the background; no-op for one fixed model. */
  synchronized void startPolling(long millis) {
    if (base == null || millis <= 0 || poller != null) {
      return;
    }
    poller = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "serve-versions");
      t.setDaemon(true);
      return t;
    });
    var unused = poller.scheduleWithFixedDelay(() -> { // failures are logged inside; stop() ends it
      try {
        sync();
      } catch (RuntimeException | Error e) {
        LOG.error("Polling {} failed; the versions already loaded keep serving", base, e);
      }
    }, millis, millis, TimeUnit.MILLISECONDS);
  }

  /** One look at the base path: load the versions wanted, then unload those no longer wanted. */
  public void sync() {
    if (base == null) {
      return;
    }
    synchronized (syncLock) {
      if (closed) {
        return;
      }
      SortedSet<Long> folders = new TreeSet<>();
      Map<Long, VersionFolders.Version> byNumber = new java.util.HashMap<>();
      try {
        for (VersionFolders.Version v : VersionFolders.scan(base)) {
          folders.add(v.number());
          byNumber.put(v.number(), v);
        }
      } catch (TfjMnistException e) {
        LOG.warn("{}; the versions already loaded keep serving.", e.getMessage());
        return;
      }
      readLabels();
      failed.retainAll(folders); // a failed folder that was removed is tried again when it comes back
      for (long v : policy.choose(loadable(folders))) {
        Slot s = slots.get(v);
        if (s == null || s.state == State.END) {
          load(byNumber.get(v));
        }
      }
      SortedSet<Long> wanted = policy.choose(loadable(folders));
      for (Slot s : slots.values()) {
        if (s.state == State.AVAILABLE && !wanted.contains(s.version)) {
          unload(s);
        }
      }
    }
  }

  private SortedSet<Long> loadable(SortedSet<Long> folders) {
    SortedSet<Long> ok = new TreeSet<>(folders);
    ok.removeAll(failed);
    return ok;
  }

  private void readLabels() {
    if (labelsFile == null) {
      return;
    }
    try {
      labels = VersionLabels.read(labelsFile);
    } catch (TfjMnistException e) {
      LOG.warn("{}; the labels read before stay.", e.getMessage());
    }
  }

  private void load(VersionFolders.Version v) {
    Slot s = new Slot(v.number());
    slots.put(v.number(), s);
    ServedModel model = null;
    try {
      model = loader.apply(v);
      install(s, model);
    } catch (RuntimeException e) {
      if (model != null) {
        model.close(); // loaded, but could not be put in service
      }
      failed.add(v.number());
      s.error = e.getMessage() == null ? e.toString() : e.getMessage();
      s.state = State.END;
      LOG.warn("Version {} of model '{}' did not load: {}", v.number(), name, s.error);
      return;
    }
    LOG.info("Version {} of model '{}' is available ({}, loaded in {} s)", v.number(), name, model.source(),
        String.format(java.util.Locale.ROOT, "%.2f", model.loadSeconds()));
  }

  private void install(Slot s, ServedModel model) {
    synchronized (this) {
      if (closed) {
        model.close();
        s.state = State.END;
        return;
      }
      s.loaded = serving.apply(model, () -> {
        s.state = State.END;
        s.loaded = null;
        LOG.info("Version {} of model '{}' is unloaded", s.version, name);
      });
      s.state = State.AVAILABLE;
    }
  }

  private void unload(Slot s) {
    s.state = State.UNLOADING;
    ServableVersion v = s.loaded;
    if (v != null) {
      v.release(); // the registry's reference: the session closes now, or when its last request ends
    }
  }

  /** The highest available version's model (null when none). */
  public ServedModel latest() {
    for (Slot s : slots.descendingMap().values()) {
      ServableVersion v = s.loaded;
      if (s.state == State.AVAILABLE && v != null) {
        return v.model();
      }
    }
    return null;
  }

  /** The labels now, {@code label -> version}. */
  public Map<String, Long> labels() {
    return labels;
  }

  /**
   * A reference to the version a request names (a {@code version}, a {@code label}, or neither:
   * the highest available), as TF Serving finds a servable; NOT_FOUND (404) with TF Serving's words
   * otherwise. The request runs on it until it closes the lease.
   */
  public Lease acquire(String model, Long version, String label) {
    ServableCheck.checkName(name, model, version, true);
    for (;;) {
      Long v = label == null ? version : labelled(label);
      Slot s = null;
      if (v == null) {
        for (Slot c : slots.descendingMap().values()) {
          if (c.state == State.AVAILABLE) {
            s = c;
            break;
          }
        }
      } else {
        s = slots.get(v);
      }
      ServableVersion sv = s == null ? null : s.loaded;
      if (s == null || s.state != State.AVAILABLE || sv == null) {
        throw ServableCheck.notServed(name, v);
      }
      if (sv.retain()) {
        return new Lease(sv);
      }
      // unloaded between the look and the reference: look again (its state is no longer AVAILABLE)
    }
  }

  private Long labelled(String label) {
    Long v = labels.get(label);
    if (v == null) {
      throw ServableCheck.unknownLabel(label);
    }
    return v;
  }

  /**
   * The versions' states, highest version first as TF Serving lists them; only the one asked for
   * when {@code version} or {@code label} is given (404 when it was never seen).
   */
  public List<Status> statuses(String model, Long version, String label) {
    ServableCheck.checkName(name, model, version, false);
    Long v = label == null ? version : labelled(label);
    List<Status> out = new ArrayList<>();
    for (Slot s : slots.descendingMap().values()) {
      if (v == null || s.version == v) {
        out.add(new Status(s.version, s.state, s.error));
      }
    }
    if (v != null && out.isEmpty()) {
      throw ApiException.notFound("Could not find version " + v + " of model " + ApiException.quote(name));
    }
    return out;
  }

  /**
   * Server stop: no more polling; each loaded version stops starting model calls and is closed
   * once its running calls end, all within {@code graceMillis}; whether every one ended in time.
   */
  boolean stop(long graceMillis) {
    ScheduledExecutorService p;
    synchronized (this) {
      closed = true;
      p = poller;
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMillis);
    if (p != null) {
      p.shutdown();
      try {
        p.awaitTermination(graceMillis, TimeUnit.MILLISECONDS); // a load in progress ends, or stays in the background
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    boolean idle = true;
    for (Slot s : slots.values()) {
      ServableVersion v = s.loaded;
      if (v != null) {
        idle &= v.stop(Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      }
    }
    return idle;
  }

  /** A request's reference to the version it runs on; closing it lets the version be freed. */
  public static final class Lease implements AutoCloseable {
    private final ServableVersion version;
    private boolean closed;

    private Lease(ServableVersion version) {
      this.version = version;
    }

    public ServedModel model() {
      return version.model();
    }

    MicroBatcher batcher() {
      return version.batcher();
    }

    byte[] metadataJson() {
      return version.metadataJson();
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        version.release();
      }
    }
  }

  private static final class Slot {
    final long version;
    volatile State state = State.LOADING;
    volatile String error = "";
    volatile ServableVersion loaded;

    Slot(long version) {
      this.version = version;
    }
  }
}
