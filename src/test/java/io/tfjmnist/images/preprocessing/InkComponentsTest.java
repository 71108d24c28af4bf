package io.tfjmnist.images.preprocessing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The run-length blobs and the fringe painted around the kept ones give exactly what the plain
 * definitions give: an 8-connected flood fill numbering blobs in raster order, and a pixel-by-pixel
 * search for a kept pixel within the fringe radius.
 */
class InkComponentsTest {

  /** Random strokes, specks and fringe on a plane of {@code w} x {@code h}. */
  private static GrayPlane randomInk(Random rnd, int w, int h) {
    GrayPlane p = new GrayPlane(w, h);
    int strokes = 1 + rnd.nextInt(6);
    for (int s = 0; s < strokes; s++) {
      double x = rnd.nextInt(w);
      double y = rnd.nextInt(h);
      double angle = rnd.nextDouble() * 2 * Math.PI;
      int length = rnd.nextInt(Math.max(w, h));
      int thick = rnd.nextInt(3);
      for (int t = 0; t < length; t++) {
        angle += rnd.nextGaussian() * 0.2;
        x += Math.cos(angle);
        y += Math.sin(angle);
        for (int dy = -thick - 1; dy <= thick + 1; dy++) {
          for (int dx = -thick - 1; dx <= thick + 1; dx++) {
            int xx = (int) x + dx;
            int yy = (int) y + dy;
            if (xx >= 0 && xx < w && yy >= 0 && yy < h) {
              boolean core = Math.abs(dx) <= thick && Math.abs(dy) <= thick;
              p.set(xx, yy, Math.max(p.get(xx, yy), core ? 0.5f + rnd.nextFloat() / 2 : rnd.nextFloat() * 0.5f));
            }
          }
        }
      }
    }
    for (int i = 0; i < w * h / 50; i++) { // specks, some exactly at the threshold
      p.v[rnd.nextInt(w * h)] = rnd.nextBoolean() ? 0.5f : Math.nextDown(0.5f);
    }
    return p;
  }

  /** Flood fill in raster order: labels from 1, blobs in label order. */
  private static List<InkComponents.Blob> floodFill(GrayPlane c, int[] labels) {
    List<InkComponents.Blob> blobs = new ArrayList<>();
    int w = c.width;
    for (int start = 0; start < labels.length; start++) {
      if (labels[start] != 0 || c.v[start] < 0.5f) {
        continue;
      }
      int label = blobs.size() + 1;
      int area = 0;
      int x0 = w;
      int y0 = c.height;
      int x1 = -1;
      int y1 = -1;
      ArrayDeque<Integer> todo = new ArrayDeque<>();
      todo.add(start);
      labels[start] = label;
      while (!todo.isEmpty()) {
        int p = todo.poll();
        int x = p % w;
        int y = p / w;
        area++;
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
        for (int yy = y - 1; yy <= y + 1; yy++) {
          for (int xx = x - 1; xx <= x + 1; xx++) {
            if (xx >= 0 && xx < w && yy >= 0 && yy < c.height && labels[yy * w + xx] == 0 && c.get(xx, yy) >= 0.5f) {
              labels[yy * w + xx] = label;
              todo.add(yy * w + xx);
            }
          }
        }
      }
      blobs.add(new InkComponents.Blob(label, area, x0, y0, x1, y1));
    }
    return blobs;
  }

  @Test
  void runsNumberAndMeasureBlobsAsAFloodFillDoes() {
    Random rnd = new Random(11);
    for (int t = 0; t < 300; t++) {
      GrayPlane c = randomInk(rnd, 1 + rnd.nextInt(90), 1 + rnd.nextInt(90));
      List<InkComponents.Blob> expected = floodFill(c, new int[c.v.length]);
      assertEquals(expected, InkRuns.of(c).blobs, "plane " + t);
    }
  }

  @Test
  void theDigitIsTheCoverageNearKeptBlobsAndNothingElse() {
    Random rnd = new Random(5);
    int checked = 0;
    for (int t = 0; t < 200; t++) {
      int w = 20 + rnd.nextInt(300);
      int h = 20 + rnd.nextInt(300);
      GrayPlane c = randomInk(rnd, w, h);
      int[] labels = new int[c.v.length];
      List<InkComponents.Blob> blobs = floodFill(c, labels);
      GrayPlane digit = InkComponents.keepDigit(c);
      if (blobs.isEmpty()) {
        assertEquals(c, digit, "no solid ink: the coverage itself");
        continue;
      }
      boolean[] keep = new boolean[blobs.size() + 1];
      InkComponents.kept(blobs, keep);
      int r = Math.max(1, Math.round(Math.max(w, h) / 200f));
      float[] expected = new float[w * h];
      int x0 = w;
      int y0 = h;
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          boolean near = false;
          for (int yy = Math.max(0, y - r); yy <= Math.min(h - 1, y + r) && !near; yy++) {
            for (int xx = Math.max(0, x - r); xx <= Math.min(w - 1, x + r) && !near; xx++) {
              near = labels[yy * w + xx] != 0 && keep[labels[yy * w + xx]];
            }
          }
          if (near) {
            expected[y * w + x] = c.get(x, y);
            x0 = Math.min(x0, x);
            y0 = Math.min(y0, y);
          }
        }
      }
      // The digit is the rectangle from the first near column and row; everything else is 0.
      float[] rebuilt = new float[w * h];
      for (int y = 0; y < digit.height; y++) {
        for (int x = 0; x < digit.width; x++) {
          rebuilt[(y0 + y) * w + x0 + x] = digit.get(x, y);
        }
      }
      assertArrayEquals(expected, rebuilt, "plane " + t);
      assertArrayEquals(MnistFraming.frame(new GrayPlane(w, h, expected)), MnistFraming.frame(digit), "framed, plane " + t);
      checked++;
    }
    assertTrue(checked > 150, "most planes have ink: " + checked);
  }
}
