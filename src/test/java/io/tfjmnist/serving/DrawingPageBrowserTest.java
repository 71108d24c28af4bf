package io.tfjmnist.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The drawing page in a real browser: headless Chromium draws digits on the canvas with the mouse
 * and with a finger (Chrome DevTools Protocol input events), and the page must show the model's
 * prediction and ten probability bars; Clear must reset it. Skipped, with the install line, only
 * when no Chromium is installed.
 */
class DrawingPageBrowserTest {

  @Test
  void drawADigitWithMouseAndTouchAndSeeThePrediction() throws Exception {
    Optional<Path> binary = HeadlessChromium.find();
    String missing = "Chromium is not installed, so the drawing page was not tested in a browser;"
        + " install it with: " + HeadlessChromium.INSTALL;
    // .ci/run installs chromium and sets this, so CI fails rather than skips when it is missing.
    if (System.getenv("TFJ_MNIST_REQUIRE_CHROMIUM") != null) {
      org.junit.jupiter.api.Assertions.assertTrue(binary.isPresent(), missing);
    }
    assumeTrue(binary.isPresent(), missing);

    try (ModelServer server = ModelServer.start(ServedModel.fromWeights("mnist", 1, ServingFixtures.trained(), 1),
            ServingFixtures.localConfig());
        HeadlessChromium browser = HeadlessChromium.launch(binary.get())) {
      browser.navigate(server.uri().toString());
      HeadlessChromium.await("the page to load", 15, () -> is(browser, "document.body && document.body.dataset.ready === 'true'"));
      assertEquals("mnist", browser.eval("document.getElementById('model-name').textContent").asText());
      assertEquals(10, browser.eval("document.querySelectorAll('#bars li').length").asInt());
      assertEquals("?", text(browser, "digit"));

      JsonNode pad = browser.eval("(() => { const r = document.getElementById('pad').getBoundingClientRect();"
          + " return {x: r.left, y: r.top, w: r.width, h: r.height}; })()");
      double x0 = pad.get("x").asDouble();
      double y0 = pad.get("y").asDouble();
      double w = pad.get("w").asDouble();
      double h = pad.get("h").asDouble();

      // 1. a "1" with the mouse: one slightly slanted vertical stroke
      browser.mouseStroke(path(x0, y0, w, h, new double[][] {{0.55, 0.15}, {0.45, 0.85}}, 24));
      HeadlessChromium.await("a prediction", 15, () -> is(browser, "document.body.dataset.predictions === '1'"));
      assertEquals("1", text(browser, "digit"), "the page shows the predicted digit");
      checkBarsAgreeWithTheApi(browser, server, 1);
      browser.screenshot(Path.of("target", "serving-browser", "drawn-1.png"));

      // 2. Clear resets the canvas and the answer
      JsonNode clear = browser.eval("(() => { const r = document.getElementById('clear').getBoundingClientRect();"
          + " return {x: r.left + r.width / 2, y: r.top + r.height / 2}; })()");
      browser.click(clear.get("x").asDouble(), clear.get("y").asDouble());
      HeadlessChromium.await("the page to clear", 5, () -> is(browser, "document.body.dataset.state === 'empty'"));
      assertEquals("?", text(browser, "digit"));
      assertEquals(0, browser.eval("(() => { const d = document.getElementById('pad').getContext('2d')"
          + ".getImageData(0, 0, 280, 280).data; let s = 0; for (let i = 0; i < d.length; i += 4) s += d[i]; return s; })()")
          .asLong(), "the canvas is blank again");

      // 3. a "7" with a finger: across the top, then down to the bottom left
      browser.touchStroke(path(x0, y0, w, h, new double[][] {{0.22, 0.2}, {0.78, 0.2}, {0.42, 0.85}}, 30));
      HeadlessChromium.await("a prediction from touch input", 15, () -> is(browser, "document.body.dataset.predictions === '2'"));
      assertEquals("7", text(browser, "digit"));
      checkBarsAgreeWithTheApi(browser, server, 7);

      // 4. the same drawing sent as a PNG for the server's 'mnist' image preprocessing
      JsonNode box = browser.eval("(() => { const r = document.getElementById('server-side').getBoundingClientRect();"
          + " return {x: r.left + r.width / 2, y: r.top + r.height / 2}; })()");
      browser.click(box.get("x").asDouble(), box.get("y").asDouble());
      HeadlessChromium.await("a prediction from the PNG", 15, () -> is(browser, "document.body.dataset.predictions === '3'"));
      assertTrue(browser.eval("document.getElementById('server-side').checked").asBoolean());
      assertEquals("7", text(browser, "digit"), "server-side preprocessing of the canvas PNG");
      browser.screenshot(Path.of("target", "serving-browser", "drawn-7.png"));
      assertEquals("", text(browser, "status"), "no error shown");
    }
  }

  /** The shown digit and bars equal the API's answer for the very 28x28 input the page sent. */
  private static void checkBarsAgreeWithTheApi(HeadlessChromium browser, ModelServer server, int digit) throws Exception {
    String instance = browser.eval("JSON.stringify(window.tfjLastInstance)").asText();
    JsonNode api = ServingFixtures.post(server.uri(), "v1/models/mnist:predict", "{\"instances\": [" + instance + "]}")
        .expect(200).json().get("predictions");
    float[] expected = ServingFixtures.row(api, 0);
    JsonNode shown = browser.eval("Array.from(document.querySelectorAll('#bars li')).map(li => Number(li.dataset.p))");
    float[] bars = new float[10];
    for (int i = 0; i < 10; i++) {
      bars[i] = (float) shown.get(i).asDouble();
    }
    assertArrayEquals(expected, bars, 1e-6f, "bar values are the API's probabilities");
    assertEquals(digit, ServingFixtures.argmax(expected));
    assertEquals(String.valueOf(digit), browser.eval("document.querySelector('#bars li.top').dataset.digit").asText());
    double width = browser.eval("parseFloat(document.querySelector('#bars li.top .fill').style.width)").asDouble();
    assertEquals(expected[digit] * 100, width, 0.01, "the top bar's length is its probability");
    float p = expected[digit];
    HeadlessChromium.await("the top bar to be drawn " + p * 100 + " % long (after its 0.15 s transition)", 3,
        () -> is(browser, "(() => { const li = document.querySelector('#bars li.top');"
            + " const f = li.querySelector('.fill').getBoundingClientRect().width"
            + " / li.querySelector('.track').getBoundingClientRect().width; return Math.abs(f - " + p + ") < 0.02; })()"));
  }

  /** Points along the polyline {@code fractions} of the canvas box, {@code steps} per segment. */
  private static double[][] path(double x0, double y0, double w, double h, double[][] fractions, int steps) {
    int segments = fractions.length - 1;
    double[][] out = new double[segments * steps + 1][];
    int k = 0;
    for (int s = 0; s < segments; s++) {
      for (int i = 0; i < steps; i++) {
        double t = (double) i / steps;
        out[k++] = new double[] {x0 + w * (fractions[s][0] + t * (fractions[s + 1][0] - fractions[s][0])),
            y0 + h * (fractions[s][1] + t * (fractions[s + 1][1] - fractions[s][1]))};
      }
    }
    double[] last = fractions[segments];
    out[k] = new double[] {x0 + w * last[0], y0 + h * last[1]};
    return out;
  }

  private static boolean is(HeadlessChromium browser, String js) {
    try {
      return browser.eval(js).asBoolean();
    } catch (Exception e) {
      return false;
    }
  }

  private static String text(HeadlessChromium browser, String id) throws Exception {
    return browser.eval("document.getElementById('" + id + "').textContent").asText();
  }
}
