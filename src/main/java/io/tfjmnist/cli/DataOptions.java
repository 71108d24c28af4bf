package io.tfjmnist.cli;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.data.Dataset;
import io.tfjmnist.data.DatasetLocator;
import io.tfjmnist.data.DatasetName;
import io.tfjmnist.data.MnistData;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Flags that say which data set to use and where it lives. */
final class DataOptions {
  @Option(names = "--dataset", defaultValue = "mnist", paramLabel = "NAME", converter = DatasetNameConverter.class,
      description = "mnist or fashion_mnist (default: ${DEFAULT-VALUE}).")
  DatasetName dataset;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Folder with the IDX files or mnist.npz. Otherwise: $TFJ_MNIST_DATA, ~/.keras/datasets, "
          + "~/.cache/tfj-mnist, the MNIST copy in the jar, then a download.")
  Path dataDir;

  @Option(names = "--train-size", paramLabel = "N",
      description = "Use only the first N training images (quick runs).")
  Integer trainSize;

  @Option(names = "--test-size", paramLabel = "N",
      description = "Use only the first N test images.")
  Integer testSize;

  @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
  CommandLine.Model.CommandSpec mixee;

  /** Checks the values picocli cannot: a bad one is a usage error (exit 2), found before any work. */
  void validate() {
    for (var size : new Object[][] {{"--train-size", trainSize}, {"--test-size", testSize}}) {
      Integer n = (Integer) size[1];
      if (n != null && n < 1) {
        throw new CommandLine.ParameterException(mixee.commandLine(), size[0] + " must be at least 1, got " + n + ".");
      }
    }
  }

  MnistData load() {
    validate();
    if (dataDir != null && !Files.exists(dataDir)) {
      throw new TfjMnistException("--data-dir " + dataDir + " does not exist.");
    }
    MnistData data;
    try {
      // A first run downloads the data: say so on stderr, where the library only logs it.
      data = DatasetLocator.fromEnvironment(dataDir, System.err::println).load(dataset);
    } catch (DatasetLocator.DataNotFoundException e) {
      throw new TfjMnistException(e.getMessage() + " Give the data folder with --data-dir DIR.", e);
    }
    return new MnistData(data.dataset(), limit(data.train(), trainSize), limit(data.test(), testSize), data.origin());
  }

  private static Dataset limit(Dataset d, Integer n) {
    return n == null || n >= d.size() ? d : d.take(n);
  }

  /** {@code --dataset bogus} is a bad flag value: picocli reports it and exits 2. */
  static final class DatasetNameConverter implements CommandLine.ITypeConverter<DatasetName> {
    @Override
    public DatasetName convert(String value) {
      try {
        return DatasetName.parse(value);
      } catch (TfjMnistException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
