package io.tfjmnist.inference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A classifier's answer for one image: the class with the highest probability, and all ten. */
public record Prediction(int label, float[] probabilities) {

  public static Prediction of(float[] probabilities) {
    int best = 0;
    for (int i = 1; i < probabilities.length; i++) {
      if (probabilities[i] > probabilities[best]) {
        best = i;
      }
    }
    return new Prediction(best, probabilities.clone());
  }

  /** One prediction per row of {@code [count, classes]} probabilities, row-major. */
  public static List<Prediction> split(float[] rows, int count) {
    int classes = rows.length / count;
    List<Prediction> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(Prediction.of(Arrays.copyOfRange(rows, i * classes, (i + 1) * classes)));
    }
    return out;
  }

  public float confidence() {
    return probabilities[label];
  }

  /** Class indices sorted by decreasing probability, the first {@code k}. */
  public int[] top(int k) {
    Integer[] idx = new Integer[probabilities.length];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, (a, b) -> Float.compare(probabilities[b], probabilities[a]));
    int[] out = new int[Math.min(k, idx.length)];
    for (int i = 0; i < out.length; i++) {
      out[i] = idx[i];
    }
    return out;
  }

  @Override
  public float[] probabilities() {
    return probabilities.clone();
  }
}
