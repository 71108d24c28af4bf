package io.tfjmnist.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Int64Value;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.tfjmnist.inference.DigitClassifier;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.modelfiles.LoadedModel;
import io.tfjmnist.modelfiles.ModelFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;
import tensorflow.serving.GetModelStatus.GetModelStatusRequest;
import tensorflow.serving.GetModelStatus.GetModelStatusResponse;
import tensorflow.serving.Model.ModelSpec;
import tensorflow.serving.ModelServiceGrpc;
import tensorflow.serving.Predict.PredictRequest;
import tensorflow.serving.Predict.PredictResponse;
import tensorflow.serving.PredictionServiceGrpc;

/**
 * Hot reload under load, on 127.0.0.1: 8 clients (4 REST, 4 gRPC) predict in a loop while version
 * 2, then 3, then a broken 4 appear in the base path and 2 is removed. No request fails; every
 * answer is bit for bit the one the version that served it gives (each version has other weights,
 * so the answers tell the versions apart); a client never goes back to an older version; version 3
 * is available within the poll interval plus its load time; {@code /metrics} counts each version's
 * runs under its own version label.
 */
class HotReloadTest {
  private static final long POLL_MILLIS = 200;
  private static final ModelArchitecture ARCH = ModelArchitecture.quickstartCnn();

  /** A fixed image (no dataset needed): the versions' random weights tell it apart anyway. */
  private static final float[] IMAGE = image();

