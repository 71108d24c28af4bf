package io.tfjmnist.serving;

import io.tfjmnist.images.decoding.ImageDecoder;
import io.tfjmnist.images.decoding.JpegInfo;
import io.tfjmnist.images.preprocessing.Preprocessing;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;

/**
 * What `serve`'s own code costs a {@code {"b64": PHOTO}} request beside the photo's decode and
 * preprocessing (a benchmark, not a test): CPU µs per request on one thread, medians of rounds that
 * take the stages in turn, after a warm-up long enough for the JIT. The model run, Jetty and the
 * socket are not here (scripts/profile-serve-b64 measures the whole server).
 *
 * <p>Usage: {@code scripts/bench-serve-path [PHOTO]}
 */
public final class RequestPathBench {
  private RequestPathBench() {}

  private interface Stage {
    Object run();
  }

  public static void main(String[] args) throws Exception {
    byte[] photo = Files.readAllBytes(Path.of(args[0]));
    byte[] body = ("{\"instances\": [{\"b64\": \"" + Base64.getEncoder().encodeToString(photo) + "\"}]}")
        .getBytes(StandardCharsets.US_ASCII);
    float[] none = new float[784];
    PredictParser parser = new PredictParser(784, "image", (bytes, where) -> none);
    float[] probs = new float[10];
    String[] names = {
        "strict UTF-8 check of the body", "JSON parsing and base64 (the image step left out)",
        "budget: ImageDecoder.dimensions", "budget: JpegInfo.scanCount", "the answer's JSON",
        "decode + predict-py preprocessing", "decode + mnist preprocessing"};
    Stage[] stages = {
        () -> {
          ApiHandler.requireStrictUtf8(body);
          return body;
        },
        () -> parser.parse(body),
        () -> ImageDecoder.dimensions(photo, "photo"),
        () -> JpegInfo.scanCount(photo),
        () -> Replies.predictions(false, probs, 1),
        () -> Preprocessing.PREDICT_PY.apply(ImageDecoder.decode(photo, "photo")).input(),
        () -> Preprocessing.MNIST.apply(ImageDecoder.decode(photo, "photo")).input()};
    int[] reps = {2000, 2000, 2000, 2000, 2000, 100, 50};
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    int rounds = 7;
    double[][] micros = new double[stages.length][rounds];
    Object sink = null;
    for (int round = -8; round < rounds; round++) { // eight rounds of warm-up, for C2
      for (int s = 0; s < stages.length; s++) {
        long t0 = cpu.getCurrentThreadCpuTime();
        for (int i = 0; i < reps[s]; i++) {
          sink = stages[s].run();
        }
        if (round >= 0) {
          micros[s][round] = (cpu.getCurrentThreadCpuTime() - t0) / 1e3 / reps[s];
        }
      }
    }
    System.out.printf(Locale.ROOT, "photo %s: %d bytes, body %d bytes; CPU µs per request, medians of %d rounds%s%n",
        args[0], photo.length, body.length, rounds, sink == null ? "" : "");
    for (int s = 0; s < stages.length; s++) {
      Arrays.sort(micros[s]);
      System.out.printf(Locale.ROOT, "%10.1f  %s%n", micros[s][rounds / 2], names[s]);
    }
  }
}
