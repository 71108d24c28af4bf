package io.tfjmnist.serving;

import io.tfjmnist.inference.ProbabilityModel;
import io.tfjmnist.inference.SavedModelClassifier;
import io.tfjmnist.savedmodel.ServingSignature;
import java.nio.file.Path;

/**
 * HOOK for {@code serve --saved-model DIR}: the only serving class that touches the
 * {@code savedmodel} package. It opens a {@link SavedModelClassifier} and adapts it to
 * {@link ProbabilityModel}; once {@code SavedModelClassifier} implements that interface itself,
 * the adapter below reduces to returning the classifier. Everything else in the server works on
 * {@link ProbabilityModel} and {@link ModelSignature} only.
 */
final class SavedModelSource {
  private SavedModelSource() {}

  record Opened(ProbabilityModel model, ModelSignature signature, int maxBatch) {}

  static Opened open(Path dir, String signatureKey) {
    SavedModelClassifier classifier = SavedModelClassifier.open(dir, signatureKey);
    try {
      ServingSignature s = classifier.signature();
      boolean examples = s.inputKind() == ServingSignature.InputKind.TF_EXAMPLE;
      long[] inShape = examples ? new long[] {-1} : s.inputShape();
      long[] outShape = {-1, s.numClasses() > 0 ? s.numClasses() : -1};
      ModelSignature sig = new ModelSignature(s.key(), s.methodName(), s.inputKey(),
          examples ? "DT_STRING" : "DT_FLOAT", "", inShape, s.outputKey(), "", outShape);
      int fixedBatch = !examples && inShape.length > 0 && inShape[0] > 0 ? (int) inShape[0] : 0;
      ProbabilityModel model = new ProbabilityModel() {
        @Override
        public int inputSize() {
          return classifier.inputSize();
        }

        @Override
        public float[] probabilities(float[] flat, int count) {
          return classifier.probabilities(flat, count);
        }

        @Override
        public void close() {
          classifier.close();
        }
      };
      return new Opened(model, sig, fixedBatch);
    } catch (RuntimeException e) {
      classifier.close();
      throw e;
    }
  }
}
