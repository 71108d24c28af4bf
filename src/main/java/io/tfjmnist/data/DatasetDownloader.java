package io.tfjmnist.data;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.files.AtomicFiles;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * Downloads a dataset from Keras's bucket (or a mirror) into a folder, as
 * {@code tf.keras.utils.get_file} would: mnist as {@code mnist.npz}, Fashion-MNIST as its four
 * {@code .gz} files.
 *
 * <p>Each file is written to a temporary file in the target folder, verified, and only then
 * renamed into place with an atomic move: an interrupted or corrupted download never leaves a
 * file under the real name that a later run would trust, and two runs downloading at once
 * cannot see each other's half-written files.
 */
public final class DatasetDownloader {
  /** Where {@code tf.keras.datasets} downloads both datasets from. */
  public static final URI DEFAULT_BASE_URL =
      URI.create("https://storage.googleapis.com/tensorflow/tf-keras-datasets/");
  /** Environment variable that replaces {@link #DEFAULT_BASE_URL}, e.g. for a local mirror. */
  public static final String BASE_URL_ENV = "TFJ_MNIST_BASE_URL";
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);
  /** Longest silence tolerated while receiving; a stalled transfer fails instead of hanging. */
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);

  private final URI baseUrl;
  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final Consumer<String> log;

  /**
   * @param baseUrl folder URL the file names are resolved against (a trailing slash is added)
   * @param log receives one line per file downloaded, for the user to see progress
   */
  public DatasetDownloader(
      URI baseUrl, Duration connectTimeout, Duration readTimeout, Consumer<String> log) {
    this.baseUrl = withTrailingSlash(Objects.requireNonNull(baseUrl, "baseUrl"));
    this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
    this.readTimeout = Objects.requireNonNull(readTimeout, "readTimeout");
    this.log = Objects.requireNonNull(log, "log");
  }

  /** Keras's bucket, or {@code $TFJ_MNIST_BASE_URL} when set in {@code env}; default timeouts. */
  public static DatasetDownloader fromEnvironment(Map<String, String> env, Consumer<String> log) {
    String override = env.get(BASE_URL_ENV);
    URI base = DEFAULT_BASE_URL;
    if (override != null && !override.isBlank()) {
      try {
        base = new URI(override.trim());
      } catch (URISyntaxException e) {
        throw new TfjMnistException(
            BASE_URL_ENV + " is not a valid URL: " + override + " (" + e.getReason() + ").", e);
      }
      if (base.getScheme() == null || base.getHost() == null) {
        throw new TfjMnistException(
            BASE_URL_ENV + " must be an http or https URL, but it is " + override + ".");
      }
    }
    return new DatasetDownloader(base, DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT, log);
  }

  public URI baseUrl() {
    return baseUrl;
  }

  /**
   * A file to fetch and the checksum it must have.
   *
   * @param name file name, resolved against the base URL and used in the target folder
   * @param sha256 expected SHA-256
   * @param ofUncompressed whether {@code sha256} is of the gunzipped bytes (IDX .gz files) or of
   *     the file itself (mnist.npz)
   */
  public record RemoteFile(String name, String sha256, boolean ofUncompressed) {
    /** The files Keras downloads for {@code dataset}. */
    public static List<RemoteFile> of(DatasetName dataset) {
      if (dataset.npzFileName().isPresent()) {
        return List.of(
            new RemoteFile(dataset.npzFileName().get(), dataset.npzSha256().orElseThrow(), false));
      }
      List<RemoteFile> files = new ArrayList<>();
      for (IdxFile f : IdxFile.values()) {
        files.add(new RemoteFile(f.gzFileName(), dataset.idxSha256(f), true));
      }
      return files;
    }
  }

  /** The full URL of one file. */
  public URI urlOf(String fileName) {
    return baseUrl.resolve(fileName);
  }

  /**
   * Downloads whatever files of {@code dataset} are not yet in {@code targetDir} (an earlier run
   * may have fetched some before failing) and returns where the dataset now is.
   */
  public DatasetSource download(DatasetName dataset, Path targetDir) {
    download(RemoteFile.of(dataset), targetDir);
    if (dataset.npzFileName().isPresent()) {
      return new DatasetSource.Npz(dataset, targetDir.resolve(dataset.npzFileName().get()));
    }
    return DatasetSource.IdxFiles.in(dataset, targetDir)
        .orElseThrow(() -> new IllegalStateException("downloaded files vanished from " + targetDir));
  }

  /** Downloads each file not already present in {@code targetDir}. */
  public void download(List<RemoteFile> files, Path targetDir) {
    try {
      Files.createDirectories(targetDir);
    } catch (IOException e) {
      throw new TfjMnistException(
          "Could not create the download folder " + targetDir + ": " + e.getMessage() + ".", e);
    }
    for (RemoteFile file : files) {
      if (!Files.isRegularFile(targetDir.resolve(file.name()))) {
        download(file, targetDir);
      }
    }
  }

  /** Downloads one file into {@code targetDir}, replacing any file of that name. */
  public Path download(RemoteFile file, Path targetDir) {
    URI url = urlOf(file.name());
    Path target = targetDir.resolve(file.name());
    log.accept("Downloading " + url + " to " + target);
    Path temp;
    try {
      temp = Files.createTempFile(targetDir, "." + file.name() + ".", ".part");
    } catch (IOException e) {
      throw new TfjMnistException(
          "Could not write to the download folder " + targetDir + ": " + e.getMessage() + ".", e);
    }
    try {
      String fileSha = fetch(url, temp);
      String actual = file.ofUncompressed() ? uncompressedSha256(temp, url) : fileSha;
      if (!Sha256.matches(actual, file.sha256())) {
        throw new DownloadException(
            url.toString(),
            "the file's SHA-256"
                + (file.ofUncompressed() ? " (of its uncompressed bytes)" : "")
                + " is "
                + actual
                + " instead of "
                + file.sha256()
                + ", so it was not kept",
            null);
      }
      moveIntoPlace(temp, target);
      return target;
    } finally {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // Best effort: a leftover .part file is harmless, it is never read.
      }
    }
  }

  /** Streams {@code url} into {@code dest}; returns the SHA-256 of the bytes received. */
  private String fetch(URI url, Path dest) {
    HttpURLConnection conn = null;
    try {
      conn = (HttpURLConnection) url.toURL().openConnection();
      conn.setConnectTimeout(millis(connectTimeout));
      conn.setReadTimeout(millis(readTimeout));
      conn.setInstanceFollowRedirects(true);
      conn.setRequestProperty("User-Agent", "tfj-mnist");
      int status = conn.getResponseCode();
      if (status != HttpURLConnection.HTTP_OK) {
        String message = conn.getResponseMessage();
        throw new DownloadException(
            url.toString(),
            "the server answered HTTP " + status + (message == null ? "" : " " + message),
            null);
      }
      MessageDigest sha = Sha256.newDigest();
      try (InputStream in = new DigestInputStream(conn.getInputStream(), sha);
          OutputStream out = Files.newOutputStream(dest)) {
        in.transferTo(out);
      }
      return Sha256.hex(sha);
    } catch (DownloadException e) {
      throw e;
    } catch (ConnectException e) {
      throw new DownloadException(
          url.toString(),
          "could not connect to " + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
              + " (" + describe(e) + ")",
          e);
    } catch (UnknownHostException e) {
      throw new DownloadException(
          url.toString(), "the host " + e.getMessage() + " is unknown (no network?)", e);
    } catch (SocketTimeoutException e) {
      throw new DownloadException(
          url.toString(),
          "the server did not answer in time (connect timeout "
              + connectTimeout.toMillis()
              + " ms, read timeout "
              + readTimeout.toMillis()
              + " ms)",
          e);
    } catch (IOException | IllegalArgumentException e) {
      throw new DownloadException(url.toString(), describe(e), e);
    } finally {
      if (conn != null) {
        conn.disconnect();
      }
    }
  }

  private static String uncompressedSha256(Path file, URI url) {
    MessageDigest sha = Sha256.newDigest();
    try (InputStream in =
        new DigestInputStream(
            new GZIPInputStream(new BufferedInputStream(Files.newInputStream(file)), 1 << 16),
            sha)) {
      in.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw new DownloadException(
          url.toString(), "the file received is not valid gzip data (" + describe(e) + "), so it was not kept", e);
    }
    return Sha256.hex(sha);
  }

  private static void moveIntoPlace(Path temp, Path target) {
    try {
      AtomicFiles.move(temp, target);
    } catch (IOException e) {
      throw new TfjMnistException(
          "Could not move the downloaded file into place as " + target + ": " + e.getMessage() + ".",
          e);
    }
  }

  private static String describe(Exception e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static int millis(Duration d) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
  }

  private static URI withTrailingSlash(URI uri) {
    String s = uri.toString();
    return s.endsWith("/") ? uri : URI.create(s + "/");
  }
}
