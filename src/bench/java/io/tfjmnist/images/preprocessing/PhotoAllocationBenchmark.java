package io.tfjmnist.images.preprocessing;

import io.tfjmnist.images.decoding.DecodedImage;
import io.tfjmnist.images.decoding.ImageDecoder;
import io.tfjmnist.images.decoding.PhotoBuffers;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Bytes of Java heap a photo's decode and preprocessing allocate, per photo, on one thread: the
 * thread's allocation counter ({@code com.sun.management.ThreadMXBean.getThreadAllocatedBytes})
 * read around the decode (file read included) and around each preprocessing, over a folder of photos
 * after one warm-up pass (so that class loading and the JIT's own first calls stay out). The
 * short-lived arrays this counts are what a fresh JVM's heap must page in before it reaches its
 * steady speed ({@code scripts/bench-first-photos}). A benchmark, not a test.
 * Usage: {@code PhotoAllocationBenchmark PHOTO_DIR}.
 */
public final class PhotoAllocationBenchmark {
  private PhotoAllocationBenchmark() {}

  public static void main(String[] args) throws Exception {
    PhotoBuffers.reuseOnThisThread(); // as predict DIR's threads do
    List<Path> files = PhotoCorpus.photos(Path.of(args[0]));
    com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    for (Preprocessing preprocessing : Preprocessing.values()) {
      long decode = 0;
      long preprocess = 0;
      long[] one = new long[files.size()];
      for (int pass = 0; pass < 2; pass++) {
        decode = 0;
        preprocess = 0;
        for (int i = 0; i < files.size(); i++) {
          long a0 = bean.getThreadAllocatedBytes(id);
          DecodedImage image = ImageDecoder.decode(files.get(i));
          long a1 = bean.getThreadAllocatedBytes(id);
          preprocessing.apply(image).input();
          long a2 = bean.getThreadAllocatedBytes(id);
          decode += a1 - a0;
          preprocess += a2 - a1;
          one[i] = a2 - a0;
        }
      }
      java.util.Arrays.sort(one);
      System.out.printf(Locale.ROOT, "%-10s %d photos: decode %,d B, %s %,d B, together %,d B a photo (median %,d, max %,d)%n",
          preprocessing.id(), files.size(), decode / files.size(), preprocessing.id(), preprocess / files.size(),
          (decode + preprocess) / files.size(), one[one.length / 2], one[one.length - 1]);
    }
  }
}
