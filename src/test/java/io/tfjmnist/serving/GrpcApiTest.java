package io.tfjmnist.serving;

import static io.tfjmnist.serving.ServingFixtures.pixels;
import static io.tfjmnist.serving.ServingFixtures.post;
import static io.tfjmnist.serving.ServingFixtures.rows28;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.Int64Value;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.proto.error.Code;
import tensorflow.serving.Classification.ClassificationRequest;
import tensorflow.serving.GetModelMetadata.GetModelMetadataRequest;
import tensorflow.serving.GetModelMetadata.GetModelMetadataResponse;
import tensorflow.serving.GetModelMetadata.SignatureDefMap;
import tensorflow.serving.GetModelStatus.GetModelStatusRequest;
import tensorflow.serving.GetModelStatus.GetModelStatusResponse;
import tensorflow.serving.GetModelStatus.ModelVersionStatus;
import tensorflow.serving.Inference.InferenceTask;
import tensorflow.serving.Inference.MultiInferenceRequest;
import tensorflow.serving.Model.ModelSpec;
import tensorflow.serving.ModelServiceGrpc;
import tensorflow.serving.Predict.PredictRequest;
import tensorflow.serving.Predict.PredictResponse;
import tensorflow.serving.PredictionServiceGrpc;
import tensorflow.serving.PredictionServiceGrpc.PredictionServiceBlockingStub;
import tensorflow.serving.RegressionOuterClass.RegressionRequest;

