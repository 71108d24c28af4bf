package io.tfjmnist.cli;

import io.tfjmnist.TfjMnistException;
import io.tfjmnist.tensors.Kernels;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code --kernels eigen|onednn}: which CPU kernels TF runs. Applied while the flags are parsed,
 * before the command touches TensorFlow, because TF fixes its kernels when its native library loads
 * (see {@link Kernels}).
 */
final class KernelsOption {
  @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
  CommandLine.Model.CommandSpec mixee;

  @Option(names = "--kernels", paramLabel = "eigen|onednn",
      description = "TF's CPU kernels: onednn (TF's default; fastest, last bits depend on the CPU) or eigen "
          + "(TF_ENABLE_ONEDNN_OPTS=0: bit for bit the same as Python run with that setting). Default: the "
          + "environment's setting.")
  void kernels(String value) {
    try {
      Kernels.select(Kernels.parse(value));
    } catch (TfjMnistException e) {
      throw new CommandLine.ParameterException(mixee.commandLine(), e.getMessage());
    }
  }
}
