package io.tfjmnist.images.preprocessing;

import io.tfjmnist.images.decoding.DecodedImage;
import io.tfjmnist.images.decoding.ImageDecoder;
import io.tfjmnist.images.decoding.PhotoBuffers;
import io.tfjmnist.tensors.JpegTurbo;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.tensorflow.TensorFlow;

/**
 * How a fresh JVM's first photos cost more than its later ones: decodes and preprocesses a folder
 * of photos once, in name order on one thread (TF's natives and the decoder's session made first),
 * and prints, for each group of photos, the thread's CPU milliseconds per photo for the decode and
 * for the preprocessing, and the heap the JVM has committed by then. CPU time, not wall time, so
 * that other work on the machine does not enter; page faults on memory touched for the first time
 * count, as system time of the thread that touches it. Run it in fresh JVMs with and without JVM
 * options ({@code scripts/bench-first-photos}). A benchmark, not a test.
 * With {@code classes-first}, the decoder's Java classes are loaded before TF's natives, as
 * {@code predict} does it on the thread that waits for them; the time to make the decoder's session
 * after the natives is printed either way.
 * Usage: {@code FirstPhotosBenchmark PHOTO_DIR PREPROCESSING GROUP [classes-first]}.
 */
public final class FirstPhotosBenchmark {
  private FirstPhotosBenchmark() {}

  public static void main(String[] args) throws Exception {
    PhotoBuffers.reuseOnThisThread(); // as predict DIR's threads do
    List<Path> files = PhotoCorpus.photos(Path.of(args[0]));
    Preprocessing preprocessing = Preprocessing.byName(args[1]);
    int group = Integer.parseInt(args[2]);
    // As predict does it: the decoder's Java classes first (fromCheckpoint does that while the natives
    // load on another thread), then the natives, then the decoder's session; or without the first step.
    long begin = System.nanoTime();
    if (args.length > 3 && args[3].equals("classes-first")) {
      JpegTurbo.loadClasses();
    }
    long classes = System.nanoTime();
    TensorFlow.version();
    long natives = System.nanoTime();
    JpegTurbo.shared();
    long session = System.nanoTime();
    System.out.printf(Locale.ROOT, "decoder's Java classes %.0f ms, TF's natives %.0f ms, then the decoder's session %.0f ms%n",
        (classes - begin) / 1e6, (natives - classes) / 1e6, (session - natives) / 1e6);
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    for (int start = 0; start < files.size(); start += group) {
      int end = Math.min(files.size(), start + group);
      long decode = 0;
      long preprocess = 0;
      for (int i = start; i < end; i++) {
        long t0 = cpu.getCurrentThreadCpuTime();
        DecodedImage image = ImageDecoder.decode(files.get(i));
        long t1 = cpu.getCurrentThreadCpuTime();
        preprocessing.apply(image);
        preprocess += cpu.getCurrentThreadCpuTime() - t1;
        decode += t1 - t0;
      }
      long committed = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
      System.out.printf(Locale.ROOT, "photos %4d-%4d: decode %.2f, %s %.2f CPU ms a photo; heap committed %d MB%n",
          start, end - 1, decode / 1e6 / (end - start), preprocessing.id(), preprocess / 1e6 / (end - start),
          committed >> 20);
    }
  }
}
