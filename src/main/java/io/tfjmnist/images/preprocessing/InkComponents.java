package io.tfjmnist.images.preprocessing;

import java.util.ArrayList;
import java.util.Arrays;
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

  /**
   * The digit: coverage where a kept blob lies within the fringe radius, 0 elsewhere, as the
   * rectangle that holds all of it (the kept blobs' box widened by that radius, within the
   * plane); outside it every value would be 0, and framing crops to the ink anyway. Without any
   * solid ink, the coverage itself.
   */
  static GrayPlane keepDigit(GrayPlane coverage) {
    return keepDigit(coverage, null);
  }

  /** As {@link #keepDigit(GrayPlane)}, its mask and plane in {@code scratch} (null: arrays of their own). */
  static GrayPlane keepDigit(GrayPlane coverage, PlaneScratch scratch) {
    int w = coverage.width;
    int h = coverage.height;
    InkRuns runs = InkRuns.of(coverage);
    if (runs.blobs.isEmpty()) {
      return coverage;
    }
    boolean[] keep = new boolean[runs.blobs.size() + 1];
    int[] box = kept(runs.blobs, keep);
    // The fringe (coverage below one half) belongs to whatever kept blob lies within r pixels
    // (a square neighbourhood).
    int r = Math.max(1, Math.round(Math.max(w, h) / 200f));
    return fringe(coverage, runs, keep, Math.max(0, box[0] - r), Math.max(0, box[1] - r),
        Math.min(w - 1, box[2] + r), Math.min(h - 1, box[3] + r), r, scratch);
  }

  /**
   * Marks in {@code keep} (indexed by label) the blobs that make the digit, and returns their
   * union's box {x0, y0, x1, y1}: the largest blob, then the others, largest first (equal areas
   * in label order), each joining if big and close enough to the union so far.
   */
  static int[] kept(List<Blob> labelled, boolean[] keep) {
    List<Blob> blobs = new ArrayList<>(labelled);
    blobs.sort(Comparator.comparingInt(Blob::area).reversed());
    Blob core = blobs.get(0);
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
    return new int[] {ux0, uy0, ux1, uy1};
  }

  /**
   * Coverage within the rectangle [rx0, rx1] x [ry0, ry1] where a kept run lies within r pixels
   * (square), 0 elsewhere. The neighbourhood is painted run by run, each kept run's rectangle
   * widened by r on every side, with {@code Arrays.fill}: a few thousand short fills cost less
   * than dilating a whole mask pixel by pixel.
   */
  private static GrayPlane fringe(GrayPlane coverage, InkRuns runs, boolean[] keep,
      int rx0, int ry0, int rx1, int ry1, int r, PlaneScratch scratch) {
    int rw = rx1 - rx0 + 1;
    int rh = ry1 - ry0 + 1;
    byte[] near;
    if (scratch == null) {
      near = new byte[rw * rh];
    } else {
      near = scratch.levels(rw * rh);
      Arrays.fill(near, 0, rw * rh, (byte) 0); // a reused mask starts empty, as a new one does
    }
    for (int i = 0; i < runs.count; i++) {
      if (keep[runs.label[i]]) {
        int from = Math.max(rx0, runs.x0[i] - r) - rx0;
        int to = Math.min(rx1, runs.x1[i] + r) - rx0 + 1;
        for (int k = Math.max(ry0, runs.y[i] - r) - ry0, end = Math.min(ry1, runs.y[i] + r) - ry0; k <= end; k++) {
          Arrays.fill(near, k * rw + from, k * rw + to, (byte) 1);
        }
      }
    }
    GrayPlane out = new GrayPlane(rw, rh,
        scratch == null ? new float[rw * rh] : scratch.planeOtherThan(coverage.v, rw * rh));
    for (int y = 0; y < rh; y++) {
      int src = (ry0 + y) * coverage.width + rx0;
      int dst = y * rw;
      for (int x = 0; x < rw; x++) {
        out.v[dst + x] = near[dst + x] != 0 ? coverage.v[src + x] : 0f;
      }
    }
    return out;
  }
}
