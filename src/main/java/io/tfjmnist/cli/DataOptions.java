package io.tfjmnist.cli;

import io.tfjmnist.data.Dataset;
import io.tfjmnist.data.DatasetLocator;
import io.tfjmnist.data.DatasetName;
import io.tfjmnist.data.MnistData;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Flags that say which data set to use and where it lives. */
final class DataOptions {
  @Option(names = "--dataset", defaultValue = "mnist", paramLabel = "NAME",
      description = "mnist or fashion_mnist (default: ${DEFAULT-VALUE}).")
  String dataset;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Folder with the IDX files or mnist.npz. Otherwise: $TFJ_MNIST_DATA, ~/.keras/datasets, "
          + "~/.cache/tfj-mnist, then a download.")
  Path dataDir;

  @Option(names = "--train-size", paramLabel = "N",
      description = "Use only the first N training images (quick runs).")
  Integer trainSize;

  @Option(names = "--test-size", paramLabel = "N",
      description = "Use only the first N test images.")
  Integer testSize;

  MnistData load() {
    // A first run downloads the data: say so on stderr, where the library only logs it.
    MnistData data = DatasetLocator.fromEnvironment(dataDir, System.err::println).load(DatasetName.parse(dataset));
    return new MnistData(data.dataset(), limit(data.train(), trainSize, "--train-size"),
        limit(data.test(), testSize, "--test-size"), data.origin());
  }

  private static Dataset limit(Dataset d, Integer n, String flag) {
    if (n == null) {
      return d;
    }
    if (n < 1) {
      throw new io.tfjmnist.TfjMnistException(flag + " must be at least 1, got " + n);
    }
    return n >= d.size() ? d : d.take(n);
  }
}
