package io.tfjmnist.keras;

import com.fasterxml.jackson.databind.JsonNode;
import io.tfjmnist.TfjMnistException;
import io.tfjmnist.initializers.Initializer;
import java.util.Locale;
import java.util.Set;

/**
 * A layer config's {@code *_initializer} entry as an {@link Initializer}: Keras 3's serialized form
 * ({@code {"class_name": "GlorotUniform", "config": {"seed": null}}}) or a bare name
 * ({@code "glorot_uniform"}, as Keras 2 configs and Keras's aliases write it).
 */
final class KerasInitializers {
  static final String SUPPORTED = "GlorotUniform, GlorotNormal, HeUniform, HeNormal, LecunUniform, LecunNormal,"
      + " RandomUniform, RandomNormal, TruncatedNormal, VarianceScaling, Zeros, Ones, Constant";
  /** Keras's random initializers, by {@link #key}: each draws a default seed when built without one. */
  private static final Set<String> RANDOM = Set.of("glorotuniform", "glorotnormal", "heuniform", "henormal",
      "lecununiform", "lecunnormal", "randomuniform", "uniform", "randomnormal", "normal", "truncatednormal",
      "variancescaling", "orthogonal", "orthogonalinitializer");

  private KerasInitializers() {}

  /**
   * Whether Keras 3 drew a seed from Python's {@code random} ({@code make_default_seed}) when it built
   * this config entry: a random initializer without a seed (null or absent), another serialized object
   * whose {@code seed} is null, or a random initializer named without a config in an
   * {@code *_initializer} field.
   */
  static boolean drawsDefaultSeed(String field, JsonNode v) {
    if (v == null) {
      return false;
    }
    if (v.isTextual()) {
      return field.endsWith("_initializer") && RANDOM.contains(key(v.asText()));
    }
    JsonNode inner = v.path("config");
    JsonNode seed = inner.get("seed");
    if (v.path("class_name").isTextual() && RANDOM.contains(key(v.get("class_name").asText()))) {
      return seed == null || seed.isNull(); // a config written without the key is built with seed=None too
    }
    return v.has("class_name") && seed != null && seed.isNull();
  }

  /**
   * @param v the config entry
   * @param defaultSeed the seed Keras drew for it when it has none of its own (see {@link #drawsDefaultSeed});
   *     null when it drew none
   * @param what the layer and entry, for messages: "Keras layer 'dense' (Dense) in m.keras: kernel_initializer"
   */
  static Initializer parse(JsonNode v, Long defaultSeed, String what) {
    String name;
    JsonNode cfg;
    if (v != null && v.isTextual()) {
      name = v.asText();
      cfg = com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    } else if (v != null && v.path("class_name").isTextual()) {
      name = v.get("class_name").asText();
      cfg = v.path("config");
    } else {
      throw new TfjMnistException(what + " is " + (v == null ? "missing" : v.toString())
          + ", not a Keras initializer, so no fresh weights can be drawn for it.");
    }
    try {
      String key = key(name);
      long seed = RANDOM.contains(key) ? seed(cfg, defaultSeed, what) : 0;
      Initializer initializer = switch (key) {
        case "zeros", "zero" -> new Initializer.Zeros();
        case "ones", "one" -> new Initializer.Ones();
        case "constant" -> new Initializer.Constant(number(cfg, "value", 0.0, what));
        case "glorotuniform", "glorotnormal", "heuniform", "henormal", "lecununiform", "lecunnormal" ->
            preset(key).seeded(seed);
        case "randomuniform", "uniform" -> new Initializer.RandomUniform(number(cfg, "minval", -0.05, what),
            number(cfg, "maxval", 0.05, what), seed);
        case "randomnormal", "normal" -> new Initializer.RandomNormal(number(cfg, "mean", 0.0, what),
            number(cfg, "stddev", 0.05, what), seed);
        case "truncatednormal" -> new Initializer.TruncatedNormal(number(cfg, "mean", 0.0, what),
            number(cfg, "stddev", 0.05, what), seed);
        case "variancescaling" -> {
          String distribution = KerasModelConfig.text(cfg, "distribution", "truncated_normal").toLowerCase(Locale.ROOT);
          yield new Initializer.VarianceScaling(number(cfg, "scale", 1.0, what), KerasModelConfig.text(cfg, "mode", "fan_in"),
              distribution.equals("normal") ? "truncated_normal" : distribution, seed, null, null);
        }
        default -> throw new TfjMnistException(what + " is " + name + ", which fresh weights cannot be drawn with"
            + " (supported: " + SUPPORTED + "); start from the file's own weights instead.");
      };
      return initializer instanceof Initializer.VarianceScaling vs
          ? vs.withAxes(axes(cfg.get("input_axes"), what), axes(cfg.get("output_axes"), what)) : initializer;
    } catch (IllegalArgumentException e) {
      throw new TfjMnistException(what + " (" + name + ") cannot be drawn: " + e.getMessage() + ".", e);
    }
  }

  private static Initializer.VarianceScaling.Preset preset(String key) {
    for (Initializer.VarianceScaling.Preset p : Initializer.VarianceScaling.Preset.values()) {
      if (key(p.name()).equals(key)) {
        return p;
      }
    }
    throw new IllegalStateException("no preset " + key);
  }

  /** {@code GlorotUniform}, {@code glorot_uniform} and {@code glorotuniform} alike. */
  private static String key(String name) {
    return name.replace("_", "").toLowerCase(Locale.ROOT);
  }

  private static long seed(JsonNode cfg, Long defaultSeed, String what) {
    JsonNode s = cfg.get("seed");
    if (s == null || s.isNull()) {
      if (defaultSeed == null) { // drawsDefaultSeed and the caller disagree: a bug, not a user's error
        throw new IllegalStateException(what + " has no seed and none was drawn for it");
      }
      return defaultSeed;
    }
    if (!s.canConvertToLong() || !s.isIntegralNumber()) {
      throw new TfjMnistException(what + " has seed " + s + "; only an integer seed, or none, can be replayed.");
    }
    return s.asLong();
  }

  private static double number(JsonNode cfg, String field, double keras, String what) {
    JsonNode v = cfg.get(field);
    if (v == null || v.isNull()) {
      return keras;
    }
    if (!v.isNumber()) {
      throw new TfjMnistException(what + " has " + field + "=" + v + "; only a number can be drawn with.");
    }
    return v.asDouble();
  }

  private static int[] axes(JsonNode v, String what) {
    if (v == null || v.isNull()) {
      return null;
    }
    JsonNode items = KerasModelConfig.tupleItems(v);
    if (items == null) {
      throw new TfjMnistException(what + " has axes " + v + "; only a list of integers can be drawn with.");
    }
    int[] axes = new int[items.size()];
    for (int i = 0; i < axes.length; i++) {
      axes[i] = items.get(i).asInt();
    }
    return axes;
  }
}
