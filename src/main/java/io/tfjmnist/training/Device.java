package io.tfjmnist.training;

import io.tfjmnist.TfjMnistException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tensorflow.DeviceSpec;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GPUOptions;

/**
 * Where the graph runs: TF's default placement, or a device pinned with {@code --device}
 * ({@code /CPU:0}, {@code /GPU:0}). GPUs need the {@code linux-x86_64-gpu} native library
 * ({@code mvn -Pgpu}); a pinned device that is not there is an error, not a silent fallback.
 */
public final class Device {
  private static final Pattern SPEC = Pattern.compile("/?(?:device:)?(CPU|GPU):(\\d+)", Pattern.CASE_INSENSITIVE);

  private Device() {}

  /** Checks a {@code --device} value; returns it normalised ({@code /GPU:0}) or null for the default. */
  public static String parse(String device) {
    if (device == null || device.isBlank()) {
      return null;
    }
    Matcher m = SPEC.matcher(device.trim());
    if (!m.matches()) {
      throw new TfjMnistException("Unknown device '" + device + "': use /CPU:0 or /GPU:N.");
    }
    return "/" + m.group(1).toUpperCase(Locale.ROOT) + ":" + m.group(2);
  }

  /** {@code tf} with every op it creates pinned to {@code device} (unchanged when null). */
  static Ops place(Ops tf, String device) {
    if (device == null) {
      return tf;
    }
    Matcher m = SPEC.matcher(device);
    if (!m.matches()) {
      throw new TfjMnistException("Unknown device '" + device + "': use /CPU:0 or /GPU:N.");
    }
    DeviceSpec spec = DeviceSpec.newBuilder()
        .deviceType(DeviceSpec.DeviceType.valueOf(m.group(1).toUpperCase(Locale.ROOT)))
        .deviceIndex(Integer.parseInt(m.group(2)))
        .build();
    return tf.withDevice(spec);
  }

  /**
   * Session settings: thread pools when asked; GPU memory grown on demand rather than grabbed whole
   * (TF's default would take the entire card for a 2.8M-parameter model); no soft placement, so a
   * pinned device that is missing fails loudly.
   */
  static ConfigProto sessionConfig(int threads, String device) {
    if (threads <= 0 && device == null) {
      return null;
    }
    ConfigProto.Builder b = ConfigProto.newBuilder()
        .setGpuOptions(GPUOptions.newBuilder().setAllowGrowth(true))
        .setAllowSoftPlacement(false);
    if (threads > 0) {
      b.setIntraOpParallelismThreads(threads).setInterOpParallelismThreads(threads);
    }
    return b.build();
  }

  /** Turns TF's placement error for a missing device into one sentence the user can act on. */
  static RuntimeException explain(RuntimeException e, String device) {
    String msg = String.valueOf(e.getMessage());
    if (device != null && (msg.contains("Could not satisfy explicit device") || msg.contains("was explicitly assigned to")
        || msg.contains("no supported kernel"))) {
      return new TfjMnistException("Device " + device + " is not available to TensorFlow here"
          + (device.startsWith("/GPU") ? " (a GPU needs the CUDA build: mvn -Pgpu package, CUDA 12 and cuDNN 9 as TF 2.18 requires)" : "")
          + ".", e);
    }
    return e;
  }
}
