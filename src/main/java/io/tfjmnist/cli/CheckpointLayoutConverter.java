package io.tfjmnist.cli;

import io.tfjmnist.checkpoint.CheckpointLayout;
import java.util.Locale;
import picocli.CommandLine;

/** {@code --checkpoint-layout keras3|keras2}: one clear message for anything else. */
final class CheckpointLayoutConverter implements CommandLine.ITypeConverter<CheckpointLayout> {
  @Override
  public CheckpointLayout convert(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "keras3" -> CheckpointLayout.KERAS3;
      case "keras2" -> CheckpointLayout.KERAS2;
      default -> throw new CommandLine.TypeConversionException("'" + value
          + "' is not a checkpoint layout: use keras3 (Keras 3's tf.train.Checkpoint, the default) or keras2"
          + " (Keras 2's save_weights)");
    };
  }
}
