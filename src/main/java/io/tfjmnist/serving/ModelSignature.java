package io.tfjmnist.serving;

import java.util.Arrays;

/**
 * What {@code /metadata} reports for the served signature, in TF Serving's {@code SignatureDef}
 * terms: one input tensor and one output tensor.
 *
 * @param key the signature key, {@code serving_default}
 * @param methodName {@code tensorflow/serving/predict} (or {@code .../classify} for such SavedModels)
 * @param inputKey the input's key in the signature
 * @param inputDtype {@code DT_FLOAT}, or {@code DT_STRING} for serialized tf.Example inputs
 * @param inputTensor the graph tensor the input feeds ({@code ""} when unknown)
 * @param inputShape batch first, -1 for any
 * @param outputKey the output's key
 * @param outputTensor the graph tensor it fetches ({@code ""} when unknown)
 * @param outputShape batch first, -1 for any
 */
public record ModelSignature(String key, String methodName, String inputKey, String inputDtype, String inputTensor,
    long[] inputShape, String outputKey, String outputTensor, long[] outputShape) {

  public static final String DEFAULT_KEY = "serving_default";
  public static final String PREDICT_METHOD = "tensorflow/serving/predict";

  public ModelSignature {
    inputShape = inputShape.clone();
    outputShape = outputShape.clone();
  }

  @Override
  public long[] inputShape() {
    return inputShape.clone();
  }

  @Override
  public long[] outputShape() {
    return outputShape.clone();
  }

  @Override
  public String toString() {
    return key + ": " + inputKey + " " + Arrays.toString(inputShape) + " -> " + outputKey + " "
        + Arrays.toString(outputShape);
  }
}
