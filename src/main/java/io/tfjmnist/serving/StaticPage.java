package io.tfjmnist.serving;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The drawing page, served from the jar ({@code /serving/} resources), all in memory: no CDN, no
 * file system. {@code index.html} gets the model's name filled in.
 */
final class StaticPage {
  record Asset(String contentType, byte[] bytes) {}

  private final Map<String, Asset> assets;

  StaticPage(String modelName) {
    String html = new String(read("index.html"), StandardCharsets.UTF_8)
        .replace("{{MODEL_NAME}}", htmlEscape(modelName));
    Asset index = new Asset("text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
    assets = Map.of(
        "/", index,
        "/index.html", index,
        "/app.js", new Asset("text/javascript; charset=utf-8", read("app.js")),
        "/app.css", new Asset("text/css; charset=utf-8", read("app.css")),
        "/favicon.svg", new Asset("image/svg+xml", read("favicon.svg")));
  }

  /** The asset at {@code path}, or null. */
  Asset get(String path) {
    return assets.get(path);
  }

  private static byte[] read(String name) {
    try (InputStream in = StaticPage.class.getResourceAsStream("/serving/" + name)) {
      if (in == null) {
        throw new IllegalStateException("resource /serving/" + name + " is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String htmlEscape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
