package io.tfjmnist.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.optimizers.AdamArithmetic;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A resumed run must compute as the interrupted one did: Adam's arithmetic is part of the sidecar. */
class TrainingProgressTest {
  private static final TrainingConfig KERAS2 = TrainingConfig.quickstartDefaults();
  private static final TrainingConfig KERAS3 = KERAS2.withAdamArithmetic(AdamArithmetic.KERAS3);

  @Test
  void adamArithmeticIsRecordedAndAnotherOneIsRefused() {
    TrainingProgress p = TrainingProgress.atEpochEnd(KERAS3, "mnist", 1, 1875, List.of());
    TrainingProgress back = TrainingProgress.fromJson(p.toJson(), "test");
    assertEquals("keras3", back.adam());
    assertNull(back.incompatibility(KERAS3, "mnist"));
    String why = back.incompatibility(KERAS2, "mnist");
    assertTrue(why != null && why.contains("keras3") && why.contains("keras2"), why);
  }

  @Test
  void sidecarsFromBeforeTheFieldWereKeras2() {
    String json = new String(TrainingProgress.atEpochEnd(KERAS2, "mnist", 1, 1875, List.of()).toJson(),
        StandardCharsets.UTF_8).replaceAll(",\\s*\"adam\"\\s*:\\s*\"keras2\"", "");
    TrainingProgress old = TrainingProgress.fromJson(json.getBytes(StandardCharsets.UTF_8), "old");
    assertNull(old.adam());
    assertNull(old.incompatibility(KERAS2, "mnist"));
    assertTrue(old.incompatibility(KERAS3, "mnist") != null);
  }
}
