package io.tfjmnist.cli;

import io.tfjmnist.data.Dataset;
import io.tfjmnist.data.MnistData;
import io.tfjmnist.figures.DigitFigure;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code show}: the quickstart's {@code np.hstack(x_test[:3])} check: the first images side by side with their labels. */
@Command(name = "show", mixinStandardHelpOptions = true,
    description = "Print the labels of the first test images and draw them side by side (MNIST test: 7 2 1).")
final class ShowCommand implements Callable<Integer> {
  @Option(names = "--count", defaultValue = "3", description = "How many images (default: ${DEFAULT-VALUE}).")
  int count;

  @Option(names = "--split", defaultValue = "test", description = "test or train (default: ${DEFAULT-VALUE}).")
  String split;

  @Option(names = "--plot", paramLabel = "PNG", description = "Write the images side by side as a PNG.")
  Path plot;

  @Mixin
  DataOptions data;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (count < 1 || count > 100) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--count must be between 1 and 100, got " + count);
    }
    if (!split.equals("test") && !split.equals("train")) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--split must be test or train, got " + split);
    }
    MnistData mnist = data.load();
    Dataset d = split.equals("test") ? mnist.test() : mnist.train();
    int n = Math.min(count, d.size());
    List<byte[]> images = new ArrayList<>();
    int[] labels = new int[n];
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < n; i++) {
      images.add(d.image(i));
      labels[i] = d.label(i);
      line.append(i == 0 ? "" : " ").append(labels[i]);
    }
    spec.commandLine().getOut().println(line);
    if (plot != null) {
      DigitFigure.write(DigitFigure.stripOfBytes(images, labels), plot);
      spec.commandLine().getOut().println("Wrote " + plot);
    }
    spec.commandLine().getOut().flush();
    return 0;
  }
}
