package io.tfjmnist.images.preprocessing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Keeps the digit and drops specks: dust, paper grain that survived the threshold, a stray pen
 * dot. The ink is split into 8-connected blobs; the largest is the digit's core, and other
 * blobs join it only if they are big enough (5% of the core: the detached bar of a "5" or the
 * second stroke of a "4" is, a speck is not) and close enough (within half the digit's size).
 * The anti-aliased fringe around kept blobs is kept with them.
 */
final class InkComponents {
  static final double MIN_AREA_FRACTION = 0.05;
  static final double MAX_GAP_FRACTION = 0.5;

  private InkComponents() {}

  /** A blob: area in pixels and bounding box (inclusive). */
  record Blob(int label, int area, int x0, int y0, int x1, int y1) {}

  static GrayPlane keepDigit(GrayPlane coverage) {
    int w = coverage.width;
    int h = coverage.height;
    int[] labels = new int[w * h];
    List<Blob> blobs = label(coverage, labels);
    if (blobs.isEmpty()) {
      return coverage;
    }
    blobs.sort(Comparator.comparingInt(Blob::area).reversed());
    Blob core = blobs.get(0);
    boolean[] keep = new boolean[blobs.size() + 1];
    keep[core.label()] = true;
    int ux0 = core.x0();
    int uy0 = core.y0();
    int ux1 = core.x1();
    int uy1 = core.y1();
    for (Blob b : blobs.subList(1, blobs.size())) {
      int size = Math.max(ux1 - ux0 + 1, uy1 - uy0 + 1);
      int gapX = Math.max(0, Math.max(b.x0() - ux1, ux0 - b.x1()));
      int gapY = Math.max(0, Math.max(b.y0() - uy1, uy0 - b.y1()));
      if (b.area() >= MIN_AREA_FRACTION * core.area() && Math.max(gapX, gapY) <= MAX_GAP_FRACTION * size) {
        keep[b.label()] = true;
        ux0 = Math.min(ux0, b.x0());
        uy0 = Math.min(uy0, b.y0());
        ux1 = Math.max(ux1, b.x1());
        uy1 = Math.max(uy1, b.y1());
      }
    }
    // The fringe (coverage below one half) belongs to whatever kept blob lies within r pixels.
    int r = Math.max(1, Math.round(Math.max(w, h) / 200f));
    boolean[] near = new boolean[w * h];
    for (int i = 0; i < labels.length; i++) {
      near[i] = labels[i] != 0 && keep[labels[i]];
    }
    near = dilate(near, w, h, r);
    GrayPlane out = new GrayPlane(w, h);
    for (int i = 0; i < out.v.length; i++) {
      out.v[i] = near[i] ? coverage.v[i] : 0f;
    }
    return out;
  }

  /** Labels pixels of coverage >= 0.5 into 8-connected blobs (labels from 1). */
  static List<Blob> label(GrayPlane coverage, int[] labels) {
    int w = coverage.width;
    int h = coverage.height;
    List<Blob> blobs = new ArrayList<>();
    int[] stack = new int[w * h];
    int next = 1;
    for (int start = 0; start < labels.length; start++) {
      if (labels[start] != 0 || coverage.v[start] < 0.5f) {
        continue;
      }
      int label = next++;
      int area = 0;
      int x0 = w;
      int y0 = h;
      int x1 = -1;
      int y1 = -1;
      int top = 0;
      stack[top++] = start;
      labels[start] = label;
      while (top > 0) {
        int p = stack[--top];
        int x = p % w;
        int y = p / w;
        area++;
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
        for (int dy = -1; dy <= 1; dy++) {
          int yy = y + dy;
          if (yy < 0 || yy >= h) {
            continue;
          }
          for (int dx = -1; dx <= 1; dx++) {
            int xx = x + dx;
            if (xx < 0 || xx >= w) {
              continue;
            }
            int q = yy * w + xx;
            if (labels[q] == 0 && coverage.v[q] >= 0.5f) {
              labels[q] = label;
              stack[top++] = q;
            }
          }
        }
      }
      blobs.add(new Blob(label, area, x0, y0, x1, y1));
    }
    return blobs;
  }

  /** Square dilation by radius r, separably. */
  static boolean[] dilate(boolean[] m, int w, int h, int r) {
    boolean[] tmp = new boolean[m.length];
    for (int y = 0; y < h; y++) {
      int run = -1; // index of the last set pixel seen
      for (int x = 0; x < w; x++) {
        if (m[y * w + x]) {
          run = x;
        }
        if (run >= 0 && x - run <= r) {
          tmp[y * w + x] = true;
        }
      }
      run = -1;
      for (int x = w - 1; x >= 0; x--) {
        if (m[y * w + x]) {
          run = x;
        }
        if (run >= 0 && run - x <= r) {
          tmp[y * w + x] = true;
        }
      }
    }
    // Vertically, row by row with the nearest set row above (then below) kept per column: the
    // same result as walking each column, without striding through memory a row apart.
    boolean[] out = new boolean[m.length];
    int[] run = new int[w];
    java.util.Arrays.fill(run, -1);
    for (int y = 0; y < h; y++) {
      int o = y * w;
      for (int x = 0; x < w; x++) {
        if (tmp[o + x]) {
          run[x] = y;
        }
        if (run[x] >= 0 && y - run[x] <= r) {
          out[o + x] = true;
        }
      }
    }
    java.util.Arrays.fill(run, -1);
    for (int y = h - 1; y >= 0; y--) {
      int o = y * w;
      for (int x = 0; x < w; x++) {
        if (tmp[o + x]) {
          run[x] = y;
        }
        if (run[x] >= 0 && run[x] - y <= r) {
          out[o + x] = true;
        }
      }
    }
    return out;
  }
}
