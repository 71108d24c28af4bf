package io.tfjmnist.training;

import io.tfjmnist.data.MnistData;
import io.tfjmnist.modelfiles.BuildInfo;
import io.tfjmnist.modelfiles.Provenance;
import io.tfjmnist.training.callbacks.EarlyStopping;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@link Provenance} of a model {@link TrainingJob} trained: the job's settings, the data's
 * name and SHA-256s, the software that ran, when, and the last epoch's metrics.
 */
final class TrainingProvenance {
  static final String PRODUCER = "tfj-mnist train";

  private TrainingProvenance() {}

  static Provenance of(TrainingConfig config, TrainingOptions options, TrainingJob.Replay replay, MnistData data,
      Instant started, Instant ended, EpochLogs last, String evaluationPrefix) {
    Map<String, String> software = new LinkedHashMap<>();
    software.put("project_version", BuildInfo.projectVersion());
    software.put("git_commit", BuildInfo.gitCommit());
    software.put("tensorflow_java", BuildInfo.tensorflowJavaVersion());
    software.put("tensorflow_native", BuildInfo.nativeTensorflowVersion());
    software.put("java", System.getProperty("java.version"));

    Map<String, String> c = new LinkedHashMap<>();
    c.put("epochs", String.valueOf(config.epochs()));
    c.put("batch_size", String.valueOf(config.batchSize()));
    c.put("shuffle_buffer", String.valueOf(config.shuffleBuffer()));
    c.put("seed", String.valueOf(config.seed()));
    c.put("shuffle", config.tfShuffle() == null ? "java (seed)"
        : "tf (global seed " + config.tfShuffle().global() + ", op seed " + config.tfShuffle().op() + ")");
    c.put("optimizer", config.optimizer().describe());
    if (config.fromLogits()) {
      c.put("loss", "SparseCategoricalCrossentropy(from_logits=True)");
    }
    c.put("adam_arithmetic", config.adamArithmetic().name().toLowerCase(java.util.Locale.ROOT));
    c.put("kernels", BuildInfo.kernels());
    c.put("threads", String.valueOf(config.threads()));
    c.put("device", config.device() == null ? "default" : config.device());
    c.put("validation_split", String.valueOf(options.validationSplit()));
    c.put("early_stopping", options.earlyStopping().map(EarlyStopping.Settings::toString).orElse("none"));
    if (replay.initialWeights() != null) {
      c.put(replay.freshWeights() ? "fresh_weights_from" : "initial_weights", replay.initialWeights().toString());
    }
    if (replay.maxSteps() > 0) {
      c.put("max_steps", String.valueOf(replay.maxSteps()));
    }

    Map<String, String> sha = new LinkedHashMap<>();
    sha.put("x_train", sha256(data.train().imageBytes()));
    sha.put("y_train", sha256(data.train().labelBytes()));
    sha.put("x_test", sha256(data.test().imageBytes()));
    sha.put("y_test", sha256(data.test().labelBytes()));
    Provenance.Dataset dataset = new Provenance.Dataset(data.name(), data.origin(), sha);

    Map<String, Double> metrics = new LinkedHashMap<>();
    if (last != null) {
      metrics.put("epoch", (double) last.epoch());
      metrics.put("loss", (double) last.loss());
      metrics.put("accuracy", (double) last.accuracy());
      if (!Float.isNaN(last.testLoss())) {
        metrics.put(evaluationPrefix + "_loss", (double) last.testLoss());
        metrics.put(evaluationPrefix + "_accuracy", (double) last.testAccuracy());
      }
    }
    return new Provenance(PRODUCER, software, c, dataset, started.toString(), ended.toString(), metrics);
  }

  /** The SHA-256 of an array's bytes: pixels or labels as uint8, as every file format decodes them. */
  static String sha256(ByteBuffer bytes) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(bytes.duplicate());
      return HexFormat.of().formatHex(d.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
