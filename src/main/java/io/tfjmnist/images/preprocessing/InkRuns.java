package io.tfjmnist.images.preprocessing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The 8-connected blobs of solid ink (coverage of at least one half) in a coverage plane, found
 * run by run: each row's horizontal runs of ink are joined with the runs they touch in the row
 * above (diagonals included) by a union-find over run indices, so the work is one read of the
 * plane plus a little per run, with no per-pixel labels, stack or divisions.
 *
 * <p>Blobs are labelled from 1 in the raster order of their first pixel, the order a flood fill
 * that scans the plane row by row would number them in (so ties in area sort the same way).
 */
final class InkRuns {
  static final float SOLID = 0.5f;

  /** Row, first and last column (inclusive) of each run, in raster order. */
  final int[] y;
  final int[] x0;
  final int[] x1;
  /** The blob label of each run. */
  final int[] label;
  final int count;
  /** The blobs by label: blob {@code k} is {@code blobs.get(k - 1)}. */
  final List<InkComponents.Blob> blobs;

  private InkRuns(int[] y, int[] x0, int[] x1, int[] label, int count, List<InkComponents.Blob> blobs) {
    this.y = y;
    this.x0 = x0;
    this.x1 = x1;
    this.label = label;
    this.count = count;
    this.blobs = blobs;
  }

  static InkRuns of(GrayPlane coverage) {
    int w = coverage.width;
    int h = coverage.height;
    float[] v = coverage.v;
    int capacity = 256;
    int[] ry = new int[capacity];
    int[] rx0 = new int[capacity];
    int[] rx1 = new int[capacity];
    int[] parent = new int[capacity];
    int n = 0;
    int prevStart = 0;
    int prevEnd = 0;
    for (int yy = 0; yy < h; yy++) {
      int rowStart = n;
      int o = yy * w;
      int x = 0;
      while (x < w) {
        // Paper, eight pixels at a time with one branch (non-short-circuit ORs): a branch per
        // pixel costs more than the compares. (Coverage is never NaN: see InkLevels.)
        while (x + 8 <= w && !(v[o + x] >= SOLID | v[o + x + 1] >= SOLID | v[o + x + 2] >= SOLID
            | v[o + x + 3] >= SOLID | v[o + x + 4] >= SOLID | v[o + x + 5] >= SOLID
            | v[o + x + 6] >= SOLID | v[o + x + 7] >= SOLID)) {
          x += 8;
        }
        while (x < w && v[o + x] < SOLID) {
          x++;
        }
        if (x == w) {
          break;
        }
        int start = x;
        do {
          x++;
        } while (x < w && v[o + x] >= SOLID);
        if (n == capacity) {
          capacity *= 2;
          ry = Arrays.copyOf(ry, capacity);
          rx0 = Arrays.copyOf(rx0, capacity);
          rx1 = Arrays.copyOf(rx1, capacity);
          parent = Arrays.copyOf(parent, capacity);
        }
        ry[n] = yy;
        rx0[n] = start;
        rx1[n] = x - 1;
        parent[n] = n;
        n++;
      }
      // Runs of the row above that touch [x0 - 1, x1 + 1] are 8-connected to this run. Both rows'
      // runs are sorted by column, so one pointer walks the row above once.
      int p = prevStart;
      for (int c = rowStart; c < n; c++) {
        while (p < prevEnd && rx1[p] < rx0[c] - 1) {
          p++;
        }
        for (int q = p; q < prevEnd && rx0[q] <= rx1[c] + 1; q++) {
          union(parent, c, q);
        }
      }
      prevStart = rowStart;
      prevEnd = n;
    }
    // A blob's root is its lowest run index (union keeps the smaller one), which is its first run
    // in raster order: numbering roots as they come numbers blobs by their first pixel.
    int[] label = new int[n];
    int labels = 0;
    int[] area = new int[n + 1];
    int[] bx0 = new int[n + 1];
    int[] by0 = new int[n + 1];
    int[] bx1 = new int[n + 1];
    int[] by1 = new int[n + 1];
    for (int i = 0; i < n; i++) {
      int root = find(parent, i);
      int l;
      if (root == i) {
        l = ++labels;
        bx0[l] = rx0[i];
        by0[l] = ry[i];
        bx1[l] = rx1[i];
        by1[l] = ry[i];
      } else {
        l = label[root];
        bx0[l] = Math.min(bx0[l], rx0[i]);
        bx1[l] = Math.max(bx1[l], rx1[i]);
        by1[l] = ry[i]; // runs come row by row
      }
      label[i] = l;
      area[l] += rx1[i] - rx0[i] + 1;
    }
    List<InkComponents.Blob> blobs = new ArrayList<>(labels);
    for (int l = 1; l <= labels; l++) {
      blobs.add(new InkComponents.Blob(l, area[l], bx0[l], by0[l], bx1[l], by1[l]));
    }
    return new InkRuns(ry, rx0, rx1, label, n, blobs);
  }

  private static int find(int[] parent, int i) {
    while (parent[i] != i) {
      parent[i] = parent[parent[i]]; // path halving
      i = parent[i];
    }
    return i;
  }

  private static void union(int[] parent, int a, int b) {
    int ra = find(parent, a);
    int rb = find(parent, b);
    if (ra < rb) {
      parent[rb] = ra;
    } else if (rb < ra) {
      parent[ra] = rb;
    }
  }
}