  private static float[] image() {
    Random r = new Random(23);
    float[] x = new float[784];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextFloat() < 0.2f ? r.nextFloat() : 0f;
    }
    return x;
  }

  /** Writes a version folder whole: under another name first, then renamed, as a deployment should. */
  private static void deploy(Path base, long version, ModelWeights weights) throws Exception {
    appear(base, version, prepare(base, version, weights));
  }

  private static Path prepare(Path base, long version, ModelWeights weights) throws Exception {
    Path incoming = Files.createDirectories(base.resolve("incoming-" + version));
    if (weights == null) {
      Files.writeString(incoming.resolve("mnist.keras"), "not a zip archive"); // the broken version
    } else {
      ModelFiles.write(incoming.resolve("mnist.weights.h5"), LoadedModel.of(weights, null, null), null);
    }
    return incoming;
  }

  private static void appear(Path base, long version, Path incoming) throws Exception {
    Files.move(incoming, base.resolve(Long.toString(version)));
  }

  private static void delete(Path dir) throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Collections.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** One answer: the version gRPC says served it (-1 over REST, which does not say) and its bits. */
  private record Answer(long version, float[] probs) {}

  @Test
  void versionsRollForwardUnderLoadWithoutAFailedRequest(@TempDir Path base) throws Exception {
    Map<Long, ModelWeights> weights = new HashMap<>();
    for (long v = 1; v <= 3; v++) {
      weights.put(v, ModelWeights.glorotUniform(ARCH, 100 + v));
    }
    deploy(base, 1, weights.get(1L));
    Path labels = Files.writeString(base.resolve("labels.txt"), "stable=3\n");
    ModelVersions versions = ModelVersions.fromFolder("mnist", base, VersionPolicy.LATEST, labels,
        v -> ServedModel.fromVersionFolder("mnist", v, 1, true));
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger failures = new AtomicInteger();
    List<String> failureTexts = Collections.synchronizedList(new ArrayList<>());
    List<List<Answer>> answers = new ArrayList<>();
    List<Thread> clients = new ArrayList<>();
    long swapMillis;
    try (ModelServer server = ModelServer.start(versions, ServingFixtures.localConfig().withGrpcPort(0), POLL_MILLIS)) {
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
      try {
        String restBody = "{\"instances\": [" + ServingFixtures.rows28(IMAGE) + "]}";
        PredictRequest grpcRequest = PredictRequest.newBuilder().setModelSpec(ModelSpec.newBuilder().setName("mnist"))
            .putInputs("input", tensor(IMAGE)).build();
        for (int c = 0; c < 8; c++) {
          List<Answer> mine = Collections.synchronizedList(new ArrayList<>());
          answers.add(mine);
          boolean rest = c % 2 == 0;
          Thread t = new Thread(() -> {
            while (running.get()) {
              try {
                if (rest) {
                  ServingFixtures.Reply r = ServingFixtures.post(server.uri(), "v1/models/mnist:predict", restBody);
                  if (r.status() != 200) {
                    throw new IllegalStateException("HTTP " + r.status() + ": " + r.body());
                  }
                  mine.add(new Answer(-1, ServingFixtures.rows(r.json())[0]));
                } else {
                  PredictResponse p = PredictionServiceGrpc.newBlockingStub(channel)
                      .withDeadlineAfter(30, TimeUnit.SECONDS).predict(grpcRequest);
                  TensorProto out = p.getOutputsOrThrow("probabilities");
                  float[] probs = new float[out.getFloatValCount()];
                  for (int i = 0; i < probs.length; i++) {
                    probs[i] = out.getFloatVal(i);
                  }
                  mine.add(new Answer(p.getModelSpec().getVersion().getValue(), probs));
                }
              } catch (RuntimeException e) {
                failures.incrementAndGet();
                failureTexts.add(e.toString());
              }
            }
          }, "reload-client-" + c);
          clients.add(t);
          t.start();
        }
        Thread.sleep(800);
        deploy(base, 2, weights.get(2L));
        awaitState(versions, 2, ModelVersions.State.AVAILABLE);
        Thread.sleep(800);
        String atTwo = ServingFixtures.get(server.uri(), "metrics").expect(200).body();
        Path three = prepare(base, 3, weights.get(3L));
        long t0 = System.nanoTime();
        appear(base, 3, three);
        awaitState(versions, 3, ModelVersions.State.AVAILABLE);
        swapMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        double loadSeconds = server.model().loadSeconds();
        assertEquals(3, server.model().version());
        Thread.sleep(800);
        deploy(base, 4, null);
        awaitState(versions, 4, ModelVersions.State.END);
        Thread.sleep(500);
        delete(base.resolve("2"));
        Thread.sleep(2 * POLL_MILLIS + 300);
        running.set(false);
        for (Thread t : clients) {
          t.join(30_000);
        }
        assertEquals(0, failures.get(), () -> "failed requests: " + failureTexts.subList(0, Math.min(5, failureTexts.size())));
        assertTrue(swapMillis <= POLL_MILLIS + loadSeconds * 1000 + 1500,
            "version 3 available after " + swapMillis + " ms; poll " + POLL_MILLIS + " ms, load " + loadSeconds + " s");

        JsonNode status = ServingFixtures.get(server.uri(), "v1/models/mnist").expect(200).json();
        JsonNode listed = status.get("model_version_status");
        assertEquals("4 END 3 AVAILABLE 2 END 1 END", String.join(" ", java.util.stream.StreamSupport
            .stream(listed.spliterator(), false).map(n -> n.get("version").asText() + " " + n.get("state").asText())
            .toList()));
        assertEquals("UNKNOWN", listed.get(0).get("status").get("error_code").asText());
        assertTrue(listed.get(0).get("status").get("error_message").asText().contains("mnist.keras"), listed.get(0).toString());
        assertEquals("OK", listed.get(1).get("status").get("error_code").asText());
        ServingFixtures.get(server.uri(), "v1/models/mnist/versions/2").expect(200);
        ServingFixtures.post(server.uri(), "v1/models/mnist/versions/2:predict", restBody).expect(404);

        checkAnswers(answers, weights, server, restBody);
        checkMetrics(atTwo, ServingFixtures.get(server.uri(), "metrics").expect(200).body(), loadSeconds);
        checkGrpcStatusAndLabels(channel, grpcRequest);
        System.out.printf(java.util.Locale.ROOT, "HotReloadTest: %d answers, 0 failed; version 3 available %d ms after"
            + " its folder appeared (poll %d ms, load %.2f s)%n", answers.stream().mapToInt(List::size).sum(), swapMillis,
            POLL_MILLIS, loadSeconds);
      } finally {
        running.set(false);
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  /** Every answer is its version's one set of bits, each version's own (near its weights' direct forward pass). */
  private static void checkAnswers(List<List<Answer>> answers, Map<Long, ModelWeights> weights, ModelServer server,
      String restBody) throws Exception {
    Map<Long, float[]> bitsOf = new HashMap<>();
    for (List<Answer> client : answers) {
      for (Answer a : client) {
        if (a.version() >= 0) {
          float[] seen = bitsOf.putIfAbsent(a.version(), a.probs());
          if (seen != null && !Arrays.equals(seen, a.probs())) {
            throw new AssertionError("version " + a.version() + " gave two answers: " + Arrays.toString(seen) + " and "
                + Arrays.toString(a.probs()));
          }
        }
      }
    }
    assertEquals(List.of(1L, 2L, 3L), bitsOf.keySet().stream().sorted().toList(), "versions that answered over gRPC");
    for (long v = 1; v <= 3; v++) {
      try (DigitClassifier direct = DigitClassifier.of(weights.get(v), null)) {
        float[] expected = direct.probabilities(IMAGE, 1);
        float[] served = bitsOf.get(v);
        for (int c = 0; c < 10; c++) {
          assertEquals(expected[c], served[c], 1e-5f, "version " + v + " class " + c);
        }
      }
      for (long w = 1; w < v; w++) {
        assertNotEquals(Arrays.toString(bitsOf.get(w)), Arrays.toString(bitsOf.get(v)), "versions " + w + " and " + v);
      }
    }
    // REST answers carry no version: each must be one version's bits, and a client never goes back
    for (List<Answer> client : answers) {
      long last = 0;
      for (Answer a : client) {
        long v = a.version();
        if (v < 0) {
          v = bitsOf.entrySet().stream().filter(e -> Arrays.equals(e.getValue(), a.probs())).map(Map.Entry::getKey)
              .findFirst().orElseThrow(() -> new AssertionError("a REST answer no version gives: "
                  + Arrays.toString(a.probs())));
        }
        assertTrue(v >= last, "a client got version " + v + " after version " + last);
        last = v;
      }
      assertTrue(client.size() > 3, "a client made only " + client.size() + " requests");
    }
    float[] three = ServingFixtures.rows(ServingFixtures.post(server.uri(), "v1/models/mnist/versions/3:predict",
        restBody).expect(200).json())[0];
    assertTrue(Arrays.equals(bitsOf.get(3L), three), "version 3 asked by number");
  }

  /**
   * {@code /metrics} counts each version's runs under its own label while it serves, and lists only
   * the versions in service: 2's series were there while it served and are gone with it, 3's are
   * there at the end, the broken 4 never had any.
   */
  private static void checkMetrics(String atTwo, String atEnd, double loadSecondsOfThree) {
    assertTrue(ModelServerApiTest.value(atTwo, "tfj_serving_predictions_total{model=\"mnist\",version=\"2\"}") > 0, atTwo);
    assertTrue(ModelServerApiTest.value(atTwo, "tfj_serving_batch_size_count{model=\"mnist\",version=\"2\"}") > 0, atTwo);
    assertTrue(ModelServerApiTest.value(atEnd, "tfj_serving_predictions_total{model=\"mnist\",version=\"3\"}") > 0, atEnd);
    assertEquals(loadSecondsOfThree,
        ModelServerApiTest.value(atEnd, "tfj_serving_model_load_seconds{model=\"mnist\",version=\"3\"}"), 1e-9);
    for (String gone : List.of("version=\"1\"", "version=\"2\"", "version=\"4\"")) {
      assertFalse(atEnd.contains(gone), "no series of an unloaded or failed version (" + gone + "):\n" + atEnd);
    }
  }

  /** gRPC's GetModelStatus lists what REST does; a label picks its version, an unknown one is NOT_FOUND. */
  private static void checkGrpcStatusAndLabels(ManagedChannel channel, PredictRequest request) {
    GetModelStatusResponse status = ModelServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
        .getModelStatus(GetModelStatusRequest.newBuilder().setModelSpec(ModelSpec.newBuilder().setName("mnist")).build());
    assertEquals("4 END UNKNOWN, 3 AVAILABLE OK, 2 END OK, 1 END OK", String.join(", ", status.getModelVersionStatusList()
        .stream().map(v -> v.getVersion() + " " + v.getState() + " " + v.getStatus().getErrorCode()).toList()));
    assertTrue(status.getModelVersionStatus(0).getStatus().getErrorMessage().contains("mnist.keras"));
    PredictionServiceGrpc.PredictionServiceBlockingStub stub = PredictionServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(20, TimeUnit.SECONDS);
    PredictResponse stable = stub.predict(request.toBuilder()
        .setModelSpec(ModelSpec.newBuilder().setName("mnist").setVersionLabel("stable")).build());
    assertEquals(3, stable.getModelSpec().getVersion().getValue());
    StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class, () -> stub.predict(request.toBuilder()
        .setModelSpec(ModelSpec.newBuilder().setName("mnist").setVersionLabel("canary")).build()));
    assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
    assertEquals("Unrecognized servable version label: canary", unknown.getStatus().getDescription());
    StatusRuntimeException gone = assertThrows(StatusRuntimeException.class, () -> stub.predict(request.toBuilder()
        .setModelSpec(ModelSpec.newBuilder().setName("mnist").setVersion(Int64Value.of(2))).build()));
    assertEquals(Status.Code.NOT_FOUND, gone.getStatus().getCode());
  }

  private static void awaitState(ModelVersions versions, long version, ModelVersions.State state) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      try {
        if (versions.statuses("mnist", version, null).get(0).state() == state) {
          return;
        }
      } catch (ApiException notYetSeen) {
        // the poll has not seen the folder yet
      }
      Thread.sleep(10);
    }
    throw new AssertionError("version " + version + " not " + state + " within 30 s: "
        + versions.statuses("mnist", null, null));
  }

  private static TensorProto tensor(float[] x) {
    TensorProto.Builder t = TensorProto.newBuilder().setDtype(DataType.DT_FLOAT).setTensorShape(TensorShapeProto
        .newBuilder().addDim(TensorShapeProto.Dim.newBuilder().setSize(1))
        .addDim(TensorShapeProto.Dim.newBuilder().setSize(28)).addDim(TensorShapeProto.Dim.newBuilder().setSize(28)));
    for (float v : x) {
      t.addFloatVal(v);
    }
    return t.build();
  }
}
