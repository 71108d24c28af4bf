package io.tfjmnist.data;

import io.tfjmnist.TfjMnistException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/**
 * Finds a dataset the way a user who has run the Keras tutorial expects, and downloads it when it
 * is nowhere to be found. In order:
 *
 * <ol>
 *   <li>an explicit {@code --data-dir}: a folder holding the four IDX files (raw or .gz) or
 *       {@code mnist.npz}, either directly or in a {@code mnist/}, {@code fashion-mnist/} or
 *       {@code fashion_mnist/} subfolder, so {@code --data-dir ../shared/datasets} works for both
 *       datasets (a path to {@code mnist.npz} itself is accepted too). When given, it is the
 *       only place looked in: silently using other data than the folder the user named would be
 *       worse than an error;
 *   <li>the folder in {@code $TFJ_MNIST_DATA}, with the same layouts;
 *   <li>Keras's cache, {@code ~/.keras/datasets} ({@code $KERAS_HOME/datasets} when set, as in
 *       Keras): {@code mnist.npz}, or {@code fashion-mnist/*.gz};
 *   <li>this project's cache, {@code ~/.cache/tfj-mnist/<name>/};
 *   <li>the copy packaged with the product ({@link EmbeddedDatasets}: MNIST only), so a fresh
 *       clone trains offline; it comes after the caches so a user's own copy still wins;
 *   <li>a download into that cache, from Keras's bucket or {@code $TFJ_MNIST_BASE_URL}.
 * </ol>
 *
 * <p>The home folder and environment are constructor parameters so tests never touch the real
 * ones.
 */
public final class DatasetLocator {
  /** Environment variable naming a data folder, searched after {@code --data-dir}. */
  public static final String DATA_DIR_ENV = "TFJ_MNIST_DATA";
  /** Keras's own override of {@code ~/.keras}. */
  public static final String KERAS_HOME_ENV = "KERAS_HOME";

  private final Path dataDir;
  private final Path home;
  private final Map<String, String> env;
  private final DatasetDownloader downloader;
  private final boolean verifyChecksums;
  private final boolean useEmbedded;

  /**
   * @param dataDir the user's {@code --data-dir}, or {@code null} when not given
   * @param home the user's home folder
   * @param env the environment variables to honour
   * @param downloader fetches missing data; {@code null} never downloads (offline)
   * @param verifyChecksums whether IDX files must match the published SHA-256s
   */
  public DatasetLocator(
      Path dataDir,
      Path home,
      Map<String, String> env,
      DatasetDownloader downloader,
      boolean verifyChecksums) {
    this(dataDir, home, env, downloader, verifyChecksums, false);
  }

  private DatasetLocator(
      Path dataDir,
      Path home,
      Map<String, String> env,
      DatasetDownloader downloader,
      boolean verifyChecksums,
      boolean useEmbedded) {
    this.dataDir = dataDir;
    this.home = Objects.requireNonNull(home, "home");
    this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
    this.downloader = downloader;
    this.verifyChecksums = verifyChecksums;
    this.useEmbedded = useEmbedded;
  }

  /**
   * The real home folder and environment, no {@code --data-dir}, the packaged MNIST copy before
   * any download; downloads are logged (SLF4J, INFO).
   */
  public static DatasetLocator fromEnvironment() {
    return fromEnvironment(null);
  }

  /** As {@link #fromEnvironment()}, with the user's {@code --data-dir} (may be null). */
  public static DatasetLocator fromEnvironment(Path dataDir) {
    return fromEnvironment(dataDir, LoggerFactory.getLogger(DatasetLocator.class)::info);
  }

  /** As {@link #fromEnvironment(Path)}, telling {@code downloads} what is being downloaded (the CLI prints it). */
  public static DatasetLocator fromEnvironment(Path dataDir, Consumer<String> downloads) {
    Map<String, String> env = System.getenv();
    return new DatasetLocator(
        dataDir,
        Path.of(System.getProperty("user.home")),
        env,
        DatasetDownloader.fromEnvironment(env, downloads),
        true,
        true);
  }

