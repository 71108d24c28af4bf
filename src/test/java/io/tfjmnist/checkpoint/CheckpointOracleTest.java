package io.tfjmnist.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_CheckpointReaderGetTensor;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_CheckpointReaderGetVariable;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_CheckpointReaderGetVariableDataType;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_CheckpointReaderGetVariableNumDims;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_CheckpointReaderGetVariableShape;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_CheckpointReaderSize;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteCheckpointReader;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteStatus;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteTensor;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_GetCode;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_Message;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewCheckpointReader;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewStatus;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_OK;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_StringGetDataPointer;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_StringGetSize;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_TensorByteSize;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_TensorData;

import io.tfjmnist.keras.WeightsCheckpoint;
import io.tfjmnist.model.ModelArchitecture;
import io.tfjmnist.model.ModelWeights;
import io.tfjmnist.model.WeightSpec;
import io.tfjmnist.optimizers.Adam;
import io.tfjmnist.optimizers.OptimizerState;
import io.tfjmnist.savedmodel.SavedModelExporter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bytedeco.javacpp.BytePointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.TensorFlow;
import org.tensorflow.internal.c_api.TF_CheckpointReader;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.internal.c_api.TF_TString;
import org.tensorflow.internal.c_api.TF_Tensor;
import org.tensorflow.proto.DataType;

/**
 * TF's own checkpoint reader ({@code TF_NewCheckpointReader}, the C API behind Python's
 * {@code tf.train.load_checkpoint}) is the oracle of the hand-written one ({@link CheckpointReader}):
 * every Python-written fixture and every kind of checkpoint the product writes, read both ways, must
 * give the same keys, dtypes, shapes and bytes.
 */
class CheckpointOracleTest {
  private static final ModelArchitecture ARCH = ModelArchitecture.quickstartCnn();

  @TempDir
  Path dir;

  @Test
  void pythonsCheckpointsReadTheSameByHandAndByTensorFlow() {
    for (Path prefix : List.of(CheckpointFixtures.subclassedMlp(), CheckpointFixtures.sequentialAdam(),
        CheckpointFixtures.cnnMaxpoolVariables(), CheckpointFixtures.mlp128Variables(),
        CheckpointFixtures.tf1SoftmaxVariables())) {
      assertSameAsTensorFlow(prefix);
    }
  }

  @Test
  void everyCheckpointTheProductWritesReadsTheSameByHandAndByTensorFlow() {
    ModelWeights weights = ModelWeights.glorotUniform(ARCH, 3);
    Map<String, float[]> m = new LinkedHashMap<>();
    Map<String, float[]> v = new LinkedHashMap<>();
    for (WeightSpec s : ARCH.weights()) {
      float[] a = new float[(int) s.size()];
      Arrays.fill(a, 0.25f);
      m.put(s.path(), a);
      v.put(s.path(), a.clone());
    }
    OptimizerState state = new OptimizerState(1875, m, v);
    Path saveWeights = dir.resolve("weights/mnist"); // train's final save_weights
    WeightsCheckpoint.save(saveWeights, weights, state, Adam.kerasDefaults());
    Path bundle = dir.resolve("ckpts/ckpt-1"); // the resumable per-epoch checkpoints
    WeightsCheckpoint.saveBundle(bundle, weights, state, Adam.kerasDefaults());
    Path withoutAdam = dir.resolve("plain/mnist");
    WeightsCheckpoint.save(withoutAdam, weights, null, Adam.kerasDefaults());
    Path exported = SavedModelExporter.export(weights, dir.resolve("sm/1")); // a SavedModel's variables
    for (Path prefix : List.of(saveWeights, bundle, withoutAdam, exported.resolve("variables/variables"))) {
      assertSameAsTensorFlow(prefix);
    }
  }

  private static void assertSameAsTensorFlow(Path prefix) {
    TensorFlow.version(); // loads the native library
    Map<String, byte[]> byHand = new TreeMap<>();
    Map<String, String> handSpecs = new TreeMap<>();
    try (CheckpointReader reader = CheckpointReader.open(prefix)) {
      for (CheckpointIndex.Entry e : reader.index().entries()) {
        handSpecs.put(e.key(), e.dtype().getNumber() + " " + Arrays.toString(e.shape()));
        byHand.put(e.key(), e.dtype() == DataType.DT_STRING ? strings(reader.readStrings(e.key()))
            : reader.readRaw(e.key()));
      }
    }
    Map<String, byte[]> byTf = new TreeMap<>();
    Map<String, String> tfSpecs = new TreeMap<>();
    TF_Status status = TF_NewStatus();
    TF_CheckpointReader tf = TF_NewCheckpointReader(prefix.toString(), status);
    try {
      assertEquals(TF_OK, TF_GetCode(status), () -> prefix + ": " + TF_Message(status).getString());
      for (int i = 0; i < TF_CheckpointReaderSize(tf); i++) {
        String key = TF_CheckpointReaderGetVariable(tf, i).getString();
        int dims = TF_CheckpointReaderGetVariableNumDims(tf, key);
        long[] shape = new long[dims];
        TF_CheckpointReaderGetVariableShape(tf, key, shape, dims, status);
        assertEquals(TF_OK, TF_GetCode(status), () -> key + ": " + TF_Message(status).getString());
        int dtype = TF_CheckpointReaderGetVariableDataType(tf, key);
        tfSpecs.put(key, dtype + " " + Arrays.toString(shape));
        byTf.put(key, tensorBytes(tf, key, dtype, status));
      }
    } finally {
      TF_DeleteCheckpointReader(tf);
      TF_DeleteStatus(status);
    }
    assertEquals(tfSpecs, handSpecs, prefix + ": keys, dtypes and shapes");
    assertTrue(tfSpecs.size() >= 2, prefix + " holds " + tfSpecs.keySet());
    for (String key : byTf.keySet()) {
      assertArrayEquals(byTf.get(key), byHand.get(key), prefix + ": the bytes of " + key);
    }
  }

  /** A tensor's bytes as TF reads them: the raw little-endian elements, or a string tensor's strings joined. */
  private static byte[] tensorBytes(TF_CheckpointReader tf, String key, int dtype, TF_Status status) {
    TF_Tensor t = TF_CheckpointReaderGetTensor(tf, key, status);
    assertEquals(TF_OK, TF_GetCode(status), () -> key + ": " + TF_Message(status).getString());
    try {
      long size = TF_TensorByteSize(t);
      if (dtype == DataType.DT_STRING_VALUE) {
        List<byte[]> out = new ArrayList<>();
        TF_TString strings = new TF_TString(TF_TensorData(t));
        long n = size / strings.sizeof(); // 24-byte TF_TString headers, one per element
        for (long i = 0; i < n; i++) {
          TF_TString s = strings.getPointer(i);
          byte[] b = new byte[(int) TF_StringGetSize(s)];
          TF_StringGetDataPointer(s).get(b);
          out.add(b);
        }
        return strings(out);
      }
      byte[] b = new byte[(int) size];
      new BytePointer(TF_TensorData(t)).capacity(size).get(b);
      return b;
    } finally {
      TF_DeleteTensor(t);
    }
  }

  /** Strings joined with their lengths, so that ["ab", "c"] and ["a", "bc"] differ. */
  private static byte[] strings(List<byte[]> strings) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] s : strings) {
      out.writeBytes((s.length + ":").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.writeBytes(s);
    }
    return out.toByteArray();
  }
}