/**
 * TF Serving's gRPC API end to end: a real server on 127.0.0.1 (free ports), called with the
 * grpc-java stubs generated from the same service definitions TF Serving's clients use. Each
 * image gets the same bits over gRPC as over REST, and errors carry TF Serving's status codes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrpcApiTest {
  private ModelServer server;
  private ManagedChannel channel;
  private PredictionServiceBlockingStub predictions;

  @BeforeAll
  void start() {
    server = ModelServer.start(ServedModel.fromWeights("mnist", 1, ServingFixtures.trained(), 1),
        ServingFixtures.localConfig().withGrpcPort(0));
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext()
        .maxInboundMessageSize(64 << 20).build();
    predictions = PredictionServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  @AfterAll
  void stop() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.close();
    }
  }

  private static ModelSpec spec() {
    return ModelSpec.newBuilder().setName("mnist").build();
  }

  private static TensorShapeProto shape(long... dims) {
    TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
    for (long d : dims) {
      s.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
    }
    return s.build();
  }

  /** Images {@code first..first+count-1} as a DT_FLOAT [count,28,28] tensor in float_val. */
  private static TensorProto floats(int first, int count) {
    TensorProto.Builder t = TensorProto.newBuilder().setDtype(DataType.DT_FLOAT).setTensorShape(shape(count, 28, 28));
    for (int i = 0; i < count; i++) {
      for (float v : pixels(first + i)) {
        t.addFloatVal(v);
      }
    }
    return t.build();
  }

  private PredictResponse predict(TensorProto input) {
    return predictions.predict(PredictRequest.newBuilder().setModelSpec(spec()).putInputs("input", input).build());
  }

  private static float[] values(TensorProto t) {
    float[] v = new float[t.getFloatValCount()];
    for (int i = 0; i < v.length; i++) {
      v[i] = t.getFloatVal(i);
    }
    return v;
  }

  /** REST's answer for the same images, every float read back exactly (Float.toString's digits). */
  private float[] rest(int first, int count) {
    StringBuilder body = new StringBuilder("{\"instances\": [");
    for (int i = 0; i < count; i++) {
      body.append(i == 0 ? "" : ",").append(rows28(pixels(first + i)));
    }
    float[][] rows = ServingFixtures.rows(post(server.uri(), "v1/models/mnist:predict", body.append("]}").toString())
        .expect(200).json());
    float[] flat = new float[count * 10];
    for (int i = 0; i < count; i++) {
      System.arraycopy(rows[i], 0, flat, i * 10, 10);
    }
    return flat;
  }

  private static void assertBits(float[] expected, float[] actual) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(actual[i]),
          "value " + i + ": " + expected[i] + " vs " + actual[i]);
    }
  }

  private static void assertStatus(Status.Code code, String fragment, Supplier<?> call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::get);
    assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    assertTrue(String.valueOf(e.getStatus().getDescription()).contains(fragment), e.getStatus().getDescription());
  }

  // ---- Predict -------------------------------------------------------------------------------

  @Test
  void predictAnswersTheSameBitsAsRest() {
    PredictResponse r = predict(floats(0, 17));
    assertEquals("mnist", r.getModelSpec().getName());
    assertEquals(1, r.getModelSpec().getVersion().getValue());
    assertEquals("serving_default", r.getModelSpec().getSignatureName());
    TensorProto out = r.getOutputsOrThrow("probabilities");
    assertEquals(DataType.DT_FLOAT, out.getDtype());
    assertEquals(shape(17, 10), out.getTensorShape());
    assertBits(rest(0, 17), values(out));
    // alone and inside another batch: the exact policy serves both doors
    assertBits(rest(3, 1), values(predict(floats(3, 1)).getOutputsOrThrow("probabilities")));
  }

  @Test
  void tensorContentAndEveryImageShapeGiveTheSameAnswer() {
    float[] expected = values(predict(floats(20, 3)).getOutputsOrThrow("probabilities"));
    ByteBuffer bytes = ByteBuffer.allocate(3 * 784 * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 3; i++) {
      for (float v : pixels(20 + i)) {
        bytes.putFloat(v);
      }
    }
    for (long[] dims : new long[][] {{3, 28, 28}, {3, 28, 28, 1}, {3, 784}}) {
      TensorProto t = TensorProto.newBuilder().setDtype(DataType.DT_FLOAT).setTensorShape(shape(dims))
          .setTensorContent(ByteString.copyFrom(bytes.array())).build();
      assertBits(expected, values(predict(t).getOutputsOrThrow("probabilities")));
    }
  }

  @Test
  void encodedImagesAreDecodedAsRestDecodesB64() {
    byte[] png = ServingFixtures.imageFile(pixels(7), 4, true, "png");
    TensorProto t = TensorProto.newBuilder().setDtype(DataType.DT_STRING).setTensorShape(shape(2))
        .addStringVal(ByteString.copyFrom(png)).addStringVal(ByteString.copyFrom(png)).build();
    float[] grpc = values(predict(t).getOutputsOrThrow("probabilities"));
    String b64 = Base64.getEncoder().encodeToString(png);
    float[][] rest = ServingFixtures.rows(post(server.uri(), "v1/models/mnist:predict",
        "{\"instances\": [{\"b64\": \"" + b64 + "\"}, {\"b64\": \"" + b64 + "\"}]}").expect(200).json());
    assertBits(rest[0], java.util.Arrays.copyOfRange(grpc, 0, 10));
    assertBits(rest[1], java.util.Arrays.copyOfRange(grpc, 10, 20));
    assertEquals(ServingFixtures.argmax(rest[0]), ServingFixtures.testImages().label(7));
  }

  @Test
  void versionSignatureAndOutputFilterAreHonoured() {
    PredictRequest.Builder req = PredictRequest.newBuilder().putInputs("input", floats(0, 1))
        .setModelSpec(ModelSpec.newBuilder().setName("mnist").setVersion(Int64Value.of(1)).setSignatureName("serving_default"));
    assertEquals(1, predictions.predict(req.build()).getOutputsCount());
    assertEquals(1, predictions.predict(req.addOutputFilter("probabilities").build()).getOutputsCount());
    assertStatus(Status.Code.INVALID_ARGUMENT, "'logits'", () -> predictions.predict(req.addOutputFilter("logits").build()));
  }

  @Test
  void unknownModelVersionOrLabelIsNotFound() {
    TensorProto x = floats(0, 1);
    assertStatus(Status.Code.NOT_FOUND, "Servable not found for request: Latest(fashion)", () -> predictions.predict(
        PredictRequest.newBuilder().setModelSpec(ModelSpec.newBuilder().setName("fashion")).putInputs("input", x).build()));
    assertStatus(Status.Code.NOT_FOUND, "Specific(mnist, 2)", () -> predictions.predict(PredictRequest.newBuilder()
        .setModelSpec(ModelSpec.newBuilder().setName("mnist").setVersion(Int64Value.of(2))).putInputs("input", x).build()));
    assertStatus(Status.Code.NOT_FOUND, "label: canary", () -> predictions.predict(PredictRequest.newBuilder()
        .setModelSpec(ModelSpec.newBuilder().setName("mnist").setVersionLabel("canary")).putInputs("input", x).build()));
  }

  @Test
  void badInputsAreInvalidArgument() {
    assertStatus(Status.Code.INVALID_ARGUMENT, "has shape [1,27,28]", () -> predict(TensorProto.newBuilder()
        .setDtype(DataType.DT_FLOAT).setTensorShape(shape(1, 27, 28)).addFloatVal(0).build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "DT_INT32", () -> predict(TensorProto.newBuilder()
        .setDtype(DataType.DT_INT32).setTensorShape(shape(1, 784)).addIntVal(0).build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "needs 784", () -> predict(TensorProto.newBuilder()
        .setDtype(DataType.DT_FLOAT).setTensorShape(shape(1, 784)).addFloatVal(0).addFloatVal(1).build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "NaN", () -> predict(TensorProto.newBuilder()
        .setDtype(DataType.DT_FLOAT).setTensorShape(shape(1, 784)).addFloatVal(Float.NaN).build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "is text, not an image", () -> predict(TensorProto.newBuilder()
        .setDtype(DataType.DT_STRING).setTensorShape(shape(1)).addStringVal(ByteString.copyFromUtf8("hello")).build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "'pixels'", () -> predictions.predict(PredictRequest.newBuilder()
        .setModelSpec(spec()).putInputs("pixels", floats(0, 1)).build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "\"nope\" not found", () -> predictions.predict(PredictRequest.newBuilder()
        .setModelSpec(ModelSpec.newBuilder().setName("mnist").setSignatureName("nope")).putInputs("input", floats(0, 1))
        .build()));
  }

  @Test
  void messagesOverTheBodyLimitAreRefused() {
    TensorProto big = TensorProto.newBuilder().setDtype(DataType.DT_FLOAT).setTensorShape(shape(3500, 784))
        .setTensorContent(ByteString.copyFrom(new byte[3500 * 784 * 4])).build(); // 11 MB > 10 MiB
    assertStatus(Status.Code.RESOURCE_EXHAUSTED, "", () -> predict(big));
  }

  // ---- metadata, status and the other methods -----------------------------------------------

  @Test
  void metadataIsASignatureDefMapInAnAny() throws Exception {
    GetModelMetadataResponse r = predictions.getModelMetadata(GetModelMetadataRequest.newBuilder().setModelSpec(spec())
        .addMetadataField("signature_def").build());
    assertEquals(1, r.getModelSpec().getVersion().getValue());
    SignatureDefMap map = r.getMetadataOrThrow("signature_def").unpack(SignatureDefMap.class);
    SignatureDef sig = map.getSignatureDefOrThrow("serving_default");
    assertEquals("tensorflow/serving/predict", sig.getMethodName());
    TensorInfo in = sig.getInputsOrThrow("input");
    assertEquals(DataType.DT_FLOAT, in.getDtype());
    assertEquals(shape(-1, 28, 28, 1), in.getTensorShape());
    assertEquals(shape(-1, 10), sig.getOutputsOrThrow("probabilities").getTensorShape());
    assertStatus(Status.Code.INVALID_ARGUMENT, "metadata_field", () -> predictions.getModelMetadata(
        GetModelMetadataRequest.newBuilder().setModelSpec(spec()).build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "'graph'", () -> predictions.getModelMetadata(
        GetModelMetadataRequest.newBuilder().setModelSpec(spec()).addMetadataField("graph").build()));
  }

  @Test
  void modelStatusListsTheVersionAvailable() {
    var status = ModelServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
    GetModelStatusResponse r = status.getModelStatus(GetModelStatusRequest.newBuilder().setModelSpec(spec()).build());
    assertEquals(1, r.getModelVersionStatusCount());
    ModelVersionStatus v = r.getModelVersionStatus(0);
    assertEquals(1, v.getVersion());
    assertEquals(ModelVersionStatus.State.AVAILABLE, v.getState());
    assertEquals(Code.OK, v.getStatus().getErrorCode());
    assertStatus(Status.Code.NOT_FOUND, "Could not find any versions of model other", () -> status.getModelStatus(
        GetModelStatusRequest.newBuilder().setModelSpec(ModelSpec.newBuilder().setName("other")).build()));
    assertStatus(Status.Code.NOT_FOUND, "Could not find version 3 of model mnist", () -> status.getModelStatus(
        GetModelStatusRequest.newBuilder().setModelSpec(ModelSpec.newBuilder().setName("mnist")
            .setVersion(Int64Value.of(3))).build()));
  }

  @Test
  void classifyRegressAndMultiInferenceAnswerAsForAPredictOnlyModel() {
    assertStatus(Status.Code.INVALID_ARGUMENT, "Expected classification signature method_name to be"
        + " tensorflow/serving/classify. Was: tensorflow/serving/predict",
        () -> predictions.classify(ClassificationRequest.newBuilder().setModelSpec(spec()).build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "Expected regression signature method_name",
        () -> predictions.regress(RegressionRequest.newBuilder().setModelSpec(spec()).build()));
    assertStatus(Status.Code.UNIMPLEMENTED, "Unsupported signature method_name", () -> predictions.multiInference(
        MultiInferenceRequest.newBuilder().addTasks(InferenceTask.newBuilder().setModelSpec(spec())
            .setMethodName("tensorflow/serving/predict")).build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "no tasks",
        () -> predictions.multiInference(MultiInferenceRequest.getDefaultInstance()));
  }
}
