package io.tfjmnist.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.tfjmnist.TfjMnistException;
import io.tfjmnist.keras.WeightsCheckpoint;
import io.tfjmnist.cli.ServeCommand;
import io.tfjmnist.inference.DigitClassifier;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tensorflow.serving.GetModelStatus.GetModelStatusRequest;
import tensorflow.serving.GetModelStatus.ModelVersionStatus;
import tensorflow.serving.Model.ModelSpec;
import tensorflow.serving.ModelServiceGrpc;

/** TF Serving's base path with numbered version folders: which one is served, and what a folder may hold. */
class VersionFoldersTest {
  @Test
  void versionsAreTheNumberedFoldersLowestFirst(@TempDir Path base) throws Exception {
    for (String name : List.of("2", "10", "1", "tmp", "3.bak")) {
      Files.createDirectories(base.resolve(name));
    }
    Files.writeString(base.resolve("7"), "a file, not a folder");
    assertEquals(List.of(1L, 2L, 10L), VersionFolders.list(base).stream().map(VersionFolders.Version::number).toList());
    assertEquals(10, VersionFolders.latest(base).number());
    assertEquals(base.resolve("10"), VersionFolders.latest(base).dir());
  }

  @Test
  void noVersionFolderIsAClearError(@TempDir Path base) throws Exception {
    Files.createDirectories(base.resolve("latest"));
    TfjMnistException e = assertThrows(TfjMnistException.class, () -> VersionFolders.list(base));
    assertTrue(e.getMessage().contains("holds no version folder"), e.getMessage());
    assertTrue(assertThrows(TfjMnistException.class, () -> VersionFolders.list(base.resolve("missing"))).getMessage()
        .contains("is not a folder"));
  }

  @Test
  void aVersionFolderHoldsASavedModelOrOneModelFile(@TempDir Path dir) throws Exception {
    Path v = Files.createDirectories(dir.resolve("1"));
    assertTrue(assertThrows(TfjMnistException.class, () -> VersionFolders.modelFile(v)).getMessage().contains("holds no model"));
    Files.writeString(v.resolve("ckpt.index"), "");
    Files.writeString(v.resolve("ckpt.data-00000-of-00001"), "");
    assertEquals(v.resolve("ckpt"), VersionFolders.modelFile(v));
    Files.writeString(v.resolve("mnist.keras"), "");
    assertTrue(assertThrows(TfjMnistException.class, () -> VersionFolders.modelFile(v)).getMessage()
        .contains("2 models ([ckpt, mnist.keras])"));
    assertFalse(VersionFolders.isSavedModel(v));
    Files.writeString(v.resolve("saved_model.pb"), "");
    assertTrue(VersionFolders.isSavedModel(v));
  }

  @Test
  void theHighestVersionIsServedUnderItsNumber(@TempDir Path base) throws Exception {
    ModelWeights one = ModelWeights.glorotUniform(ModelArchitecture.quickstartCnn(), 1);
    ModelWeights three = ModelWeights.glorotUniform(ModelArchitecture.quickstartCnn(), 3);
    WeightsCheckpoint.save(Files.createDirectories(base.resolve("1")).resolve("mnist"), one, null, null);
    WeightsCheckpoint.save(Files.createDirectories(base.resolve("3")).resolve("mnist"), three, null, null);
    float[] x = ServingFixtures.pixels(0);
    float[] expected;
    float[] other;
    try (DigitClassifier direct = DigitClassifier.of(three, null); DigitClassifier first = DigitClassifier.of(one, null)) {
      expected = direct.probabilities(x, 1);
      other = first.probabilities(x, 1);
    }
    try (ModelServer server = ModelServer.start(ServedModel.fromVersionFolder("mnist", VersionFolders.latest(base), 1, true),
        ServingFixtures.localConfig().withGrpcPort(0))) {
      assertEquals(3, server.model().version());
      // version 3's weights, not version 1's (to rounding: the served run may be padded, another kernel path)
      float[] served = server.model().model().probabilities(x, 1);
      assertArrayEquals(expected, served, 1e-6f);
      double apart = 0;
      for (int c = 0; c < 10; c++) {
        apart = Math.max(apart, Math.abs(other[c] - served[c]));
      }
      assertTrue(apart > 1e-3, "versions 1 and 3 answer alike: " + apart);
      ServingFixtures.get(server.uri(), "v1/models/mnist/versions/3").expect(200);
      ServingFixtures.get(server.uri(), "v1/models/mnist/versions/1").expect(404);
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
      try {
        ModelVersionStatus s = ModelServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
            .getModelStatus(GetModelStatusRequest.newBuilder().setModelSpec(ModelSpec.newBuilder().setName("mnist")).build())
            .getModelVersionStatus(0);
        assertEquals(3, s.getVersion());
        assertEquals(ModelVersionStatus.State.AVAILABLE, s.getState());
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void basePathReplacesTheSingleModelFlags() {
    for (String[] args : List.of(new String[] {"--model-base-path", "m", "--weights", "a"},
        new String[] {"--model-base-path", "m", "--saved-model", "b"},
        new String[] {"--model-base-path", "m", "--model-version", "2"}, new String[] {"--grpc-port", "-1"},
        new String[] {"--poll-seconds", "2"}, new String[] {"--version-labels", "labels.txt"},
        new String[] {"--model-base-path", "m", "--model-version-policy", "newest"},
        new String[] {"--model-base-path", "m", "--poll-seconds", "-1"})) {
      StringWriter err = new StringWriter();
      CommandLine cl = new CommandLine(new ServeCommand());
      cl.setErr(new PrintWriter(err, true));
      cl.setOut(new PrintWriter(new StringWriter(), true));
      assertEquals(2, cl.execute(args), String.join(" ", args) + ": " + err);
    }
  }
}
