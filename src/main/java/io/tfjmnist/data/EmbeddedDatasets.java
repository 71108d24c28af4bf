package io.tfjmnist.data;

import io.tfjmnist.TfjMnistException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The data sets that travel with the product: MNIST's four {@code .gz} files (11 MB, the
 * repository's {@code data/mnist/}) are packaged into {@code tfj-mnist.jar} under
 * {@code io/tfjmnist/data/embedded/<name>/}, so a fresh clone trains offline. Fashion-MNIST
 * (30 MB) is not embedded. The files are read in place (a folder on the class path, or the jar
 * through Java's zip file system), with the same SHA-256 checks as any other copy.
 */
public final class EmbeddedDatasets {
  static final String RESOURCE_ROOT = "/io/tfjmnist/data/embedded/";

  private EmbeddedDatasets() {}

  /** The packaged copy of {@code dataset}, if this build carries one. */
  public static Optional<DatasetSource.IdxFiles> find(DatasetName dataset) {
    String first = RESOURCE_ROOT + dataset.kerasName() + "/" + IdxFile.TRAIN_IMAGES.gzFileName();
    URL url = EmbeddedDatasets.class.getResource(first);
    if (url == null) {
      return Optional.empty();
    }
    return DatasetSource.IdxFiles.in(dataset, folderOf(url));
  }

  private static Path folderOf(URL url) {
    try {
      URI uri = url.toURI();
      if ("jar".equals(uri.getScheme())) {
        return jarFileSystem(uri).provider().getPath(uri).getParent();
      }
      return Path.of(uri).getParent();
    } catch (URISyntaxException | IOException | RuntimeException e) {
      throw new TfjMnistException("The MNIST copy packaged with tfj-mnist (" + url + ") cannot be opened: "
          + e.getMessage() + ".", e);
    }
  }

  /**
   * The jar's zip file system, opened once and kept open for the life of the JVM: the data is
   * read lazily from the paths it hands out.
   */
  private static synchronized FileSystem jarFileSystem(URI uri) throws IOException {
    try {
      return FileSystems.newFileSystem(uri, Map.of());
    } catch (FileSystemAlreadyExistsException e) {
      return FileSystems.getFileSystem(uri);
    }
  }
}
