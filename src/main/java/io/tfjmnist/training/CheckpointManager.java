package io.tfjmnist.training;

import io.tfjmnist.checkpoint.CheckpointIndex;
import io.tfjmnist.checkpoint.CheckpointLayout;
import io.tfjmnist.checkpoint.CheckpointSaver;
import io.tfjmnist.checkpoint.CheckpointState;
import io.tfjmnist.keras.WeightsCheckpoint;
import io.tfjmnist.TfjMnistException;
import io.tfjmnist.files.AtomicFiles;
import io.tfjmnist.files.FileErrors;
import io.tfjmnist.files.Notices;
import io.tfjmnist.files.StaleTemporaries;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.optimizers.Optimizer;
import io.tfjmnist.optimizers.OptimizerState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code tf.train.CheckpointManager(ckpt, directory, max_to_keep)} for a training run: numbered
 * checkpoints {@code DIR/ckpt-1}, {@code DIR/ckpt-2}, ... (each a Keras-compatible bundle from
 * {@link WeightsCheckpoint} plus a {@link TrainingProgress} sidecar {@code ckpt-N.json}), the last
 * {@code maxToKeep} kept, and TF's {@code checkpoint} state file naming them, so Python's
 * {@code tf.train.latest_checkpoint(DIR)} finds the newest one too.
 *
 * <p>Crash safety comes from the order of the writes: the bundle (data, then index) and the sidecar
 * are each written to a temporary name and renamed into place, and only then is the state file
 * replaced, atomically, to name the new checkpoint; old checkpoints are deleted only after that.
 * So the state file never names a checkpoint that is not complete, and a crash at any point leaves
 * the previous checkpoint listed and intact. {@link #latest()} still verifies what the state file
 * names and falls back to the previous listed checkpoint if the newest is damaged (a disk that
 * lost data, a hand-edited folder). Leftovers of an interrupted save are removed by the next save.
 *
 * <p>One writer per directory. Keep the final {@code --weights} checkpoint out of this folder: its
 * own {@code checkpoint} state file would replace this one.
 */
public final class CheckpointManager {
  public static final int DEFAULT_MAX_TO_KEEP = 3;
  public static final String STATE_FILE = CheckpointState.FILE_NAME;
  private static final String NAME = "ckpt";
  private static final Pattern OWN_FILE = Pattern.compile("^" + NAME + "-(\\d+)(\\.index|\\.data-\\d+-of-\\d+|\\.json)$");
  private static final Pattern LEFTOVER = Pattern.compile("^\\.(" + NAME + "-\\d+|" + STATE_FILE + ").*\\.(tmp|staging)-.*$");
  private static final Pattern OWN_PREFIX = Pattern.compile("^" + NAME + "-(\\d+)$");

  private final Path directory;
  private final int maxToKeep;
  private final CheckpointLayout layout;
  private final java.util.concurrent.atomic.AtomicBoolean reportedRebuild = new java.util.concurrent.atomic.AtomicBoolean();

  public CheckpointManager(Path directory) {
    this(directory, DEFAULT_MAX_TO_KEEP);
  }

  public CheckpointManager(Path directory, int maxToKeep) {
    this(directory, maxToKeep, CheckpointLayout.KERAS3);
  }

  /**
   * @param layout the object graph each checkpoint is written in, as {@code train --checkpoint-layout}
   *     chooses it for the final weights; either is read back
   */
  public CheckpointManager(Path directory, int maxToKeep, CheckpointLayout layout) {
    if (maxToKeep < 1) {
      throw new IllegalArgumentException("max to keep must be at least 1, got " + maxToKeep);
    }
    this.directory = directory.toAbsolutePath().normalize();
    this.maxToKeep = maxToKeep;
    this.layout = java.util.Objects.requireNonNull(layout, "layout");
  }

  /** A checkpoint that passed the completeness checks, with its metadata. */
  public record Checkpoint(Path prefix, TrainingProgress progress) {
    /** Reads the weights and optimizer state, verifying every tensor's checksum. */
    public WeightsCheckpoint.Loaded load(ModelArchitecture architecture) {
      return WeightsCheckpoint.load(prefix, architecture);
    }
  }

  /** A checkpoint read in full: the weights, the optimizer's state (null if it was saved without) and the metadata. */
  public record Restored(Path prefix, TrainingProgress progress, ModelWeights weights, OptimizerState optimizerState) {}

  public Path directory() {
    return directory;
  }

  public CheckpointLayout layout() {
    return layout;
  }

  public int maxToKeep() {
    return maxToKeep;
  }

  /** {@code DIR/ckpt-N.json}. */
  public static Path sidecar(Path prefix) {
    return prefix.resolveSibling(prefix.getFileName() + ".json");
  }

  /**
   * Writes checkpoint {@code ckpt-N} (N one more than any number in the folder), makes it the
   * latest in the state file, then deletes checkpoints beyond the last {@code maxToKeep}.
   *
   * @param state the optimizer's state, or null to save the weights only
   * @param optimizer the optimizer trained with, whose variables {@code state} is saved as
   * @return the new checkpoint's prefix
   */
  public Path save(ModelWeights weights, OptimizerState state, Optimizer optimizer, TrainingProgress progress) {
    java.util.Objects.requireNonNull(progress, "progress");
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new TfjMnistException("Cannot create checkpoint folder " + directory + ": " + e.getMessage() + ".", e);
    }
    List<CheckpointState.Entry> kept = new ArrayList<>(readState().entries());
    int n = nextNumber(kept);
    String name = NAME + "-" + n;
    Path prefix = directory.resolve(name);
    WeightsCheckpoint.saveBundle(prefix, weights, state, optimizer, layout);
    FaultInjection.point("checkpoint.after-bundle");
    CheckpointSaver.writeAtomically(sidecar(prefix), progress.toJson());
    FaultInjection.point("checkpoint.before-state");

    kept.removeIf(e -> e.path().equals(name));
    kept.add(new CheckpointState.Entry(name, System.currentTimeMillis() / 1000.0));
    List<CheckpointState.Entry> dropped = new ArrayList<>();
    while (kept.size() > maxToKeep) {
      dropped.add(kept.remove(0));
    }
    writeState(kept); // the commit point
    for (CheckpointState.Entry e : dropped) {
      deleteCheckpointFiles(resolve(e.path()));
    }
    deleteOrphans(kept);
    return prefix;
  }

  /** The kept checkpoints' prefixes as the state file lists them, oldest first (without checking them). */
  public List<Path> checkpoints() {
    return readState().entries().stream().map(e -> resolve(e.path())).toList();
  }

  /**
   * The newest complete checkpoint: the one the state file names if its index, data and sidecar are
   * all present and readable, else the previous listed ones in turn. Empty when nothing was ever
   * saved here. Tensor checksums are verified when loading ({@link Checkpoint#load},
   * {@link #restoreLatest}); here the index is parsed and the data file sizes checked.
   *
   * @throws TfjMnistException when the state file lists checkpoints but none is usable
   */
  public Optional<Checkpoint> latest() {
    List<String> problems = new ArrayList<>();
    for (Path prefix : candidates()) {
      try {
        return Optional.of(new Checkpoint(prefix, check(prefix)));
      } catch (RuntimeException e) { // a damaged file may fail in ways the parser did not foresee
        problems.add(describe(prefix, e));
      }
    }
    return noneUsable(problems);
  }

  /**
   * Loads the newest checkpoint that reads back in full (every tensor checksum verified), falling
   * back to older listed ones like {@link #latest()}.
   */
  public Optional<Restored> restoreLatest(ModelArchitecture architecture) {
    List<String> problems = new ArrayList<>();
    for (Path prefix : candidates()) {
      try {
        TrainingProgress progress = check(prefix);
        WeightsCheckpoint.Loaded loaded = WeightsCheckpoint.load(prefix, architecture);
        return Optional.of(new Restored(prefix, progress, loaded.weights(), loaded.optimizerState().orElse(null)));
      } catch (RuntimeException e) { // a damaged file may fail in ways the parser did not foresee
        problems.add(describe(prefix, e));
      }
    }
    return noneUsable(problems);
  }

  private static String describe(Path prefix, RuntimeException e) {
    return e instanceof TfjMnistException ? e.getMessage()
        : "Checkpoint " + prefix + " cannot be read (" + e + ").";
  }

  private <T> Optional<T> noneUsable(List<String> problems) {
    if (problems.isEmpty()) {
      return Optional.empty();
    }
    throw new TfjMnistException("No usable checkpoint in " + directory + ": " + String.join(" ", problems));
  }

  /** Newest first: the state file's model_checkpoint_path, then its list from the end; without a state file, the folder's complete-looking ckpt-N. */
  private List<Path> candidates() {
    CheckpointState state = readState();
    Set<String> names = new LinkedHashSet<>();
    if (state.latest() != null) {
      names.add(state.latest());
    }
    for (int i = state.entries().size() - 1; i >= 0; i--) {
      names.add(state.entries().get(i).path());
    }
    if (names.isEmpty()) {
      // No (readable) state file: a crash during the very first save, or a copied folder. A
      // bundle with its sidecar was still written completely, since the sidecar comes last.
      numbersOnDisk().stream().sorted(Comparator.reverseOrder())
          .filter(k -> Files.isRegularFile(sidecar(directory.resolve(NAME + "-" + k))))
          .forEach(k -> names.add(NAME + "-" + k));
    }
    return names.stream().map(this::resolve).toList();
  }

  /** Verifies that a checkpoint is complete and returns its metadata; throws with the reason if not. */
  private static TrainingProgress check(Path prefix) {
    CheckpointIndex index = CheckpointIndex.open(prefix); // parses the index, checks the shards exist
    long[] needed = new long[index.numShards()];
    for (CheckpointIndex.Entry e : index.entries()) {
      needed[e.shardId()] = Math.max(needed[e.shardId()], e.offset() + e.size());
    }
    for (int s = 0; s < needed.length; s++) {
      Path data = index.dataFile(s);
      long size;
      try {
        size = Files.size(data);
      } catch (IOException e) {
        throw new TfjMnistException("Checkpoint " + prefix + " cannot read " + data.getFileName() + ": " + e.getMessage() + ".", e);
      }
      if (size < needed[s]) {
        throw new TfjMnistException("Checkpoint " + prefix + " is truncated: " + data.getFileName() + " has " + size
            + " bytes but its index needs " + needed[s] + ".");
      }
    }
    Path json = sidecar(prefix);
    if (!Files.isRegularFile(json)) {
      throw new TfjMnistException("Checkpoint " + prefix + " has no metadata file " + json.getFileName() + ".");
    }
    try {
      return TrainingProgress.fromJson(Files.readAllBytes(json), json.toString());
    } catch (IOException e) {
      throw new TfjMnistException("Cannot read checkpoint metadata " + json + ": " + e.getMessage() + ".", e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The state file: TF's CheckpointState text proto, read and written by checkpoint.CheckpointState.

  /**
   * The state file, or, when it is unreadable (not UTF-8), says nothing usable (empty, garbage) or
   * names only checkpoints that are not on disk, a state rebuilt from the complete ckpt-N on disk
   * (newest {@code maxToKeep}), reported once. Without this a garbage state file made the next save
   * delete every earlier checkpoint as unlisted.
   */
  private CheckpointState readState() {
    Path file = directory.resolve(STATE_FILE);
    if (!Files.exists(file) && numbersOnDisk().isEmpty()) {
      return CheckpointState.empty();
    }
    String problem;
    CheckpointState parsed = CheckpointState.empty();
    try {
      CheckpointState state = CheckpointState.read(directory);
      parsed = state;
      if (!Files.exists(file)) {
        problem = "missing";
      } else if (state.latest() == null && state.entries().isEmpty()) {
        problem = sizeOf(file) == 0 ? "empty" : "unreadable (it names no checkpoint)";
      } else if (names(state).stream().noneMatch(n -> Files.isRegularFile(CheckpointSaver.indexFile(resolve(n))))) {
        problem = "naming only checkpoints that are not on disk (" + String.join(", ", names(state)) + ")";
      } else {
        return state;
      }
    } catch (TfjMnistException e) { // bytes that are not UTF-8, an unreadable file
      problem = "unreadable (" + FileErrors.reason(e) + ")";
    }
    List<Integer> complete = numbersOnDisk().stream().sorted()
        .filter(k -> Files.isRegularFile(CheckpointSaver.indexFile(directory.resolve(NAME + "-" + k)))
            && Files.isRegularFile(sidecar(directory.resolve(NAME + "-" + k))))
        .toList();
    if (complete.isEmpty()) {
      return parsed; // nothing to rebuild from: the listed names lead to the "no usable checkpoint" error
    }
    List<Integer> kept = complete.subList(Math.max(0, complete.size() - maxToKeep), complete.size());
    List<CheckpointState.Entry> entries = kept.stream()
        .map(k -> new CheckpointState.Entry(NAME + "-" + k, Double.NaN)).toList();
    if (!"missing".equals(problem) && reportedRebuild.compareAndSet(false, true)) {
      Notices.report("The checkpoint state file " + file + " was " + problem + ": rebuilt it from the checkpoints on"
          + " disk, keeping " + String.join(", ", entries.stream().map(CheckpointState.Entry::path).toList())
          + (complete.size() > kept.size() ? " (the newest " + maxToKeep + " of " + complete.size() + ")" : "") + ".");
    }
    return new CheckpointState(entries.get(entries.size() - 1).path(), entries);
  }

  private static List<String> names(CheckpointState state) {
    List<String> out = new ArrayList<>();
    if (state.latest() != null) {
      out.add(state.latest());
    }
    state.entries().forEach(e -> out.add(e.path()));
    return out.stream().distinct().toList();
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return -1;
    }
  }

  private void writeState(List<CheckpointState.Entry> entries) {
    new CheckpointState(entries.get(entries.size() - 1).path(), entries).write(directory);
  }

  /** State file paths are relative to the folder (as we write them) or absolute (as Python may). */
  private Path resolve(String name) {
    return CheckpointState.resolve(directory, name);
  }

  // ---------------------------------------------------------------------------------------------
  // Files.

  private int nextNumber(List<CheckpointState.Entry> listed) {
    int max = 0;
    for (int k : numbersOnDisk()) {
      max = Math.max(max, k);
    }
    for (CheckpointState.Entry e : listed) {
      Matcher m = OWN_PREFIX.matcher(Path.of(e.path()).getFileName().toString());
      if (m.matches()) {
        max = Math.max(max, Integer.parseInt(m.group(1)));
      }
    }
    return max + 1;
  }

  private Set<Integer> numbersOnDisk() {
    Set<Integer> out = new HashSet<>();
    for (Path p : list()) {
      Matcher m = OWN_FILE.matcher(p.getFileName().toString());
      if (m.matches()) {
        out.add(Integer.parseInt(m.group(1)));
      }
    }
    return out;
  }

  private List<Path> list() {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(directory)) {
      return s.toList();
    } catch (IOException e) {
      throw new TfjMnistException("Cannot list checkpoint folder " + directory + ": " + e.getMessage() + ".", e);
    }
  }

  /** Removes ckpt-N files the state file no longer lists (dropped or from an interrupted save) and stale temporaries. */
  private void deleteOrphans(List<CheckpointState.Entry> kept) {
    Set<String> keep = new HashSet<>();
    kept.forEach(e -> keep.add(resolve(e.path()).getFileName().toString()));
    for (Path p : list()) {
      String file = p.getFileName().toString();
      Matcher m = OWN_FILE.matcher(file);
      if (m.matches() && !keep.contains(NAME + "-" + m.group(1))) {
        AtomicFiles.deleteQuietly(p);
      } else if (LEFTOVER.matcher(file).matches() && (file.contains(".staging-") || StaleTemporaries.isStale(file))) {
        // only a dead writer's: a live one (another run without the folder's lock) is still writing it
        deleteTree(p);
      }
    }
  }

  private static void deleteCheckpointFiles(Path prefix) {
    AtomicFiles.deleteQuietly(CheckpointSaver.indexFile(prefix)); // index first: without it the bundle is not a checkpoint
    AtomicFiles.deleteQuietly(CheckpointSaver.dataFile(prefix));
    AtomicFiles.deleteQuietly(sidecar(prefix));
  }

  private static void deleteTree(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      s.sorted(Comparator.reverseOrder()).forEach(AtomicFiles::deleteQuietly);
    } catch (IOException ignored) {
      // as above
    }
  }
}
