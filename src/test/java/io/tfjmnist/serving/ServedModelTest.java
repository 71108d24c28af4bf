package io.tfjmnist.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.inference.DigitClassifier;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Which graph a served checkpoint gets, with exact batching and without. */
class ServedModelTest {
  @Test
  void exactBatchingServesTheGraphPaddedAfterItsConvolution() {
    try (ServedModel served = ServedModel.fromWeights("mnist", 1, ServingFixtures.random(), 1, true)) {
      DigitClassifier classifier = (DigitClassifier) served.model();
      assertFalse(served.runSizeFixed());
      if (served.padsItself()) { // on every CPU measured so far: a candidate passes the check at load
        assertTrue(Arrays.stream(RunSize.CANDIDATES).anyMatch(c -> c == served.runSize()), "run size " + served.runSize());
        assertEquals(served.runSize(), classifier.runSize());
      } else { // the fallback: the training graph, its input padded by the batcher
        assertEquals(0, classifier.runSize());
        assertTrue(served.runSize() >= 1, "run size " + served.runSize());
      }
    }
  }

  @Test
  void withoutExactBatchingTheTrainingGraphRunsCallsOfAnySize() {
    try (ServedModel served = ServedModel.fromWeights("mnist", 1, ServingFixtures.random(), 1, false)) {
      assertFalse(served.padsItself());
      assertEquals(0, served.runSize(), "no run size is chosen (nor probed for)");
      assertEquals(0, ((DigitClassifier) served.model()).runSize());
    }
  }
}
