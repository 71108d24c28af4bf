package io.tfjmnist.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.tfjmnist.TfjMnistException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads against a local HTTP server on 127.0.0.1; never the internet. */
class DatasetDownloaderTest {
  @TempDir Path tmp;

  private final Map<String, byte[]> served = new ConcurrentHashMap<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<String> log = new CopyOnWriteArrayList<>();
  private HttpServer server;
  private ExecutorService executor;

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    executor = Executors.newCachedThreadPool();
    server.setExecutor(executor);
    server.createContext("/", exchange -> {
      String name = exchange.getRequestURI().getPath().replaceFirst("^/keras/", "");
      requests.add(name);
      if (name.startsWith("slow")) {
        try {
          Thread.sleep(5_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      byte[] body = served.get(name);
      if (body == null) {
        exchange.sendResponseHeaders(404, -1);
      } else {
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
    executor.shutdownNow();
  }

  private URI base() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/keras/");
  }

  private DatasetDownloader downloader(Duration readTimeout) {
    return new DatasetDownloader(base(), Duration.ofSeconds(2), readTimeout, log::add);
  }

  private static List<Path> listing(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }

  @Test
  void downloadsFashionMnistIntoTheOwnCacheAndVerifiesIt() throws IOException {
    for (IdxFile f : IdxFile.values()) {
      served.put(f.gzFileName(), Files.readAllBytes(TestData.fashionDir().resolve(f.gzFileName())));
    }
    Path home = tmp.resolve("home");
    Map<String, String> env = Map.of(DatasetDownloader.BASE_URL_ENV, base().toString());
    DatasetLocator locator =
        new DatasetLocator(null, home, env, DatasetDownloader.fromEnvironment(env, log::add), true);

    MnistData data = locator.load(DatasetName.FASHION_MNIST);
    assertEquals(60_000, data.train().size());
    assertEquals(10_000, data.test().size());
    assertEquals(4, requests.size());
    Path cache = home.resolve(".cache/tfj-mnist/fashion_mnist");
    assertEquals(4, listing(cache).size(), "the four .gz files and no leftovers: " + listing(cache));
    assertTrue(log.get(0).startsWith("Downloading " + base()), log.get(0));

    // Found in the cache next time: no more requests.
    assertTrue(locator.locate(DatasetName.FASHION_MNIST) instanceof DatasetSource.IdxFiles);
    assertEquals(4, requests.size());
  }

  @Test
  void downloadsAnNpzAndChecksTheWholeFile() {
    byte[] npz = Fixtures.zip(Fixtures.mnistArrays(5, 2), true);
    served.put("mnist.npz", npz);
    Path dir = tmp.resolve("dl");
    Path file = downloader(Duration.ofSeconds(5))
        .download(new DatasetDownloader.RemoteFile("mnist.npz", Fixtures.sha256(npz), false), createDir(dir));
    assertArrayEquals(npz, readAll(file));
    assertEquals(5, NpzReader.read(file, DatasetName.MNIST).train().size());
  }

  @Test
  void onlyMissingFilesAreFetched() throws IOException {
    byte[] a = Fixtures.gzip("a".getBytes());
    byte[] b = Fixtures.gzip("b".getBytes());
    served.put("a.gz", a);
    served.put("b.gz", b);
    Path dir = tmp.resolve("partial");
    Fixtures.write(dir.resolve("a.gz"), a);
    downloader(Duration.ofSeconds(5)).download(
        List.of(
            new DatasetDownloader.RemoteFile("a.gz", Fixtures.sha256("a".getBytes()), true),
            new DatasetDownloader.RemoteFile("b.gz", Fixtures.sha256("b".getBytes()), true)),
        dir);
    assertEquals(List.of("b.gz"), requests);
    assertArrayEquals(b, Files.readAllBytes(dir.resolve("b.gz")));
  }

  @Test
  void aChecksumMismatchKeepsNothing() throws IOException {
    served.put("mnist.npz", "<html>captive portal</html>".getBytes());
    Path dir = tmp.resolve("cache");
    DownloadException e =
        assertThrows(DownloadException.class, () -> downloader(Duration.ofSeconds(5)).download(DatasetName.MNIST, dir));
    assertTrue(e.getMessage().startsWith("Could not download " + base() + "mnist.npz: the file's SHA-256 is "), e.getMessage());
    assertTrue(e.getMessage().contains("instead of " + DatasetName.MNIST.npzSha256().orElseThrow()), e.getMessage());
    assertTrue(e.getMessage().endsWith("so it was not kept."), e.getMessage());
    assertEquals(List.of(), listing(dir), "neither mnist.npz nor a .part file may be left");
  }

  @Test
  void gzipFilesAreCheckedByTheirUncompressedBytes() throws IOException {
    byte[] contents = "not fashion".getBytes();
    served.put("x.gz", Fixtures.gzip(contents));
    served.put("y.gz", contents); // not gzip at all
    Path dir = createDir(tmp.resolve("gz"));
    DatasetDownloader d = downloader(Duration.ofSeconds(5));
    DownloadException e = assertThrows(DownloadException.class,
        () -> d.download(new DatasetDownloader.RemoteFile("x.gz", Fixtures.sha256(Fixtures.gzip(contents)), true), dir));
    assertTrue(e.getMessage().contains("SHA-256 (of its uncompressed bytes) is " + Fixtures.sha256(contents)), e.getMessage());
    e = assertThrows(DownloadException.class,
        () -> d.download(new DatasetDownloader.RemoteFile("y.gz", Fixtures.sha256(contents), true), dir));
    assertTrue(e.getMessage().contains("is not valid gzip data"), e.getMessage());
    assertEquals(List.of(), listing(dir));
  }

  @Test
  void http404() throws IOException {
    Path dir = tmp.resolve("cache");
    DownloadException e =
        assertThrows(DownloadException.class, () -> downloader(Duration.ofSeconds(5)).download(DatasetName.MNIST, dir));
    assertEquals("the server answered HTTP 404 Not Found", e.reason());
    assertEquals(List.of(), listing(dir));
  }

  @Test
  void theLocatorFoldsADownloadFailureIntoOneMessage() {
    Path home = tmp.resolve("home");
    DatasetLocator locator =
        new DatasetLocator(null, home, Map.of(), downloader(Duration.ofSeconds(5)), true);
    TfjMnistException e = assertThrows(TfjMnistException.class, () -> locator.locate(DatasetName.MNIST));
    String m = e.getMessage();
    assertTrue(m.startsWith("Found no mnist data: no data folder was given, TFJ_MNIST_DATA is not set, nothing usable is in "), m);
    assertTrue(m.contains(home.resolve(".keras/datasets").toString()), m);
    assertTrue(m.contains(home.resolve(".cache/tfj-mnist/mnist").toString()), m);
    assertTrue(m.contains(" or " + home.resolve(".cache/tfj-mnist/mnist") + ", nor in their mnist/ subfolders, "), m);
    assertTrue(m.contains("and downloading " + base() + "mnist.npz failed: the server answered HTTP 404 Not Found; give a data folder"), m);
    assertTrue(m.endsWith("or copy mnist.npz into " + home.resolve(".keras/datasets") + "."), m);
  }

  @Test
  void serverDown() {
    URI base = base();
    server.stop(0);
    DatasetDownloader d = new DatasetDownloader(base, Duration.ofSeconds(2), Duration.ofSeconds(2), log::add);
    DownloadException e = assertThrows(DownloadException.class, () -> d.download(DatasetName.MNIST, tmp.resolve("c")));
    assertTrue(e.reason().startsWith("could not connect to 127.0.0.1:" + base.getPort()), e.reason());
  }

  @Test
  void aStalledServerTimesOut() {
    served.put("slow.npz", new byte[10]);
    long start = System.nanoTime();
    DownloadException e = assertThrows(DownloadException.class,
        () -> downloader(Duration.ofMillis(300))
            .download(new DatasetDownloader.RemoteFile("slow.npz", "00", false), createDir(tmp.resolve("t"))));
    assertTrue(e.reason().startsWith("the server did not answer in time"), e.reason());
    assertTrue(System.nanoTime() - start < 4_000_000_000L, "the read timeout was not applied");
  }

  @Test
  void baseUrlFromTheEnvironment() {
    assertEquals(DatasetDownloader.DEFAULT_BASE_URL, DatasetDownloader.fromEnvironment(Map.of(), log::add).baseUrl());
    DatasetDownloader mirror =
        DatasetDownloader.fromEnvironment(Map.of(DatasetDownloader.BASE_URL_ENV, "http://127.0.0.1:1/mirror"), log::add);
    assertEquals(URI.create("http://127.0.0.1:1/mirror/mnist.npz"), mirror.urlOf("mnist.npz"));
    assertEquals(
        URI.create("https://storage.googleapis.com/tensorflow/tf-keras-datasets/train-labels-idx1-ubyte.gz"),
        DatasetDownloader.fromEnvironment(Map.of(), log::add).urlOf("train-labels-idx1-ubyte.gz"));
    TfjMnistException e = assertThrows(TfjMnistException.class,
        () -> DatasetDownloader.fromEnvironment(Map.of(DatasetDownloader.BASE_URL_ENV, "not a url"), log::add));
    assertTrue(e.getMessage().startsWith("TFJ_MNIST_BASE_URL"), e.getMessage());
    assertFalse(e.getMessage().isBlank());
  }

  private static Path createDir(Path dir) {
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static byte[] readAll(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
