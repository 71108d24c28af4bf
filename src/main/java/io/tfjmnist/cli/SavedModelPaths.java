package io.tfjmnist.cli;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.modelfiles.ModelFiles;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks on a {@code --saved-model} value that can name the flags the user should use instead. */
final class SavedModelPaths {
  private SavedModelPaths() {}

  /**
   * A Keras file given as {@code --saved-model}: the library refuses it in API terms; the user is told
   * which flags take it.
   */
  static void requireNotKerasFile(Path dir) {
    if (dir != null && Files.isRegularFile(dir) && ModelFiles.hasKerasSuffix(dir)) {
      throw new TfjMnistException(dir + " is a Keras file, not a SavedModel folder: give it as --model " + dir
          + " (parity: the Java side, against --saved-model DIR or --golden outputs from Python), or write a"
          + " SavedModel from it with export --model " + dir + ".");
    }
  }
}