  /** The same search with another {@code --data-dir} (null for none). */
  public DatasetLocator withDataDir(Path dataDir) {
    return new DatasetLocator(dataDir, home, env, downloader, verifyChecksums, useEmbedded);
  }

  /** The same search, with or without the copy packaged with the product (see {@link EmbeddedDatasets}). */
  public DatasetLocator withEmbeddedCopy(boolean use) {
    return new DatasetLocator(dataDir, home, env, downloader, verifyChecksums, use);
  }

  /** The same search without the final download step. */
  public DatasetLocator offline() {
    return new DatasetLocator(dataDir, home, env, null, verifyChecksums, useEmbedded);
  }

  /** The same search, with or without checking IDX files against the published SHA-256s. */
  public DatasetLocator verifyingChecksums(boolean verify) {
    return new DatasetLocator(dataDir, home, env, downloader, verify, useEmbedded);
  }

  /** Where Keras keeps its downloads: {@code $KERAS_HOME/datasets} or {@code ~/.keras/datasets}. */
  public Path kerasDatasetsDir() {
    String kerasHome = env.get(KERAS_HOME_ENV);
    Path base = isSet(kerasHome) ? Path.of(kerasHome) : home.resolve(".keras");
    return base.resolve("datasets");
  }

  /** This project's cache for one dataset, also where downloads go. */
  public Path cacheDir(DatasetName dataset) {
    return home.resolve(".cache").resolve("tfj-mnist").resolve(dataset.kerasName());
  }

  /** Finds (or downloads) and reads the dataset. */
  public MnistData load(DatasetName dataset) {
    return locate(dataset).load(verifyChecksums);
  }

  /** Finds the dataset, downloading it if needed, without reading it. */
  public DatasetSource locate(DatasetName dataset) {
    Objects.requireNonNull(dataset, "dataset");
    if (dataDir != null) {
      return inExplicitDir(dataset);
    }
    Search search = new Search(dataset);
    String envDir = env.get(DATA_DIR_ENV);
    if (isSet(envDir)) {
      Path dir = Path.of(envDir.trim());
      Optional<DatasetSource> found = search.look(dir, DATA_DIR_ENV + "=" + dir);
      if (found.isPresent()) {
        return found.get();
      }
    }
    for (Path dir : List.of(kerasDatasetsDir(), cacheDir(dataset))) {
      Optional<DatasetSource> found = search.look(dir);
      if (found.isPresent()) {
        return found.get();
      }
    }
    if (useEmbedded) {
      Optional<DatasetSource.IdxFiles> packaged = EmbeddedDatasets.find(dataset);
      if (packaged.isPresent()) {
        return packaged.get();
      }
    }
    if (downloader == null) {
      throw search.notFound("downloads are turned off");
    }
    try {
      return downloader.download(dataset, cacheDir(dataset));
    } catch (DownloadException e) {
      throw search.notFound("downloading " + e.url() + " failed: " + e.reason(), e);
    }
  }

  private DatasetSource inExplicitDir(DatasetName dataset) {
    if (Files.isRegularFile(dataDir)) {
      // Pointing straight at mnist.npz is a natural thing to try; honour it.
      if (dataset.npzFileName().isPresent() && dataDir.getFileName().toString().endsWith(".npz")) {
        return new DatasetSource.Npz(dataset, dataDir);
      }
      throw new TfjMnistException(
          "Data folder " + dataDir + " is a file, but it must be a folder holding " + wanted(dataset) + ".");
    }
    if (!Files.isDirectory(dataDir)) {
      throw new TfjMnistException("Data folder " + dataDir + " does not exist.");
    }
    Search search = new Search(dataset);
    Optional<DatasetSource> found = search.look(dataDir);
    if (found.isPresent()) {
      return found.get();
    }
    throw new TfjMnistException(
        "Data folder "
            + dataDir
            + " holds no "
            + dataset
            + " data: it needs "
            + wanted(dataset)
            + ", directly or in a "
            + subfolders(dataset)
            + " subfolder"
            + search.partialNote()
            + ".");
  }

