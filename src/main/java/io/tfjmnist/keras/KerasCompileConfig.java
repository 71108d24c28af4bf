package io.tfjmnist.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tfjmnist.TfjMnistException;
import io.tfjmnist.optimizers.Adam;
import io.tfjmnist.optimizers.CompileConfig;
import io.tfjmnist.optimizers.Optimizer;
import io.tfjmnist.optimizers.RmsProp;
import io.tfjmnist.optimizers.Sgd;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A Keras 3 {@code config.json}'s {@code compile_config} as a {@link CompileConfig}: Adam, SGD or
 * RMSprop with their hyperparameters (Keras 3's defaults for what is absent), and
 * {@code SparseCategoricalCrossentropy}'s {@code from_logits}. A setting that would change the
 * update and that the project does not implement (weight decay, clipping, EMA, amsgrad, centered,
 * a schedule, another loss) is refused with a sentence naming it, rather than trained differently.
 */
final class KerasCompileConfig {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Optimizer settings that must be absent (null/false) for Keras's plain update. */
  private static final List<String> MUST_BE_OFF = List.of("weight_decay", "clipnorm", "global_clipnorm", "clipvalue",
      "use_ema", "amsgrad", "centered", "loss_scale_factor", "gradient_accumulation_steps");

  private KerasCompileConfig() {}

  /** The compile config of {@code configJson}; empty when the model was saved uncompiled. */
  static Optional<CompileConfig> parse(String configJson, String where) {
    JsonNode root;
    try {
      root = JSON.readTree(configJson);
    } catch (IOException e) {
      throw new TfjMnistException(where + " is not valid JSON: " + e.getMessage(), e);
    }
    JsonNode compile = root == null ? null : root.get("compile_config");
    if (compile == null || compile.isNull() || !compile.isObject()) {
      return Optional.empty();
    }
    return Optional.of(new CompileConfig(optimizer(compile.get("optimizer"), where), fromLogits(compile.get("loss"), where)));
  }

  private static Optimizer optimizer(JsonNode o, String where) {
    if (o == null || o.isNull()) {
      return Adam.kerasDefaults();
    }
    String cls = o.isTextual() ? o.asText() : KerasModelConfig.text(o, "class_name", "?");
    JsonNode c = o.isTextual() ? JSON.createObjectNode() : o.path("config");
    for (String off : MUST_BE_OFF) {
      JsonNode v = c.get(off);
      if (v != null && !v.isNull() && !(v.isBoolean() && !v.asBoolean())) {
        throw new TfjMnistException("The optimizer " + cls + " compiled in " + where + " uses " + off + "=" + v
            + ", which this project's training does not support.");
      }
    }
    JsonNode lr = c.get("learning_rate");
    if (lr != null && !lr.isNull() && !lr.isNumber()) {
      throw new TfjMnistException("The optimizer " + cls + " compiled in " + where + " has a learning-rate schedule ("
          + KerasModelConfig.text(lr, "class_name", lr.toString()) + "); only a constant learning rate is supported.");
    }
    try {
      switch (cls.toLowerCase(Locale.ROOT)) {
        case "adam" -> {
          Adam d = Adam.kerasDefaults();
          return new Adam(number(c, "learning_rate", d.learningRate()), number(c, "beta_1", d.beta1()),
              number(c, "beta_2", d.beta2()), number(c, "epsilon", d.epsilon()));
        }
        case "sgd" -> {
          Sgd d = Sgd.kerasDefaults();
          return new Sgd(number(c, "learning_rate", d.learningRate()), number(c, "momentum", d.momentum()),
              c.path("nesterov").asBoolean(false));
        }
        case "rmsprop" -> {
          RmsProp d = RmsProp.kerasDefaults();
          return new RmsProp(number(c, "learning_rate", d.learningRate()), number(c, "rho", d.rho()),
              number(c, "momentum", d.momentum()), number(c, "epsilon", d.epsilon()));
        }
        default -> throw new TfjMnistException("The optimizer " + cls + " compiled in " + where
            + " is not supported (supported: Adam, SGD, RMSprop).");
      }
    } catch (IllegalArgumentException e) {
      throw new TfjMnistException("The optimizer " + cls + " compiled in " + where + " cannot be used: " + e.getMessage() + ".", e);
    }
  }

  /** Keras writes hyperparameters as Python floats (doubles); training runs them in float32, as Keras casts them. */
  private static float number(JsonNode c, String field, float fallback) {
    JsonNode v = c.get(field);
    return v == null || v.isNull() ? fallback : (float) v.asDouble();
  }

  private static boolean fromLogits(JsonNode loss, String where) {
    if (loss == null || loss.isNull()) {
      throw new TfjMnistException(where + " is compiled without a loss; train needs SparseCategoricalCrossentropy.");
    }
    String cls = loss.isTextual() ? loss.asText() : KerasModelConfig.text(loss, "class_name", "?");
    if (!cls.equals("SparseCategoricalCrossentropy") && !cls.equals("sparse_categorical_crossentropy")) {
      throw new TfjMnistException("The loss " + cls + " compiled in " + where
          + " is not supported (supported: SparseCategoricalCrossentropy, from_logits either way).");
    }
    JsonNode c = loss.path("config");
    JsonNode ignore = c.get("ignore_class");
    if (ignore != null && !ignore.isNull()) {
      throw new TfjMnistException("The loss in " + where + " uses ignore_class=" + ignore + ", which is not supported.");
    }
    String reduction = KerasModelConfig.text(c, "reduction", "sum_over_batch_size");
    if (!reduction.equals("sum_over_batch_size")) {
      throw new TfjMnistException("The loss in " + where + " uses reduction='" + reduction
          + "'; only 'sum_over_batch_size' (Keras's default) is supported.");
    }
    return c.path("from_logits").asBoolean(false);
  }
}
