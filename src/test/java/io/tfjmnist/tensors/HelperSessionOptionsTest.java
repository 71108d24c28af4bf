package io.tfjmnist.tensors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.tensorflow.proto.ConfigProto;

/**
 * The JPEG decoder's session may be the first a process makes, and TF sizes its one intra-op pool,
 * and makes its GPU allocator, from the first session's options for every later one (the model's,
 * training's). So the decoder asks for none of its own: TF's default intra-op pool, no GPU device.
 * (Asking for 1 intra-op thread halved the model's batch throughput on 2 cores when the decoder came
 * first: {@code scripts/bench-session-order}.)
 */
class HelperSessionOptionsTest {
  @Test
  void theDecodersSessionLeavesTheProcessWidePoolsToTf() {
    ConfigProto config = JpegTurbo.sessionConfig();
    assertEquals(0, config.getIntraOpParallelismThreads(), "intra-op threads: TF's default, whoever comes first");
    assertEquals(-1, config.getInterOpParallelismThreads(), "its ops run in the calling thread");
    assertEquals(0, config.getDeviceCountOrDefault("GPU", -1), "no GPU device of its own");
  }
}