  /** Collects what one search saw, so a failure can say exactly where it looked. */
  private final class Search {
    private final DatasetName dataset;
    private final List<String> looked = new ArrayList<>();
    private final List<String> partial = new ArrayList<>();

    Search(DatasetName dataset) {
      this.dataset = dataset;
    }

    Optional<DatasetSource> look(Path root) {
      return look(root, root.toString());
    }

    /** Looks in {@code root} and its dataset-named subfolders; {@code label} names it in errors. */
    Optional<DatasetSource> look(Path root, String label) {
      // Only a user-chosen folder gets the note: a typo there is likely, while the caches
      // simply not existing yet is normal.
      boolean note = !label.equals(root.toString()) && !Files.isDirectory(root);
      looked.add(note ? label + " (which does not exist)" : label);
      List<Path> dirs = new ArrayList<>();
      dirs.add(root);
      for (String sub : dataset.folderNames()) {
        dirs.add(root.resolve(sub));
      }
      for (Path dir : dirs) {
        if (!Files.isDirectory(dir)) {
          continue;
        }
        Optional<DatasetSource.IdxFiles> idx = DatasetSource.IdxFiles.in(dataset, dir);
        if (idx.isPresent()) {
          return Optional.of(idx.get());
        }
        if (dataset.npzFileName().isPresent()) {
          Path npz = dir.resolve(dataset.npzFileName().get());
          if (Files.isRegularFile(npz)) {
            return Optional.of(new DatasetSource.Npz(dataset, npz));
          }
        }
        List<IdxFile> missing = DatasetSource.IdxFiles.missingIn(dir);
        if (missing.size() < IdxFile.values().length) {
          partial.add(
              dir
                  + " has only some of the IDX files (missing "
                  + missing.stream().map(IdxFile::fileName).collect(Collectors.joining(", "))
                  + ")");
        }
      }
      return Optional.empty();
    }

    String partialNote() {
      return partial.isEmpty() ? "" : "; note that " + String.join(" and ", partial);
    }

    DataNotFoundException notFound(String downloadOutcome) {
      return notFound(downloadOutcome, null);
    }

    DataNotFoundException notFound(String downloadOutcome, Throwable cause) {
      String envPart = isSet(env.get(DATA_DIR_ENV)) ? "" : DATA_DIR_ENV + " is not set, ";
      String message =
          "Found no "
              + dataset
              + " data: no data folder was given, "
              + envPart
              + "nothing usable is in "
              + joinOr(looked)
              + ", nor in their "
              + subfolders(dataset)
              + " subfolders, and "
              + downloadOutcome
              + partialNote()
              + "; give a data folder that holds "
              + wanted(dataset)
              + ", or copy "
              + manualCopyHint(dataset)
              + ".";
      return new DataNotFoundException(message, cause);
    }
  }

  /**
   * No data folder was given and the data set was in none of the places searched (its message lists
   * them), nor could it be downloaded: the caller can ask its user for a data folder.
   */
  public static final class DataNotFoundException extends TfjMnistException {
    DataNotFoundException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private String manualCopyHint(DatasetName dataset) {
    if (dataset.npzFileName().isPresent()) {
      return dataset.npzFileName().get() + " into " + kerasDatasetsDir();
    }
    return "the four .gz files into " + kerasDatasetsDir().resolve(dataset.folderNames().get(0));
  }

  private static String wanted(DatasetName dataset) {
    String idx =
        "the four IDX files ("
            + List.of(IdxFile.values()).stream().map(IdxFile::fileName).collect(Collectors.joining(", "))
            + ", each raw or .gz)";
    return dataset.npzFileName().map(npz -> npz + " or " + idx).orElse(idx);
  }

  private static String subfolders(DatasetName dataset) {
    return dataset.folderNames().stream().map(s -> s + "/").collect(Collectors.joining(" or "));
  }

  private static String joinOr(List<String> items) {
    if (items.size() <= 1) {
      return String.join("", items);
    }
    return String.join(", ", items.subList(0, items.size() - 1)) + " or " + items.get(items.size() - 1);
  }

  private static boolean isSet(String value) {
    return value != null && !value.isBlank();
  }
}
