package io.tfjmnist.figures;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** The figures' text, when no usable font is installed. */
class FigureTextTest {
  @Test
  void bitmapFontFallbackDrawsText() {
    BufferedImage img = new BufferedImage(200, 40, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(java.awt.Color.WHITE);
    g.fillRect(0, 0, 200, 40);
    g.setColor(java.awt.Color.BLACK);
    int w = FigureText.drawBitmap(g, "predict:[7]", 100, 30, 18);
    g.dispose();
    assertTrue(w > 50);
    int inked = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        inked += (img.getRGB(x, y) & 0xffffff) == 0xffffff ? 0 : 1;
      }
    }
    assertTrue(inked > 60, "inked pixels: " + inked);
  }
}
