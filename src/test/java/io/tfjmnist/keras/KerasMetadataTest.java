package io.tfjmnist.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.tfjmnist.TfjMnistException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code keras_metadata.pb} ({@code SavedMetadata}) read with protobuf-java, unknown fields skipped. */
class KerasMetadataTest {
  @TempDir
  Path dir;

  private static byte[] node(int id, String path, String identifier, String metadata) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeInt32(2, id);
    out.writeString(3, path);
    out.writeString(4, identifier);
    out.writeString(5, metadata);
    out.writeBytes(6, ByteString.copyFromUtf8("\u0008\u0001")); // version: VersionDef, skipped
    out.writeFixed64(7, 42); // a field from the future, skipped
    out.flush();
    return bytes.toByteArray();
  }

  private Path file(byte[]... nodes) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    for (byte[] n : nodes) {
      out.writeByteArray(1, n);
    }
    out.writeFixed32(9, 7); // unknown top-level field
    out.flush();
    Path f = dir.resolve("keras_metadata.pb");
    Files.write(f, bytes.toByteArray());
    return f;
  }

  @Test
  void readsNodesAndSkipsUnknownFields() throws IOException {
    KerasMetadata m = KerasMetadata.fromKerasMetadataFile(file(
        node(0, "root", "_tf_keras_sequential", "{\"class_name\": \"Sequential\"}"),
        node(3, "root.layer_with_weights-0", "_tf_keras_layer", "{}")));
    assertEquals("keras_metadata.pb", m.source());
    assertEquals(List.of(
        new KerasMetadata.Node(0, "", "_tf_keras_sequential", "{\"class_name\": \"Sequential\"}"),
        new KerasMetadata.Node(3, "layer_with_weights-0", "_tf_keras_layer", "{}")), m.nodes());
  }

  @Test
  void aTruncatedFileIsRefusedWithItsName() throws IOException {
    Path f = file(node(3, "root.dense", "_tf_keras_layer", "{\"units\": 10}"));
    byte[] whole = Files.readAllBytes(f);
    Files.write(f, Arrays.copyOf(whole, whole.length - 12));
    TfjMnistException e = assertThrows(TfjMnistException.class, () -> KerasMetadata.fromKerasMetadataFile(f));
    assertTrue(e.getMessage().startsWith("Keras metadata file " + f + " is corrupt or not a Keras SavedMetadata protobuf: "),
        e.getMessage());
    Files.write(f, new byte[] {(byte) 0x80}); // a varint that never ends
    assertThrows(TfjMnistException.class, () -> KerasMetadata.fromKerasMetadataFile(f));
  }
}
