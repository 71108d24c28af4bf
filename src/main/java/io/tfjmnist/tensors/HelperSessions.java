package io.tfjmnist.tensors;

import org.tensorflow.proto.ConfigProto;

/**
 * Options for the product's helper sessions (the JPEG decoder's, TensorBoard's writer's), which
 * may be the first TF session a process makes. TF makes one intra-op pool, and one GPU allocator,
 * for the whole process from the first session's options ({@code LocalDevice}'s global pool in
 * TF's {@code local_device.cc}): a helper made first and asking for one thread left the model and
 * training one thread (batches of 1,000 at 22,200-26,700 images/s instead of about 43,000 on 2
 * cores: {@code scripts/bench-session-order}). So a helper asks for the intra-op threads the
 * process's own work wants and makes no GPU device, whose allocator then grows on demand as the
 * model's session asks.
 */
public final class HelperSessions {
  private HelperSessions() {}

  /** @param intraOpThreads the threads the process's model or training session wants; 0 = TF's default */
  public static ConfigProto.Builder options(int intraOpThreads) {
    return ConfigProto.newBuilder()
        .setIntraOpParallelismThreads(Math.max(0, intraOpThreads))
        .putDeviceCount("GPU", 0);
  }
}
