package io.tfjmnist.images.preprocessing;

import io.tfjmnist.images.decoding.DecodedImage;
import io.tfjmnist.images.decoding.ImageDecoder;
import io.tfjmnist.testing.PhotoSynth;

import io.tfjmnist.data.Dataset;
import io.tfjmnist.data.DatasetLocator;
import io.tfjmnist.data.DatasetName;
import io.tfjmnist.images.decoding.PhotoBuffers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * {@code scripts/preprocessing-digests}: one line per image with SHA-256 prefixes of what decoding and
 * both preprocessings make of it (the decoded colours; each preprocessing's model input and grey
 * panel), for speed work that must not change a bit: run it on two builds and diff the outputs.
 * Images: COUNT photo-like JPEGs (every third one small, 28-100 px) and every decodable file
 * under {@code src/test/resources}.
 */
public final class PreprocessingDigests {
  private PreprocessingDigests() {}

  public static void main(String[] args) throws IOException {
    PhotoBuffers.reuseOnThisThread(); // as predict DIR's threads do
    Dataset test = DatasetLocator.fromEnvironment(Path.of(args[0])).load(DatasetName.MNIST).test();
    int count = Integer.parseInt(args[1]);
    PhotoSynth.Options small = new PhotoSynth.Options(28, 60, 0, 20, 6.0, 0.3, true);
    Map<String, byte[]> files = new TreeMap<>();
    for (int i = 0; i < count; i++) {
      files.put("photo" + i + ".jpg", PhotoSynth.jpeg(
          PhotoSynth.photoOf(test.image(i), 1000 + i, i % 3 == 0 ? small : PhotoSynth.Options.DEFAULT), 0.85f));
    }
    try (Stream<Path> s = Files.walk(Path.of("src/test/resources"))) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        files.put(p.toString(), Files.readAllBytes(p));
      }
    }
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      DecodedImage d;
      try {
        d = ImageDecoder.decode(e.getValue(), e.getKey());
      } catch (RuntimeException notAnImage) {
        continue;
      }
      StringBuilder line = new StringBuilder(e.getKey());
      MessageDigest colours = sha256();
      for (int p : d.image().getRGB(0, 0, d.width(), d.height(), null, 0, d.width())) {
        colours.update(new byte[] {(byte) (p >> 24), (byte) (p >> 16), (byte) (p >> 8), (byte) p});
      }
      line.append(" argb=").append(hex(colours)).append(" mode=").append(d.pixels().mode());
      for (Preprocessing pp : Preprocessing.values()) {
        try {
          PreprocessedImage r = pp.apply(d);
          MessageDigest md = sha256();
          for (float f : r.input()) {
            int b = Float.floatToRawIntBits(f);
            md.update(new byte[] {(byte) (b >> 24), (byte) (b >> 16), (byte) (b >> 8), (byte) b});
          }
          for (int v : r.gray().getRaster().getSamples(0, 0, r.gray().getWidth(), r.gray().getHeight(), 0, (int[]) null)) {
            md.update((byte) v);
          }
          line.append(' ').append(pp.id()).append('=').append(hex(md));
        } catch (RuntimeException refused) {
          line.append(' ').append(pp.id()).append("=refused: ").append(refused.getMessage());
        }
      }
      System.out.println(line);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hex(MessageDigest md) {
    return HexFormat.of().formatHex(md.digest()).substring(0, 16);
  }
}
