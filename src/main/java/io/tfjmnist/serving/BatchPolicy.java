package io.tfjmnist.serving;

import java.util.Locale;

/**
 * How the server sizes the model's session runs, chosen at load by measuring this CPU's kernels
 * (see {@link RunSize}): an image's probabilities must not depend on who else was asking, and
 * oneDNN's kernels give a row other bits in some run sizes and places than in others.
 *
 * @param kind which way the runs are sized
 * @param padTo calls of fewer images get blank images up to this many (0: none)
 * @param maxRows the most images of one model call; larger batches are split into calls of this size
 * @param reason why this policy, in words, for the listening line and the logs
 * @param probeSeconds how long the measurement at load took (0: nothing was probed)
 */
public record BatchPolicy(Kind kind, int padTo, int maxRows, String reason, double probeSeconds) {

  /** The ways of sizing runs, cheapest first among the exact ones. */
  public enum Kind {
    /** Exact batching off: runs of any size, unpadded; an answer's last bits may depend on its batch-mates. */
    ANY_SIZE("any-size"),
    /** Runs as they come; those shorter than {@code padTo} images padded up to it. */
    PAD_SHORT_RUNS("pad-short-runs"),
    /** The layers before the first Dense per image, the Dense layers on {@code maxRows} rows (the model pads itself). */
    PAD_AFTER_CONVOLUTION("pad-after-convolution"),
    /** Every run padded to {@code maxRows} images at the input. */
    PAD_INPUT("pad-input"),
    /** A SavedModel exported with a fixed batch size: every run has exactly that many images. */
    FIXED_BATCH("fixed-batch");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    /** The name {@code /metrics} reports. */
    public String label() {
      return label;
    }
  }

  public BatchPolicy {
    if (padTo < 0 || maxRows < 1 || padTo > maxRows) {
      throw new IllegalArgumentException("need 0 <= padTo <= maxRows, maxRows >= 1; got " + padTo + ", " + maxRows);
    }
  }

  /** Runs of any size up to {@code maxRows}, unpadded: not exact. */
  static BatchPolicy anySize(int maxRows) {
    return new BatchPolicy(Kind.ANY_SIZE, 0, maxRows, "exact batching is off", 0);
  }

  /** Whether an image's probabilities are the same whoever it is batched with. */
  public boolean exact() {
    return kind != Kind.ANY_SIZE;
  }

  /**
   * Whether a run costs the same however few of its images are real (every run padded to
   * {@code maxRows}, at the input or after the convolution): then a second run should start only
   * for a full run's worth of images.
   */
  public boolean fixedCost() {
    return kind == Kind.PAD_INPUT || kind == Kind.FIXED_BATCH || kind == Kind.PAD_AFTER_CONVOLUTION;
  }

  /**
   * The fewest waiting images for which a second run starts beside the one in progress: a full
   * run when every run costs a full one; {@code padTo} when short runs are padded, since a shorter
   * run would carry blank images while the images could share the next run; else 1.
   */
  int secondRunImages() {
    return fixedCost() ? maxRows : Math.max(1, padTo);
  }

  /** Whether the model itself pads every call to {@code maxRows} rows, so calls carry only real images. */
  public boolean modelPads() {
    return kind == Kind.PAD_AFTER_CONVOLUTION;
  }

  /** The images of one model call that carries {@code n} real ones. */
  int callImages(int n) {
    return Math.max(n, padTo);
  }

  /** One line: what the runs are, then why (e.g. for the listening line). */
  public String describe() {
    String what = switch (kind) {
      case ANY_SIZE -> "session runs of any size up to " + maxRows;
      case PAD_SHORT_RUNS -> padTo <= 1 ? "session runs as they come, up to " + maxRows + " images"
          : "session runs as they come, up to " + maxRows + " images, those under " + padTo + " padded to " + padTo;
      case PAD_AFTER_CONVOLUTION -> "Dense layers run on " + maxRows + " rows, padded after the convolution";
      case PAD_INPUT -> maxRows == 1 ? "every image in a session run of its own" : "session runs of " + maxRows + " images";
      case FIXED_BATCH -> "session runs of " + maxRows + " images, the SavedModel's batch size";
    };
    String probed = probeSeconds > 0 ? String.format(Locale.ROOT, ", measured at load in %.2f s", probeSeconds) : "";
    return what + " (" + reason + probed + ")";
  }
}
