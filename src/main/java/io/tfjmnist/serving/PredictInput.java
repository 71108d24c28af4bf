package io.tfjmnist.serving;

/**
 * A parsed {@code :predict} body: {@code count} images of {@code inputSize} floats packed in
 * {@code flat}, and whether it came in the columnar ({@code "inputs"}) or the row
 * ({@code "instances"}) format, which decides the response's key.
 */
public record PredictInput(String signatureName, boolean columnar, float[] flat, int count) {}
