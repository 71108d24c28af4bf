package io.tfjmnist.model.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Expected values printed by CPython 3.11:
 * {@code random.seed(s); [random.randint(1, 10**9) for _ in range(3)], random.getrandbits(32)}.
 */
class PythonRandomTest {

  private static void assertDraws(long seed, long[] randints, long bits) {
    PythonRandom r = new PythonRandom(seed);
    long[] got = new long[randints.length];
    for (int i = 0; i < got.length; i++) {
      got[i] = r.randint(1, 1_000_000_000L);
    }
    assertArrayEquals(randints, got, "seed " + seed);
    assertEquals(bits, r.getrandbits(32), "seed " + seed);
  }

  @Test
  void drawsWhatCPythonDrawsAfterRandomSeed() {
    assertDraws(1234, new long[] {835549144, 473233032, 125467290}, 32175636L);
    assertDraws(42, new long[] {686579304, 119540832, 26855093}, 3184935163L);
  }

  @Test
  void zeroAndSeedsWiderThan32BitsAreKeyedAsCPythonKeysThem() {
    assertDraws(0, new long[] {906691060, 413654000, 813847340}, 3823568514L);
    assertDraws((1L << 40) + 5, new long[] {541574218, 555040208, 288411819}, 2850991874L);
  }
}
