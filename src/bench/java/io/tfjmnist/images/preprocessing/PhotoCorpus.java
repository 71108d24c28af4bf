package io.tfjmnist.images.preprocessing;

import io.tfjmnist.testing.PhotoSynth;

import io.tfjmnist.keras.WeightsCheckpoint;
import io.tfjmnist.data.Dataset;
import io.tfjmnist.data.DatasetLocator;
import io.tfjmnist.data.DatasetName;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.optimizers.Adam;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Writes the folder {@code scripts/bench-predict-dir} runs {@code predict} on: photo-like JPEGs of
 * the first MNIST test digits ({@link PhotoSynth}, as {@code PhotoAccuracyIT} makes them) and, when
 * no weights are given, a checkpoint of random (Glorot) weights: speed does not depend on them.
 * {@code --size PX} scales every photo to PX x PX (the synthesised ones are about 530 px and not
 * square), for figures at another photo size.
 * Usage: {@code PhotoCorpus [--size PX] DATA_DIR OUT_DIR COUNT [WEIGHTS_PREFIX_TO_WRITE]}.
 */
public final class PhotoCorpus {
  private PhotoCorpus() {}

  public static void main(String[] args) throws Exception {
    int size = 0;
    if (args.length > 1 && args[0].equals("--size")) {
      size = Integer.parseInt(args[1]);
      args = Arrays.copyOfRange(args, 2, args.length);
    }
    Dataset test = DatasetLocator.fromEnvironment(Path.of(args[0])).load(DatasetName.MNIST).test();
    Path out = Files.createDirectories(Path.of(args[1]));
    int count = Integer.parseInt(args[2]);
    for (int i = 0; i < count; i++) {
      BufferedImage photo = PhotoSynth.photoOf(test.image(i), 1000 + i, PhotoSynth.Options.DEFAULT);
      byte[] jpeg = PhotoSynth.jpeg(size > 0 ? scaled(photo, size) : photo, 0.85f);
      Files.write(out.resolve(String.format(Locale.ROOT, "photo-%05d.jpg", i)), jpeg);
    }
    if (args.length > 3) {
      ModelArchitecture arch = ModelArchitecture.quickstartCnn();
      WeightsCheckpoint.save(Path.of(args[3]), ModelWeights.glorotUniform(arch, 1), null, Adam.kerasDefaults());
    }
  }

  /** The photos in {@code dir}, as {@link #main} names them, in name order (the order they were made). */
  public static List<Path> photos(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }

  private static BufferedImage scaled(BufferedImage photo, int side) {
    BufferedImage out = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(photo, 0, 0, side, side, null);
    g.dispose();
    return out;
  }
}
