package io.tfjmnist.figures;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Draws figure text. Uses the JDK's sans-serif font when there is one; a headless server
 * without any font (slim container images lack fontconfig and fonts, and Java2D then throws
 * on the first {@code drawString}) gets a small built-in 5x7 bitmap font instead, so writing a
 * figure never fails over a title.
 */
final class FigureText {
  private static final Map<Character, int[]> GLYPHS = new HashMap<>();
  private static volatile Boolean fontsWork;

  static {
    String[] defs = {
      "0 0E11131519110E", "1 040C040404040E", "2 0E11010204081F", "3 1F02040201110E",
      "4 02060A121F0202", "5 1F101E0101110E", "6 0608101E11110E", "7 1F010204080808",
      "8 0E11110E11110E", "9 0E11110F01020C", "a 00000E010F110F", "b 1010161911111E",
      "c 00000E1010110E", "d 01010D1311110F", "e 00000E111F100E", "f 0609081C080808",
      "g 000F11110F010E", "h 10101619111111", "i 04000C0404040E", "j 0200060202120C",
      "k 10101214181412", "l 0C04040404040E", "m 00001A15151111", "n 00001619111111",
      "o 00000E1111110E", "p 00001E111E1010", "q 00000D130F0101", "r 00001619101010",
      "s 00000E100E011E", "t 08081C08080906", "u 0000111111130D", "v 00001111110A04",
      "w 0000111115150A", "x 0000110A040A11", "y 000011110F010E", "z 00001F0204081F",
      "  00000000000000", ": 000C0C000C0C00", "[ 0E08080808080E", "] 0E02020202020E",
      "- 0000001F000000", ". 00000000000C0C", ", 000000000C0408", "( 02040808080402",
      ") 08040202020408", "_ 0000000000001F", "/ 01010204081010", "= 00001F001F0000",
      "% 18190204081303", "? 0E110102040004"
    };
    for (String d : defs) {
      String hex = d.substring(2);
      int[] rows = new int[7];
      for (int r = 0; r < 7; r++) {
        rows[r] = Integer.parseInt(hex.substring(2 * r, 2 * r + 2), 16);
      }
      GLYPHS.put(d.charAt(0), rows);
    }
  }

  private FigureText() {}

  /** Draws {@code text} centred on {@code cx} with its baseline at {@code baseline}; returns its width. */
  static int drawCentered(Graphics2D g, String text, int cx, int baseline, int pixelSize) {
    g.setColor(Color.BLACK);
    if (fontsWork()) {
      try {
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, pixelSize);
        g.setFont(font);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        FontMetrics fm = g.getFontMetrics();
        int w = fm.stringWidth(text);
        g.drawString(text, cx - w / 2, baseline);
        return w;
      } catch (RuntimeException | Error e) {
        fontsWork = false;
      }
    }
    return drawBitmap(g, text, cx, baseline, pixelSize);
  }

  /** Draws {@code text} ending at {@code right}, baseline at {@code baseline}. */
  static void drawRightAligned(Graphics2D g, String text, int right, int baseline, int pixelSize) {
    int width = fontsWork() ? measure(g, text, pixelSize) : bitmapWidth(text, pixelSize);
    drawCentered(g, text, right - width / 2, baseline, pixelSize);
  }

  private static int measure(Graphics2D g, String text, int pixelSize) {
    try {
      return g.getFontMetrics(new Font(Font.SANS_SERIF, Font.PLAIN, pixelSize)).stringWidth(text);
    } catch (RuntimeException | Error e) {
      fontsWork = false;
      return bitmapWidth(text, pixelSize);
    }
  }

  private static int bitmapWidth(String text, int pixelSize) {
    int s = bitmapScale(pixelSize);
    return text.length() * 6 * s - s;
  }

  private static int bitmapScale(int pixelSize) {
    return Math.max(1, Math.round(pixelSize / 9f));
  }

  /** Whether the JDK can render text here; probed once. */
  static boolean fontsWork() {
    Boolean ok = fontsWork;
    if (ok == null) {
      try {
        BufferedImage probe = new BufferedImage(40, 20, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = probe.createGraphics();
        g.setColor(Color.WHITE);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 16));
        g.drawString("W", 2, 16);
        g.dispose();
        boolean drawn = false;
        for (int y = 0; y < 20 && !drawn; y++) {
          for (int x = 0; x < 40 && !drawn; x++) {
            drawn = (probe.getRGB(x, y) & 0xFFFFFF) != 0;
          }
        }
        ok = drawn;
      } catch (RuntimeException | Error e) {
        ok = false;
      }
      fontsWork = ok;
    }
    return ok;
  }

  /** The 5x7 fallback, each glyph cell scaled to about {@code pixelSize} high. */
  static int drawBitmap(Graphics2D g, String text, int cx, int baseline, int pixelSize) {
    int s = bitmapScale(pixelSize);
    int advance = 6 * s;
    int width = bitmapWidth(text, pixelSize);
    int x = cx - width / 2;
    int top = baseline - 7 * s;
    for (char ch : text.toLowerCase(Locale.ROOT).toCharArray()) {
      int[] rows = GLYPHS.getOrDefault(ch, GLYPHS.get('?'));
      for (int r = 0; r < 7; r++) {
        for (int c = 0; c < 5; c++) {
          if ((rows[r] >> (4 - c) & 1) != 0) {
            g.fillRect(x + c * s, top + r * s, s, s);
          }
        }
      }
      x += advance;
    }
    return width;
  }
}
