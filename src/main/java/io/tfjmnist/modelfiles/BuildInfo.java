package io.tfjmnist.modelfiles;

import io.tfjmnist.tensors.Kernels;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.tensorflow.TensorFlow;

/**
 * What built the running program, as Maven wrote it into the classes ({@code build.properties},
 * filtered, and {@code git-commit}, from {@code git rev-parse HEAD} when built in a checkout): the
 * software part of a trained model's {@link Provenance}.
 */
public final class BuildInfo {
  private static final String FOLDER = "/io/tfjmnist/build/";
  private static final String UNKNOWN = "unknown";
  private static final Properties PROPERTIES = load();
  private static final String GIT_COMMIT = gitCommitResource();

  private BuildInfo() {}

  /** The project's Maven version, e.g. {@code 0.1.0-SNAPSHOT}. */
  public static String projectVersion() {
    return PROPERTIES.getProperty("project.version", UNKNOWN);
  }

  /** The TensorFlow Java release compiled against, e.g. {@code 1.1.0}. */
  public static String tensorflowJavaVersion() {
    return PROPERTIES.getProperty("tensorflow.java.version", UNKNOWN);
  }

  /** The native TensorFlow runtime's version as it reports itself (loads the native library). */
  public static String nativeTensorflowVersion() {
    return TensorFlow.version();
  }

  /** The git commit the classes were built from; "unknown" for a build outside a git checkout. */
  public static String gitCommit() {
    return GIT_COMMIT;
  }

  /**
   * The CPU kernels TF runs in this process, {@code onednn} or {@code eigen} ({@link Kernels}:
   * {@code --kernels}, or {@code TF_ENABLE_ONEDNN_OPTS} as TF reads it); they differ in the last bits.
   */
  public static String kernels() {
    return Kernels.active().label();
  }

  private static Properties load() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream(FOLDER + "build.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // A build without the resource (an IDE's own compile) reports "unknown" versions.
    }
    return p;
  }

  private static String gitCommitResource() {
    try (InputStream in = BuildInfo.class.getResourceAsStream(FOLDER + "git-commit")) {
      if (in == null) {
        return UNKNOWN;
      }
      String s = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
      return s.matches("[0-9a-f]{40}") ? s : UNKNOWN; // git's error text when no repository was found
    } catch (IOException e) {
      return UNKNOWN;
    }
  }
}
