package io.tfjmnist.modelfiles;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tfjmnist.TfjMnistException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How a model was made, kept beside its weights as Tribuo keeps a model's provenance: what made it
 * and with which software, the training configuration (seeds, Adam's arithmetic, kernel mode
 * included), the data set with the SHA-256 of its arrays, when it ran and the final metrics. Read
 * back by {@link ModelFiles#read}; {@code inspect} lists it, {@code eval} and {@code serve} name it.
 *
 * @param producer what wrote the model, e.g. {@code tfj-mnist train}
 * @param software versions: {@code project_version}, {@code git_commit}, {@code tensorflow_java},
 *     {@code tensorflow_native}
 * @param configuration the training settings, by Keras's names where Keras has one
 * @param dataset the data trained and evaluated on
 * @param started when training started (ISO-8601 instant)
 * @param ended when the model was written (ISO-8601 instant)
 * @param finalMetrics the last epoch's metrics, by Keras's history keys ({@code loss}, {@code val_accuracy}...)
 */
public record Provenance(String producer, Map<String, String> software, Map<String, String> configuration,
    Dataset dataset, String started, String ended, Map<String, Double> finalMetrics) {
  /** The JSON's format; a reader refuses a newer one rather than misread it. */
  public static final int FORMAT_VERSION = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The data a model was trained on.
   *
   * @param name Keras's name, {@code mnist} or {@code fashion_mnist}
   * @param origin where it was read from
   * @param sha256 the SHA-256 of each array trained or evaluated on ({@code x_train}, {@code y_train},
   *     {@code x_test}, {@code y_test}: the uint8 pixels and labels, whichever file format held them)
   */
  public record Dataset(String name, String origin, Map<String, String> sha256) {
    public Dataset {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(origin, "origin");
      sha256 = ordered(sha256);
    }
  }

  public Provenance {
    Objects.requireNonNull(producer, "producer");
    software = ordered(software);
    configuration = ordered(configuration);
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(started, "started");
    Objects.requireNonNull(ended, "ended");
    finalMetrics = ordered(finalMetrics);
  }

  private static <V> Map<String, V> ordered(Map<String, V> m) {
    return Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(m)));
  }

  /** The provenance as the JSON document stored beside the weights. */
  public String toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("format_version", FORMAT_VERSION);
    root.put("producer", producer);
    software.forEach(root.putObject("software")::put);
    configuration.forEach(root.putObject("configuration")::put);
    ObjectNode ds = root.putObject("dataset");
    ds.put("name", dataset.name());
    ds.put("origin", dataset.origin());
    dataset.sha256().forEach(ds.putObject("sha256")::put);
    root.put("started", started);
    root.put("ended", ended);
    finalMetrics.forEach(root.putObject("final_metrics")::put);
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e); // a tree of strings and numbers always serialises
    }
  }

  /** Reads {@link #toJson}'s document; {@code where} names it in the message when it is not one. */
  public static Provenance parse(String json, String where) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new TfjMnistException(where + " is not a provenance document: " + e.getOriginalMessage() + ".", e);
    }
    if (root == null || !root.isObject() || !root.path("producer").isTextual()) {
      throw new TfjMnistException(where + " is not a provenance document (no \"producer\").");
    }
    int version = root.path("format_version").asInt(0);
    if (version > FORMAT_VERSION) {
      throw new TfjMnistException(where + " has provenance format " + version + "; this program reads up to "
          + FORMAT_VERSION + ".");
    }
    JsonNode ds = root.path("dataset");
    return new Provenance(root.get("producer").asText(), strings(root.path("software")),
        strings(root.path("configuration")),
        new Dataset(ds.path("name").asText(""), ds.path("origin").asText(""), strings(ds.path("sha256"))),
        root.path("started").asText(""), root.path("ended").asText(""), numbers(root.path("final_metrics")));
  }

  private static Map<String, String> strings(JsonNode object) {
    Map<String, String> out = new LinkedHashMap<>();
    object.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  private static Map<String, Double> numbers(JsonNode object) {
    Map<String, Double> out = new LinkedHashMap<>();
    object.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asDouble()));
    return out;
  }

  /** One line for {@code eval} and {@code serve}: who made the model, from what, and how well it did. */
  public String summary() {
    StringBuilder sb = new StringBuilder(producer);
    sb.append(' ').append(software.getOrDefault("project_version", "?"));
    String commit = software.getOrDefault("git_commit", "unknown");
    sb.append(" (commit ").append(commit.length() > 12 ? commit.substring(0, 12) : commit).append(")");
    sb.append(" on ").append(dataset.name());
    if (configuration.containsKey("epochs")) {
      sb.append(", ").append(configuration.get("epochs")).append(" epochs");
    }
    if (configuration.containsKey("seed")) {
      sb.append(", seed ").append(configuration.get("seed"));
    }
    sb.append(", ended ").append(ended);
    List<String> metrics = new ArrayList<>();
    finalMetrics.forEach((k, v) -> metrics.add(k + " " + String.format(Locale.ROOT, "%.4f", v)));
    if (!metrics.isEmpty()) {
      sb.append("; final ").append(String.join(", ", metrics));
    }
    return sb.toString();
  }

  /** The lines {@code inspect} prints: every field. */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    lines.add("Provenance:");
    lines.add("  producer: " + producer);
    lines.add("  started: " + started);
    lines.add("  ended: " + ended);
    software.forEach((k, v) -> lines.add("  software." + k + ": " + v));
    lines.add("  dataset: " + dataset.name() + " (" + dataset.origin() + ")");
    dataset.sha256().forEach((k, v) -> lines.add("  dataset.sha256." + k + ": " + v));
    configuration.forEach((k, v) -> lines.add("  configuration." + k + ": " + v));
    finalMetrics.forEach((k, v) -> lines.add("  final_metrics." + k + ": " + v));
    return lines;
  }
}
