package io.tfjmnist.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What Jetty refuses itself is answered in this project's words (not its parser's texts) and
 * counted; a chunk size that overflows is a 400, not a 408; overlong and surrogate UTF-8 is refused.
 */
class JettyRefusalsTest {
  static String exchange(int port, byte[] request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(20_000);
      OutputStream o = s.getOutputStream();
      o.write(request);
      o.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      for (int n; (n = in.read(buf)) > 0; ) {
        all.write(buf, 0, n);
        String text = all.toString(StandardCharsets.ISO_8859_1);
        int head = text.indexOf("\r\n\r\n");
        Matcher cl = Pattern.compile("(?i)content-length: (\\d+)").matcher(text);
        if (head >= 0 && cl.find() && text.length() >= head + 4 + Integer.parseInt(cl.group(1))) {
          break;
        }
      }
      return all.toString(StandardCharsets.UTF_8);
    }
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  static byte[] post(byte[] body) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(ascii("POST /v1/models/mnist:predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + body.length + "\r\n\r\n"));
    b.writeBytes(body);
    return b.toByteArray();
  }

  static double otherCount(String metrics, int code) {
    Matcher m = Pattern.compile("(?m)^tfj_serving_requests_total\\{code=\"" + code + "\",endpoint=\"other\"\\} (\\S+)$")
        .matcher(metrics);
    Matcher m2 = Pattern.compile("(?m)^tfj_serving_requests_total\\{endpoint=\"other\",code=\"" + code + "\"\\} (\\S+)$")
        .matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : m2.find() ? Double.parseDouble(m2.group(1)) : 0;
  }

  @Test
  void refusalsInTheProjectsWordsCountedAndWithTheRightStatus() throws Exception {
    try (ModelServer server = ModelServer.start(ServedModel.fromWeights("mnist", 1, ServingFixtures.random(), 1),
        ServingFixtures.localConfig())) {
      int port = server.port();
      String[] malformed = {
          "GET /v1/models/mnist HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header: x\r\n\r\n", // Illegal character SPACE
          "GET /v1/models/mnist HTTP/1.1\rHost: 127.0.0.1\r\n\r\n", // Bad EOL (a CR without its LF)
          "GET http://a.example/v1/models/mnist HTTP/1.1\r\nHost: b.example\r\n\r\n", // Authority!=Host
      };
      for (String request : malformed) {
        String reply = exchange(port, ascii(request));
        assertTrue(reply.startsWith("HTTP/1.1 400"), request + " -> " + reply);
        assertTrue(reply.contains("The request is not valid HTTP/1.1"), reply);
        assertFalse(reply.contains("Illegal character") || reply.contains("Bad EOL") || reply.contains("Authority"), reply);
      }

      String chunked = exchange(port, ascii("POST /v1/models/mnist:predict HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFFFFFF\r\n"));
      assertTrue(chunked.startsWith("HTTP/1.1 400"), "an overflowing chunk size: " + chunked);

      byte[][] badUtf8 = {
          {(byte) 0xC0, (byte) 0xAF}, // overlong '/'
          {(byte) 0xE0, (byte) 0x80, (byte) 0xAF}, // overlong '/' in three bytes
          {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // an encoded surrogate
      };
      for (byte[] bad : badUtf8) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(ascii("{\"signature_name\": \""));
        body.writeBytes(bad);
        body.writeBytes(ascii("\", \"instances\": [" + ServingFixtures.flat(new float[784]) + "]}"));
        String reply = exchange(port, post(body.toByteArray()));
        assertTrue(reply.startsWith("HTTP/1.1 400"), reply);
        assertTrue(reply.contains("not valid UTF-8"), reply);
      }

      String metrics = ServingFixtures.get(server.uri(), "metrics").body();
      assertTrue(otherCount(metrics, 400) >= malformed.length, "Jetty's refusals are counted:\n" + metrics);
    }
  }
}
