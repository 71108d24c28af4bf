package io.tfjmnist.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** {@code golden/replay.json}: real TF/Keras 3 results written by {@code python-reference/replay_golden.py}. */
final class ReplayGolden {
  private ReplayGolden() {}

  static JsonNode read() {
    try (InputStream in = ReplayGolden.class.getResourceAsStream("/golden/replay.json")) {
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
