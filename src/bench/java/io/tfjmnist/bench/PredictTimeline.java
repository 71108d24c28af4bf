package io.tfjmnist.bench;

import io.tfjmnist.images.decoding.ImageDecoder;
import io.tfjmnist.images.decoding.PhotoBuffers;
import io.tfjmnist.images.preprocessing.PhotoCorpus;
import io.tfjmnist.images.preprocessing.Preprocessing;
import io.tfjmnist.inference.ImageClassifier;
import io.tfjmnist.tensors.NativeWarmUp;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.tensorflow.TensorFlow;

/**
 * When a fresh {@code predict DIR}'s milestones happen, in milliseconds from the JVM's start: TF's
 * natives ready, the checkpoint read (where {@code predict}'s timed window starts), the 1st, 10th,
 * 50th, 100th and 250th photo decoded and preprocessed, each batch classified (and its images/s
 * since the batch before), the end. It makes the calls {@code predict} makes, in its order
 * ({@code NativeWarmUp}, {@code ImageClassifier.fromCheckpoint}, then {@code classifyAll}'s batches
 * of 256 decoded on the common pool), with a clock on each photo, which {@code classifyAll} has no
 * place for; TF's natives are always loaded in the background, the warm-ups after them ({@code ImageDecoder.warmUpFor}: the JPEG decoder's
 * session; {@code ImageClassifier.prepareFor}: the model's first run) can be left out, to see what
 * each takes off the window. A benchmark, not a test.
 * Usage: {@code PredictTimeline PHOTO_DIR WEIGHTS PREPROCESSING [WARM_UPS]}: WARM_UPS those of
 * {@code predict} to make, {@code decoder,model} (the default, as {@code predict} does), {@code
 * decoder}, {@code model} or {@code none}.
 */
public final class PredictTimeline {
  private static final int BATCH = 256;
  private static final int[] MARKS = {1, 10, 50, 100, 250};

  private PredictTimeline() {}

  public static void main(String[] args) throws Exception {
    long jvmStartMs = ManagementFactory.getRuntimeMXBean().getStartTime();
    long nanoAtJvmStart = System.nanoTime() - (System.currentTimeMillis() - jvmStartMs) * 1_000_000L;
    List<String> warmUps = List.of((args.length > 3 ? args[3] : "decoder,model").split(","));
    boolean decoderWarmUp = warmUps.contains("decoder");
    long entered = System.nanoTime();
    NativeWarmUp.start();
    long[] natives = {0};
    Thread watcher = new Thread(() -> {
      TensorFlow.version(); // returns once the warm-up thread's class initialisation is over
      natives[0] = System.nanoTime();
    }, "natives-watcher");
    watcher.setDaemon(true);
    watcher.start();
    List<Path> files = PhotoCorpus.photos(Path.of(args[0]));
    if (decoderWarmUp) {
      ImageDecoder.warmUpFor(files);
    }
    Preprocessing preprocessing = Preprocessing.byName(args[2]);
    List<String> lines = new ArrayList<>();
    try (ImageClassifier classifier = ImageClassifier.fromCheckpoint(Path.of(args[1]), preprocessing)) {
      long windowStart = System.nanoTime();
      if (warmUps.contains("model")) {
        classifier.prepareFor(files.size()); // as classifyAll does
      }
      long[] done = new long[files.size()];
      long previous = windowStart;
      for (int start = 0; start < files.size(); start += BATCH) {
        int from = start;
        List<Path> chunk = files.subList(start, Math.min(files.size(), start + BATCH));
        float[][] inputs = new float[chunk.size()][];
        IntStream.range(0, chunk.size()).parallel().forEach(i -> {
          PhotoBuffers.reuseOnThisThread(); // as classifyAll does
          inputs[i] = preprocessing.apply(chunk.get(i)).input();
          done[from + i] = System.nanoTime();
        });
        long decoded = System.nanoTime();
        classifier.classify(Arrays.asList(inputs));
        long classified = System.nanoTime();
        // The batch's rate from the end of the batch before: once TF's start and the JIT are behind
        // it, a long run's rate approaches this.
        lines.add(String.format(Locale.ROOT, "photos %d-%d: decoded and preprocessed by %.0f ms, classified %.0f ms later;"
                + " %.0f images/s since the batch before",
            start, start + chunk.size() - 1, (decoded - nanoAtJvmStart) / 1e6, (classified - decoded) / 1e6,
            chunk.size() / ((classified - previous) / 1e9)));
        previous = classified;
      }
      long end = System.nanoTime();
      watcher.join();
      long[] sorted = done.clone();
      Arrays.sort(sorted);
      StringBuilder photos = new StringBuilder();
      for (int m : MARKS) {
        if (m <= sorted.length) {
          photos.append(String.format(Locale.ROOT, "%s%d: %.0f", photos.length() == 0 ? "" : ", ", m,
              (sorted[m - 1] - nanoAtJvmStart) / 1e6));
        }
      }
      System.out.printf(Locale.ROOT, "%s: main at %.0f ms, TF's natives ready %.0f, checkpoint read (window starts) %.0f;"
              + " photos done (n-th: ms) %s; end %.0f ms: window %.2f s, %.0f images/s%n",
          "warm-ups " + String.join(",", warmUps),
          (entered - nanoAtJvmStart) / 1e6, (natives[0] - nanoAtJvmStart) / 1e6,
          (windowStart - nanoAtJvmStart) / 1e6, photos, (end - nanoAtJvmStart) / 1e6,
          (end - windowStart) / 1e9, files.size() / ((end - windowStart) / 1e9));
      lines.forEach(l -> System.out.println("  " + l));
    }
  }
}
