package io.tfjmnist.model.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DropoutTest {

  /**
   * Keras 3.15: {@code keras.utils.set_random_seed(1234)}, then python-reference/fit_parity.py's
   * cnn_dropout (two Conv2D with Glorot kernels before the Dropout) gives the Dropout's
   * {@code seed_generator.state} [125467290, 0]: Python's third {@code randint(1, 10**9)}.
   */
  @Test
  void anUnseededDropoutTakesThePythonDrawAfterTheInitializersBuiltBeforeIt() {
    assertEquals(125467290L, new Dropout("dropout", 0.25, null, 2, new long[] {800}).initialSeed(1234));
  }

  @Test
  void aSeededDropoutStartsAtItsSeedWhateverTheGlobalSeed() {
    Dropout d = new Dropout("dropout", 0.5, 7L, 3, new long[] {10});
    assertEquals(7L, d.initialSeed(1234));
    assertEquals(7L, d.initialSeed(42));
  }
}
