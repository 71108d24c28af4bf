package io.tfjmnist.images.preprocessing;

import io.tfjmnist.images.decoding.DecodedImage;
import io.tfjmnist.images.decoding.ImageDecoder;
import io.tfjmnist.images.decoding.PillowImage;
import io.tfjmnist.images.decoding.PillowView;
import io.tfjmnist.tensors.JpegTurbo;
import io.tfjmnist.testing.PhotoSynth;

import io.tfjmnist.data.Dataset;
import io.tfjmnist.data.DatasetLocator;
import io.tfjmnist.data.DatasetName;
import io.tfjmnist.images.decoding.PhotoBuffers;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * {@code scripts/bench-photo-stages}: where a photo's time goes on its way to the model, stage by
 * stage, on one thread, over a corpus of photo-like 400 px JPEGs ({@link PhotoSynth}, as
 * {@code PhotoAccuracyIT} writes them). Each stage is timed on its own inputs (the previous stage's
 * outputs, made beforehand), several rounds in turn, and the median per-image time is printed.
 * A benchmark, not a test.
 */
public final class PhotoStagesBenchmark {
  private static final java.lang.management.ThreadMXBean THREADS =
      java.lang.management.ManagementFactory.getThreadMXBean();

  private PhotoStagesBenchmark() {}

  public static void main(String[] args) throws Exception {
    PhotoBuffers.reuseOnThisThread(); // as predict DIR's threads do
    Path dataDir = Path.of(args.length > 0 ? args[0] : "data");
    int count = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    Dataset test = DatasetLocator.fromEnvironment(dataDir).load(DatasetName.MNIST).test();
    List<byte[]> jpegs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      jpegs.add(PhotoSynth.jpeg(PhotoSynth.photoOf(test.image(i), 1000 + i, PhotoSynth.Options.DEFAULT), 0.85f));
    }
    List<DecodedImage> decoded = jpegs.stream().map(b -> ImageDecoder.decode(b, "photo.jpg")).toList();
    List<BufferedImage> imageIo = new ArrayList<>();
    for (byte[] b : jpegs) {
      imageIo.add(imageIoRead(b));
    }
    System.out.printf(Locale.ROOT, "%d photo-like JPEGs, mean %.0fx%.0f px, mean %.0f KB; one thread%n", count,
        decoded.stream().mapToInt(DecodedImage::width).average().orElse(0),
        decoded.stream().mapToInt(DecodedImage::height).average().orElse(0),
        jpegs.stream().mapToInt(b -> b.length).average().orElse(0) / 1024);

    List<Stage<?>> stages = List.of(
        // End to end first: the decoder may make its views on first use, so a preprocessing timed
        // on already-decoded images below may not include building the view it reads.
        new Stage<>("decode + predict-py, one photo end to end", jpegs,
            b -> Preprocessing.PREDICT_PY.apply(ImageDecoder.decode(b, "photo.jpg"))),
        new Stage<>("decode + mnist, one photo end to end", jpegs,
            b -> Preprocessing.MNIST.apply(ImageDecoder.decode(b, "photo.jpg"))),
        new Stage<>("ImageDecoder.decode (all of it)", jpegs, b -> ImageDecoder.decode(b, "photo.jpg")),
        new Stage<>("  libjpeg-turbo (TF DecodeJpeg) alone", jpegs, b -> JpegTurbo.shared().decode(b, 3)),
        new Stage<>("  ImageIO reader.read alone", jpegs, PhotoStagesBenchmark::imageIoRead),
        new Stage<>("  PillowView.of (RGB bands)", imageIo, bi -> PillowView.of(bi, PillowImage.Mode.RGB)),
        new Stage<>("  PillowView.storedArgb + argbImage", imageIo,
            bi -> DecodedImage.argbImage(bi.getWidth(), bi.getHeight(), PillowView.storedArgb(bi))),
        new Stage<>("predict-py preprocessing (all of it)", decoded, Preprocessing.PREDICT_PY::apply),
        new Stage<>("  PillowResize to 28x28, decoder's bytes", decoded, d -> {
          if (d.interleavedPixels() != null) {
            PillowResize.resize(d.interleavedPixels(), 28, 28);
          } else {
            PillowResize.resize(d.pixels(), 28, 28);
          }
        }),
        new Stage<>("  PillowResize to 28x28, Pillow's bands", decoded, d -> PillowResize.resize(d.pixels(), 28, 28)),
        new Stage<>("mnist preprocessing (all of it)", decoded, Preprocessing.MNIST::apply),
        new Stage<>("  Orientation + Luma", decoded,
            d -> Luma.ofArgb(Orientation.upright(d.image(), d.exifOrientation()))),
        new Stage<>("  ... + working size", decoded,
            d -> MnistPreprocessing.toWorkingSize(Luma.ofArgb(Orientation.upright(d.image(), d.exifOrientation())))),
        new Stage<>("  ... + grey panel, polarity", decoded, d -> {
          GrayPlane work = MnistPreprocessing.toWorkingSize(Luma.ofArgb(Orientation.upright(d.image(), d.exifOrientation())));
          Polarity.ink(work, Levels.of(work.toGrayImage()));
        }),
        new Stage<>("  ... + flattening", decoded, d -> {
          GrayPlane work = MnistPreprocessing.toWorkingSize(Luma.ofArgb(Orientation.upright(d.image(), d.exifOrientation())));
          Polarity.Ink ink = Polarity.ink(work, Levels.of(work.toGrayImage()));
          BackgroundFlattening.flatten(ink.plane(), ink.levels());
        }),
        new Stage<>("  ... + ink levels, components, framing", decoded, Preprocessing.MNIST::apply));

    for (Stage<?> s : stages) { // warm-up: let the JIT compile every stage first
      s.msPerImage();
      s.msPerImage();
    }
    int rounds = 5;
    double[][] ms = new double[stages.size()][rounds];
    for (int r = 0; r < rounds; r++) { // rounds alternate between stages, so noise hits all alike
      for (int s = 0; s < stages.size(); s++) {
        ms[s][r] = stages.get(s).msPerImage();
      }
    }
    for (int s = 0; s < stages.size(); s++) {
      double[] sorted = ms[s].clone();
      Arrays.sort(sorted);
      System.out.printf(Locale.ROOT, "%-44s %7.3f ms/image of CPU (median of %d rounds; min %.3f)%n",
          stages.get(s).name, sorted[rounds / 2], rounds, sorted[0]);
    }
  }

  static BufferedImage imageIoRead(byte[] jpeg) {
    ImageReader reader = ImageIO.getImageReadersByFormatName("jpeg").next();
    try (MemoryCacheImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(jpeg))) {
      reader.setInput(in, true, true);
      return reader.read(0);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } finally {
      reader.dispose();
    }
  }

  private record Stage<T>(String name, List<T> inputs, Consumer<T> work) {
    /** CPU time, not wall time: on a machine shared with other work, waiting for a core is not the stage's cost. */
    double msPerImage() {
      long t = THREADS.getCurrentThreadCpuTime();
      for (T in : inputs) {
        work.accept(in);
      }
      return (THREADS.getCurrentThreadCpuTime() - t) / 1e6 / inputs.size();
    }
  }
}
