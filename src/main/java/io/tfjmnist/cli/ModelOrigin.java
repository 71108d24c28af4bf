package io.tfjmnist.cli;

import io.tfjmnist.modelfiles.Provenance;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The line {@code eval} and {@code serve} print about where their model came from, when its files
 * keep a provenance; on stderr, so their stdout stays what scripts read.
 */
final class ModelOrigin {
  private ModelOrigin() {}

  static void print(Path model, Optional<Provenance> provenance, PrintWriter err) {
    provenance.ifPresent(p -> {
      err.println("Model " + model + ": made by " + p.summary());
      err.flush();
    });
  }
}
