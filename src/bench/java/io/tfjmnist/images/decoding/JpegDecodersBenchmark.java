package io.tfjmnist.images.decoding;

import io.tfjmnist.images.preprocessing.Preprocessing;
import io.tfjmnist.testing.PhotoSynth;

import io.tfjmnist.data.Dataset;
import io.tfjmnist.data.DatasetLocator;
import io.tfjmnist.data.DatasetName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.image.DecodeJpeg;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/**
 * {@code scripts/bench-jpeg-decoders}: does TF's own {@code DecodeJpeg} (libjpeg-turbo, inside the
 * native library already loaded) give the pixels the decoder's ImageIO path gives, and how
 * fast is each, on photo-like JPEGs. Writes each photo and its decoded RGB (ImageIO, TF with
 * {@code dct_method} "" and "INTEGER_ACCURATE") and its predict-py 28x28 to OUT_DIR, for the script's
 * comparison with Pillow.
 * Usage: {@code JpegDecodersBenchmark DATA_DIR OUT_DIR COUNT}. A benchmark, not a test.
 */
public final class JpegDecodersBenchmark {
  private JpegDecodersBenchmark() {}

  public static void main(String[] args) throws Exception {
    Dataset test = DatasetLocator.fromEnvironment(Path.of(args[0])).load(DatasetName.MNIST).test();
    Path out = Files.createDirectories(Path.of(args[1]));
    int count = Integer.parseInt(args[2]);
    List<byte[]> jpegs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] jpeg = PhotoSynth.jpeg(PhotoSynth.photoOf(test.image(i), 1000 + i, PhotoSynth.Options.DEFAULT), 0.85f);
      jpegs.add(jpeg);
      Files.write(out.resolve(String.format(Locale.ROOT, "photo-%05d.jpg", i)), jpeg);
    }
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TString> in = tf.placeholder(TString.class);
      DecodeJpeg fast = tf.image.decodeJpeg(in, DecodeJpeg.channels(3L), DecodeJpeg.dctMethod(""));
      DecodeJpeg accurate = tf.image.decodeJpeg(in, DecodeJpeg.channels(3L), DecodeJpeg.dctMethod("INTEGER_ACCURATE"));
      // One TF thread: the decode is one image's work, as it would be per core in predict DIR.
      ConfigProto one = ConfigProto.newBuilder().setIntraOpParallelismThreads(1).setInterOpParallelismThreads(1).build();
      try (Session s = new Session(g, one)) {
        int[] differing = new int[2];
        int[] maxDiff = new int[2];
        for (int i = 0; i < count; i++) {
          // ImageIO's path explicitly: ImageDecoder.decode itself now takes libjpeg-turbo's for these.
          DecodedImage decoded = ImageDecoder.decodeWithImageIo(jpegs.get(i), "photo", ImageFormat.JPEG);
          byte[] imageIo = interleavedRgb(decoded.pixels());
          Files.write(out.resolve(String.format(Locale.ROOT, "photo-%05d.imageio.rgb", i)), imageIo);
          int[] gray = Preprocessing.PREDICT_PY.apply(decoded).gray().getRaster().getSamples(0, 0, 28, 28, 0, (int[]) null);
          byte[] grayBytes = new byte[gray.length];
          for (int k = 0; k < gray.length; k++) {
            grayBytes[k] = (byte) gray[k];
          }
          Files.write(out.resolve(String.format(Locale.ROOT, "photo-%05d.predict-py.gray", i)), grayBytes);
          DecodeJpeg[] ops = {fast, accurate};
          String[] names = {"tf-default", "tf-accurate"};
          for (int k = 0; k < 2; k++) {
            byte[] rgb = decode(s, in, ops[k], jpegs.get(i));
            Files.write(out.resolve(String.format(Locale.ROOT, "photo-%05d.%s.rgb", i, names[k])), rgb);
            int d = maxAbsDiff(imageIo, rgb);
            differing[k] += d > 0 ? 1 : 0;
            maxDiff[k] = Math.max(maxDiff[k], d);
          }
        }
        System.out.printf(Locale.ROOT, "TF DecodeJpeg dct_method \"\" vs ImageIO: %d of %d photos differ, max |diff| %d levels%n",
            differing[0], count, maxDiff[0]);
        System.out.printf(Locale.ROOT, "TF DecodeJpeg dct_method \"INTEGER_ACCURATE\" vs ImageIO: %d of %d photos differ, max |diff| %d levels%n",
            differing[1], count, maxDiff[1]);
        int rounds = 5;
        double[] tfMs = new double[rounds];
        double[] ioMs = new double[rounds];
        for (int r = 0; r < rounds + 1; r++) { // round 0 warms up; then the two alternate
          long t = System.nanoTime();
          for (byte[] b : jpegs) {
            decode(s, in, accurate, b);
          }
          double tfRound = (System.nanoTime() - t) / 1e6 / count;
          t = System.nanoTime();
          for (byte[] b : jpegs) {
            ImageDecoder.decodeWithImageIo(b, "photo", ImageFormat.JPEG);
          }
          double ioRound = (System.nanoTime() - t) / 1e6 / count;
          if (r > 0) {
            tfMs[r - 1] = tfRound;
            ioMs[r - 1] = ioRound;
          }
        }
        Arrays.sort(tfMs);
        Arrays.sort(ioMs);
        System.out.printf(Locale.ROOT, "per photo, median of %d rounds (wall): TF DecodeJpeg INTEGER_ACCURATE to RGB bytes"
            + " %.3f ms; the decoder's ImageIO path (ImageIO, Pillow view and ARGB) %.3f ms%n", rounds, tfMs[rounds / 2], ioMs[rounds / 2]);
      }
    }
  }

  private static byte[] decode(Session s, Placeholder<TString> in, DecodeJpeg op, byte[] jpeg) {
    try (TString t = TString.tensorOfBytes(NdArrays.scalarOfObject(jpeg));
        Result r = s.runner().feed(in, t).fetch(op).run()) {
      TUint8 image = (TUint8) r.get(0);
      byte[] rgb = new byte[(int) image.size()];
      image.asRawTensor().data().read(rgb);
      return rgb;
    }
  }

  private static byte[] interleavedRgb(PillowImage p) {
    int n = p.width * p.height;
    byte[] rgb = new byte[3 * n];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < 3; c++) {
        rgb[3 * i + c] = p.bands[c][i];
      }
    }
    return rgb;
  }

  private static int maxAbsDiff(byte[] a, byte[] b) {
    if (a.length != b.length) {
      return 256;
    }
    int m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs((a[i] & 0xFF) - (b[i] & 0xFF)));
    }
    return m;
  }
}
