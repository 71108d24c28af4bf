package io.tfjmnist.serving;

import static io.tfjmnist.serving.ServingFixtures.argmax;
import static io.tfjmnist.serving.ServingFixtures.flat;
import static io.tfjmnist.serving.ServingFixtures.get;
import static io.tfjmnist.serving.ServingFixtures.pixels;
import static io.tfjmnist.serving.ServingFixtures.post;
import static io.tfjmnist.serving.ServingFixtures.row;
import static io.tfjmnist.serving.ServingFixtures.rows28;
import static io.tfjmnist.serving.ServingFixtures.rows28x1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tfjmnist.images.preprocessing.Preprocessing;
import io.tfjmnist.serving.ServingFixtures.Reply;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The REST API end to end: a real server on 127.0.0.1 (free port) serving a trained model,
 * called with {@link java.net.http.HttpClient}. Every endpoint, both request formats, every
 * accepted instance form, and the error cases with their statuses and messages.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModelServerApiTest {
  private ModelServer server;
  private URI base;

  @BeforeAll
  void start() {
    server = ModelServer.start(ServedModel.fromWeights("mnist", 1, ServingFixtures.trained(), 1),
        ServingFixtures.localConfig());
    base = server.uri();
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private float[] direct(float[] x) {
    return server.model().model().probabilities(x, 1);
  }

  // ---- model status -----------------------------------------------------------------------

  @Test
  void modelStatusIsTfServingsJson() throws Exception {
    Reply r = get(base, "v1/models/mnist").expect(200);
    assertTrue(r.contentType().startsWith("application/json"), r.contentType());
    JsonNode expected = ServingFixtures.JSON.readTree("{\"model_version_status\":[{\"version\":\"1\",\"state\":\"AVAILABLE\","
        + "\"status\":{\"error_code\":\"OK\",\"error_message\":\"\"}}]}");
    assertEquals(expected, r.json());
    assertEquals(expected, get(base, "v1/models/mnist/versions/1").expect(200).json());
  }

  @Test
  void modelStatusOfUnknownModelOrVersionIs404() {
    assertEquals("Could not find any versions of model fashion", get(base, "v1/models/fashion").expect(404).error());
    assertEquals("Could not find version 2 of model mnist", get(base, "v1/models/mnist/versions/2").expect(404).error());
    assertTrue(get(base, "v1/models/mnist/labels/stable").expect(404).error().contains("stable"));
    assertTrue(get(base, "v1/models/mnist/versions/x").expect(404).error().startsWith("Malformed request: GET"));
  }

  // ---- metadata ---------------------------------------------------------------------------

  @Test
  void metadataDescribesTheSignatureLikeTfServing() {
    JsonNode m = get(base, "v1/models/mnist/metadata").expect(200).json();
    assertEquals("mnist", m.at("/model_spec/name").asText());
    assertEquals("1", m.at("/model_spec/version").asText());
    assertEquals("", m.at("/model_spec/signature_name").asText());
    JsonNode sig = m.at("/metadata/signature_def/signature_def/serving_default");
    assertEquals("tensorflow/serving/predict", sig.get("method_name").asText());
    JsonNode in = sig.at("/inputs/input");
    assertEquals("DT_FLOAT", in.get("dtype").asText());
    assertEquals(List.of("-1", "28", "28", "1"), sizes(in));
    assertFalse(in.at("/tensor_shape/unknown_rank").asBoolean());
    JsonNode out = sig.at("/outputs/probabilities");
    assertEquals("DT_FLOAT", out.get("dtype").asText());
    assertEquals(List.of("-1", "10"), sizes(out));
    assertEquals(m, get(base, "v1/models/mnist/versions/1/metadata").expect(200).json());
    assertEquals("Servable not found for request: Specific(mnist, 7)",
        get(base, "v1/models/mnist/versions/7/metadata").expect(404).error());
    assertEquals("Servable not found for request: Latest(other)", get(base, "v1/models/other/metadata").expect(404).error());
  }

  private static List<String> sizes(JsonNode tensorInfo) {
    List<String> s = new ArrayList<>();
    tensorInfo.at("/tensor_shape/dim").forEach(d -> s.add(d.get("size").asText()));
    return s;
  }

  // ---- predict: the accepted forms --------------------------------------------------------

  @Test
  void rowFormatAcceptsEveryImageLayoutAndMatchesTheModel() {
    float[][] x = {pixels(0), pixels(1), pixels(2), pixels(3)};
    String body = "{\"instances\": [" + rows28(x[0]) + ", " + rows28x1(x[1]) + ", " + flat(x[2]) + ", {\"input\": "
        + rows28(x[3]) + "}]}";
    JsonNode json = post(base, "v1/models/mnist:predict", body).expect(200).json();
    assertEquals(1, json.size(), "only \"predictions\": " + json);
    JsonNode predictions = json.get("predictions");
    assertEquals(4, predictions.size());
    int[] labels = new int[4];
    for (int i = 0; i < 4; i++) {
      float[] p = row(predictions, i);
      assertArrayEquals(direct(x[i]), p, 1e-6f, "image " + i);
      labels[i] = argmax(p);
    }
    assertArrayEquals(new int[] {7, 2, 1, 0}, labels, "MNIST test #0..3 are 7, 2, 1, 0");
  }

  @Test
  void columnarFormatAnswersWithOutputs() {
    float[] a = pixels(0);
    float[] b = pixels(1);
    JsonNode plain = post(base, "v1/models/mnist:predict", "{\"inputs\": [" + rows28(a) + "," + rows28(b) + "]}")
        .expect(200).json();
    JsonNode outputs = plain.get("outputs");
    assertEquals(2, outputs.size());
    assertArrayEquals(direct(a), row(outputs, 0), 1e-6f);
    assertArrayEquals(direct(b), row(outputs, 1), 1e-6f);
    JsonNode named = post(base, "v1/models/mnist:predict",
        "{\"signature_name\": \"serving_default\", \"inputs\": {\"input\": [" + flat(a) + "]}}").expect(200).json();
    assertArrayEquals(direct(a), row(named.get("outputs"), 0), 1e-6f);
    JsonNode x1 = post(base, "v1/models/mnist:predict", "{\"inputs\": [" + rows28x1(b) + "]}").expect(200).json();
    assertArrayEquals(direct(b), row(x1.get("outputs"), 0), 1e-6f);
  }

  @Test
  void versionedUrlAndSignatureName() {
    String body = "{\"signature_name\": \"serving_default\", \"instances\": [" + flat(pixels(4)) + "]}";
    JsonNode p = post(base, "v1/models/mnist/versions/1:predict", body).expect(200).json().get("predictions");
    assertEquals(4, argmax(row(p, 0)));
    assertEquals(200, post(base, "V1/MODELS/mnist:PREDICT", body).status(), "TF Serving's URLs are case-insensitive");
  }

  @Test
  void b64PngThroughPredictPyPreprocessingEqualsTheRawPixels() {
    // 'predict-py' preprocessing is Pillow's (255 - x) / 255 on a 28x28 greyscale image: exact for this PNG
    try (ModelServer seed = ModelServer.start(ServedModel.fromWeights("mnist", 1, ServingFixtures.trained(), 1),
        ServingFixtures.localConfig().withPreprocessing(Preprocessing.PREDICT_PY))) {
      float[] x = pixels(0);
      String png = Base64.getEncoder().encodeToString(ServingFixtures.imageFile(x, 1, true, "png"));
      JsonNode p = post(seed.uri(), "v1/models/mnist:predict", "{\"instances\": [{\"b64\": \"" + png + "\"}]}")
          .expect(200).json().get("predictions");
      assertArrayEquals(direct(x), row(p, 0), 1e-6f);
    }
  }

  @Test
  void b64ImagesThroughTheDefaultMnistPreprocessing() {
    float[] seven = pixels(0);
    String png = Base64.getEncoder().encodeToString(ServingFixtures.imageFile(seven, 4, true, "png"));
    String jpeg = Base64.getEncoder().encodeToString(ServingFixtures.imageFile(seven, 4, true, "jpeg"));
    JsonNode row = post(base, "v1/models/mnist:predict",
        "{\"instances\": [{\"b64\": \"" + png + "\"}, {\"b64\": \"" + jpeg + "\"}]}").expect(200).json().get("predictions");
    JsonNode col = post(base, "v1/models/mnist:predict",
        "{\"inputs\": {\"input\": [{\"b64\": \"" + png + "\"}]}}").expect(200).json().get("outputs");
    for (float[] p : new float[][] {row(row, 0), row(row, 1), row(col, 0)}) {
      float sum = 0;
      for (float v : p) {
        sum += v;
      }
      assertEquals(1f, sum, 1e-4f);
      assertEquals(7, argmax(p), "a 7 photographed as ink on paper is still a 7");
    }
  }

  // ---- predict: errors --------------------------------------------------------------------

  static Stream<Arguments> badBodies() {
    String ok = rows28(new float[784]);
    String wide = "[" + "[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0],".repeat(27)
        + "[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]]";
    String nan = ok.replaceFirst("0\\.0", "NaN");
    String inf = ok.replaceFirst("0\\.0", "-Infinity");
    String huge = ok.replaceFirst("0\\.0", "1e39");
    String str = ok.replaceFirst("0\\.0", "\"0.5\"");
    String nul = ok.replaceFirst("0\\.0", "null");
    String ragged = ok.replaceFirst("\\[0\\.0,", "[");
    return Stream.of(
        Arguments.of("", "The request body is empty"),
        Arguments.of("{\"instances\": [" + ok, "Malformed JSON"),
        Arguments.of("not json", "Malformed JSON"),
        Arguments.of("[1, 2]", "must be a JSON object"),
        Arguments.of("{}", "Missing \"instances\" or \"inputs\""),
        Arguments.of("{\"instances\": [], \"inputs\": []}", "not both"),
        Arguments.of("{\"instances\": []}", "\"instances\" is empty"),
        Arguments.of("{\"instances\": 5}", "\"instances\" must be a list"),
        Arguments.of("{\"instances\": [" + wide + "]}", "instances[0] has shape [28,29]"),
        Arguments.of("{\"instances\": [[1, 2, 3]]}", "instances[0] has shape [3]"),
        Arguments.of("{\"instances\": [" + ok + ", [[1]]]}", "instances[1] has shape [1,1]"),
        Arguments.of("{\"instances\": [" + ragged + "]}", "ragged"),
        Arguments.of("{\"instances\": [" + nan + "]}", "NaN"),
        Arguments.of("{\"instances\": [" + inf + "]}", "-Infinity"),
        Arguments.of("{\"instances\": [" + huge + "]}", "too large for float32"),
        Arguments.of("{\"instances\": [" + str + "]}", "a string where a number was expected"),
        Arguments.of("{\"instances\": [[" + "3e38,".repeat(783) + "3e38]]}", "output for image 0 is not a number"),
        Arguments.of("{\"instances\": [" + nul + "]}", "null where a number was expected"),
        Arguments.of("{\"instances\": [\"abc\"]}", "instances[0] is a string"),
        Arguments.of("{\"instances\": [[[[[[[0]]]]]]]}", "nested more than"),
        Arguments.of("{\"instances\": [{\"images\": " + ok + "}]}", "names input 'images'"),
        Arguments.of("{\"instances\": [{\"b64\": \"***\"}]}", "not valid base64"),
        Arguments.of("{\"instances\": [{\"b64\": \"aGVsbG8gd29ybGQ=\"}]}", "instances[0]: The file"),
        Arguments.of("{\"instances\": [{\"b64\": 5}]}", "b64 must be a base64 string"),
        Arguments.of("{\"inputs\": " + ok + "}", "inputs has shape [28,28]; expected [N,28,28]"),
        Arguments.of("{\"inputs\": {\"x\": [" + ok + "]}}", "names input 'x'"),
        Arguments.of("{\"inputs\": 3}", "inputs must be a batch"),
        Arguments.of("{\"signature_name\": \"classify\", \"instances\": [" + ok + "]}",
            "Serving signature name: \"classify\" not found in signature def"),
        Arguments.of("{\"signature_name\": 1, \"instances\": [" + ok + "]}", "\"signature_name\" must be a string"),
        Arguments.of("{\"instances\": [" + ok + "], \"instances\": [" + ok + "]}", "Duplicate field"));
  }

  @ParameterizedTest
  @MethodSource("badBodies")
  void badRequestsGet400WithAClearMessage(String body, String expected) {
    Reply r = post(base, "v1/models/mnist:predict", body).expect(400);
    assertTrue(r.contentType().startsWith("application/json"));
    assertTrue(r.error().contains(expected), () -> "expected '" + expected + "' in: " + r.error());
    assertFalse(r.body().contains("\tat "), "no stack trace");
    assertFalse(r.body().contains("Exception"), "no exception names: " + r.body());
  }

  @Test
  void unknownModelVersionOrVerb() {
    String body = "{\"instances\": [" + flat(pixels(0)) + "]}";
    assertEquals("Servable not found for request: Latest(digits)", post(base, "v1/models/digits:predict", body).expect(404).error());
    assertEquals("Servable not found for request: Specific(mnist, 2)",
        post(base, "v1/models/mnist/versions/2:predict", body).expect(404).error());
    assertTrue(post(base, "v1/models/mnist:classify", body).expect(400).error()
        .contains("Expected classification signature method_name to be tensorflow/serving/classify"));
    assertTrue(post(base, "v1/models/mnist:explain", body).expect(404).error().startsWith("Malformed request: POST"));
  }

  @Test
  void wrongMethodsGet405() {
    Reply r = get(base, "v1/models/mnist:predict").expect(405);
    assertEquals("POST", r.raw().headers().firstValue("Allow").orElse(""));
    assertTrue(r.error().contains("use POST"));
    post(base, "v1/models/mnist", "{}").expect(405);
    post(base, "metrics", "{}").expect(405);
    post(base, "", "{}").expect(405);
  }

  @Test
  void unknownPathsGet404Json() {
    Reply r = get(base, "nothing/here").expect(404);
    assertTrue(r.error().contains("Not found: GET /nothing/here"), r.error());
    get(base, "v1/other").expect(404);
  }

  @Test
  void bodiesOverTheLimitGet413() {
    try (ModelServer small = ModelServer.start(ServedModel.fromWeights("mnist", 1, ServingFixtures.random(), 1),
        ServingFixtures.localConfig().withMaxBodyBytes(64 * 1024))) {
      String big = "{\"instances\": [" + (flat(pixels(0)) + ",").repeat(30) + flat(pixels(0)) + "]}";
      assertTrue(big.length() > 64 * 1024);
      // declared length over the limit: refused before reading
      Reply declared = post(small.uri(), "v1/models/mnist:predict", big).expect(413);
      assertTrue(declared.error().contains("larger than the limit of 65536 bytes"), declared.error());
      // chunked (no length): refused once the limit is crossed
      Reply chunked = ServingFixtures.send(HttpRequest.newBuilder(small.uri().resolve("v1/models/mnist:predict"))
          .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big.getBytes()))))
          .expect(413);
      assertTrue(chunked.error().contains("larger than the limit"));
      // under the limit still fine
      post(small.uri(), "v1/models/mnist:predict", "{\"instances\": [" + flat(pixels(0)) + "]}").expect(200);
    }
  }

  @Test
  void bigBatchesAreServed() {
    StringBuilder sb = new StringBuilder("{\"inputs\": [");
    int n = 300;
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "" : ",").append(flat(pixels(i)));
    }
    JsonNode out = post(base, "v1/models/mnist:predict", sb.append("]}").toString()).expect(200).json().get("outputs");
    assertEquals(n, out.size());
    int right = 0;
    for (int i = 0; i < n; i++) {
      right += argmax(row(out, i)) == ServingFixtures.testImages().label(i) ? 1 : 0;
    }
    assertTrue(right >= n * 0.85, right + " of " + n + " right");
  }

  // ---- page, health, metrics --------------------------------------------------------------

  @Test
  void drawingPageIsServedFromTheJarWithoutExternalResources() {
    Reply page = get(base, "").expect(200);
    assertTrue(page.contentType().startsWith("text/html"), page.contentType());
    assertTrue(page.body().contains("<canvas id=\"pad\""));
    assertTrue(page.body().contains("data-model=\"mnist\""), "model name filled in");
    Reply js = get(base, "app.js").expect(200);
    assertTrue(js.contentType().startsWith("text/javascript"));
    Reply css = get(base, "app.css").expect(200);
    get(base, "favicon.svg").expect(200);
    for (Reply r : List.of(page, js, css)) {
      assertFalse(Pattern.compile("(https?:)?//[a-z0-9.-]+\\.[a-z]{2,}/", Pattern.CASE_INSENSITIVE).matcher(r.body()).find(),
          "no external URL: " + r.raw().uri());
    }
    assertTrue(page.raw().headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'self'"));
  }

  @Test
  void healthz() {
    Reply r = get(base, "healthz").expect(200);
    assertEquals("ok\n", r.body());
  }

  @Test
  void metricsCountRequestsByStatusAndExposeLatencyAndLoadTime() {
    long ok0 = server.metrics().requestCount(ServingMetrics.Endpoint.PREDICT, 200);
    long bad0 = server.metrics().requestCount(ServingMetrics.Endpoint.PREDICT, 400);
    for (int i = 0; i < 3; i++) {
      post(base, "v1/models/mnist:predict", "{\"instances\": [" + flat(pixels(i)) + "]}").expect(200);
    }
    post(base, "v1/models/mnist:predict", "{").expect(400);
    Reply m = get(base, "metrics").expect(200);
    assertTrue(m.contentType().startsWith("text/plain; version=0.0.4"), m.contentType());
    String text = m.body();
    assertTrue(value(text, "tfj_serving_requests_total{code=\"200\",endpoint=\"predict\"}") >= ok0 + 3, text);
    assertTrue(value(text, "tfj_serving_requests_total{code=\"400\",endpoint=\"predict\"}") >= bad0 + 1, text);
    assertTrue(text.contains("# TYPE tfj_serving_request_duration_seconds histogram"));
    assertTrue(value(text, "tfj_serving_request_duration_seconds_bucket{endpoint=\"predict\",le=\"+Inf\"}")
        == value(text, "tfj_serving_request_duration_seconds_count{endpoint=\"predict\"}"));
    assertTrue(value(text, "tfj_serving_model_load_seconds{model=\"mnist\",version=\"1\"}") > 0);
    assertTrue(value(text, "tfj_serving_predictions_total{model=\"mnist\",version=\"1\"}") >= 3);
    assertTrue(value(text, "process_resident_memory_bytes") > 10e6);
    // every sample line is NAME{labels} VALUE or NAME VALUE
    for (String line : text.split("\n")) {
      if (!line.startsWith("#")) {
        assertTrue(line.matches("[a-z_]+(\\{[a-z_]+=\"[^\"]*\"(,[a-z_]+=\"[^\"]*\")*\\})? [-+0-9.eE]+|.*\\+Inf\"\\} [0-9]+"), line);
      }
    }
  }

  static double value(String metrics, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
    if (!m.find()) {
      throw new AssertionError("no series " + series + " in\n" + metrics);
    }
    return Double.parseDouble(m.group(1));
  }
}
