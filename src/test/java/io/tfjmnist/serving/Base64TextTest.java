package io.tfjmnist.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link PredictParser#decodeBase64} reads a {@code b64} text without a regex; it must accept and
 * refuse exactly what the decoder did after a regex dropped the whitespace and the URL-safe
 * alphabet was mapped, with the same bytes or the same message.
 */
class Base64TextTest {
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");
  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_=  \t\n\r\f\u000B*.é\u03A9\u00FF\u0100";

  private static String outcome(String text) {
    try {
      return "bytes " + java.util.Arrays.toString(PredictParser.decodeBase64(text));
    } catch (IllegalArgumentException e) {
      return "refused: " + e.getMessage();
    }
  }

  private static String oldOutcome(String b64) {
    try {
      return "bytes " + java.util.Arrays.toString(
          Base64.getDecoder().decode(WHITESPACE.matcher(b64).replaceAll("").replace('-', '+').replace('_', '/')));
    } catch (IllegalArgumentException e) {
      return "refused: " + e.getMessage();
    }
  }

  @Test
  void sameBytesOrSameMessageAsTheRegexPath() {
    Random r = new Random(7);
    int refused = 0;
    for (int i = 0; i < 20_000; i++) {
      StringBuilder sb = new StringBuilder();
      int len = r.nextInt(24);
      // mostly valid text (a real encoding with line breaks and URL-safe letters), some random
      if (r.nextBoolean()) {
        byte[] raw = new byte[r.nextInt(18)];
        r.nextBytes(raw);
        String enc = r.nextBoolean() ? Base64.getEncoder().encodeToString(raw) : Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        for (char c : enc.toCharArray()) {
          sb.append(c);
          if (r.nextInt(8) == 0) {
            sb.append(r.nextBoolean() ? "\r\n" : " ");
          }
        }
      } else {
        for (int k = 0; k < len; k++) {
          sb.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
        }
      }
      String text = sb.toString();
      String expected = oldOutcome(text);
      assertEquals(expected, outcome(text), () -> "for " + text);
      refused += expected.startsWith("refused") ? 1 : 0;
    }
    // both kinds were exercised
    assertTrue(refused > 1000 && refused < 19_000, "refused " + refused + " of 20,000");
  }

  @Test
  void aPhotoSizedTextDecodesToItsBytes() {
    byte[] photo = new byte[60_000];
    new Random(1).nextBytes(photo);
    String mime = Base64.getMimeEncoder().encodeToString(photo); // line breaks every 76 characters
    assertArrayEquals(photo, PredictParser.decodeBase64(mime));
  }
}
