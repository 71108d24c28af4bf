package io.tfjmnist.tensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tfjmnist.TfjMnistException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.tensorflow.TensorFlow;

/** Runs in every kernel setting (tag kernel-paths): what it asserts holds in each. */
@Tag("kernel-paths")
class KernelsTest {
  @Test
  void tfsSwitchIsReadAsTfReadsIt() {
    assertEquals(Kernels.ONEDNN, Kernels.fromEnvironmentValue(null), "TF's default on x86-64");
    assertEquals(Kernels.EIGEN, Kernels.fromEnvironmentValue("0"));
    assertEquals(Kernels.EIGEN, Kernels.fromEnvironmentValue(" False "));
    assertEquals(Kernels.ONEDNN, Kernels.fromEnvironmentValue("1"));
    assertEquals(Kernels.ONEDNN, Kernels.fromEnvironmentValue("true"));
    assertEquals(Kernels.EIGEN, Kernels.parse("Eigen"));
    assertEquals(Kernels.ONEDNN, Kernels.parse("onednn"));
    TfjMnistException e = assertThrows(TfjMnistException.class, () -> Kernels.parse("mkl"));
    assertTrue(e.getMessage().contains("use eigen or onednn"), e.getMessage());
  }

  @Test
  void onceTfHasStartedOnlyItsOwnKernelsCanBeSelected() {
    TensorFlow.version(); // loads the native runtime
    assertTrue(Kernels.runtimeStarted());
    Kernels active = Kernels.active();
    Kernels.select(active); // a no-op
    Kernels other = active == Kernels.EIGEN ? Kernels.ONEDNN : Kernels.EIGEN;
    TfjMnistException e = assertThrows(TfjMnistException.class, () -> Kernels.select(other));
    assertTrue(e.getMessage().contains("already started with its " + active + " kernels")
        && e.getMessage().contains(Kernels.VARIABLE + "="), e.getMessage());
    assertEquals(active, Kernels.active(), "nothing changed");
  }
}
