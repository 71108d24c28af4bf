package io.tfjmnist.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The timing loops every benchmark here shares: warm up, then time each call. */
final class Timing {
  private Timing() {}

  /** Nanoseconds of each of {@code calls} calls after {@code warmUp} untimed ones, sorted. */
  static long[] sortedNanos(Runnable call, int warmUp, int calls) {
    for (int i = 0; i < warmUp; i++) {
      call.run();
    }
    long[] ns = new long[calls];
    for (int i = 0; i < calls; i++) {
      long t = System.nanoTime();
      call.run();
      ns[i] = System.nanoTime() - t;
    }
    Arrays.sort(ns);
    return ns;
  }

  /** Median of {@code units / seconds} over {@code calls} timed calls after {@code warmUp}: images/s, FLOP/s. */
  static double medianRate(Runnable call, double unitsPerCall, int warmUp, int calls) {
    List<Double> rates = new ArrayList<>();
    for (long ns : sortedNanos(call, warmUp, calls)) {
      rates.add(unitsPerCall / (ns / 1e9));
    }
    return median(rates);
  }

  static double p50Ms(long[] sortedNanos) {
    return sortedNanos[sortedNanos.length / 2] / 1e6;
  }

  static double p99Ms(long[] sortedNanos) {
    return sortedNanos[(int) (sortedNanos.length * 0.99)] / 1e6;
  }

  static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    s.sort(null);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }
}
