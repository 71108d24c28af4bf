package io.tfjmnist.training.callbacks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tfjmnist.training.TrainingConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TFOutOfRangeException;
import org.tensorflow.op.Ops;
import org.tensorflow.op.io.FifoQueue;
import org.tensorflow.op.io.ReaderRead;
import org.tensorflow.op.io.TfRecordReader;
import org.tensorflow.op.summary.SummaryWriter;
import org.tensorflow.types.TString;

/**
 * Our event files against TensorFlow's own native code: TF's record reader reads (and
 * checksums) the records we write, and we read the event file TF's summary writer produces.
 */
class EventFileInteropTest {
  @TempDir
  Path dir;

  /** The records of {@code file} as TF's native record reader returns them (it verifies both CRCs). */
  private static List<byte[]> readWithTensorFlow(Path file) {
    List<byte[]> out = new ArrayList<>();
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      // The queue-based TFRecordReader: the same RecordReader that TFRecordDataset and
      // TensorBoard's own reader use, without tf.data's graph rewriting.
      FifoQueue files = tf.io.fifoQueue(List.of(TString.class));
      var enqueue = tf.io.queueEnqueue(files, List.of(tf.constant(file.toString())));
      var closeQueue = tf.io.queueClose(files);
      TfRecordReader reader = tf.io.tfRecordReader();
      ReaderRead read = tf.io.readerRead(reader, files);
      s.runner().addTarget(enqueue).run().close();
      s.runner().addTarget(closeQueue).run().close();
      while (true) {
        try (var r = s.runner().fetch(read.value()).run()) {
          out.add(((TString) r.get(0)).asBytes().getObject());
        } catch (TFOutOfRangeException end) {
          return out;
        }
      }
    }
  }

  @Test
  void tensorFlowReadsOurRecords() throws Exception {
    Path file;
    try (TensorBoardWriter tb = new TensorBoardWriter(dir, 5)) {
      FakeRun.run(List.of(tb), TrainingConfig.quickstartDefaults(), 10, 0.5f, 0.25f);
      file = tb.trainFile();
    }
    List<byte[]> ours = EventFileReader.readRecords(file);
    List<byte[]> theirs = readWithTensorFlow(file);
    assertEquals(ours.size(), theirs.size());
    for (int i = 0; i < ours.size(); i++) {
      assertArrayEquals(ours.get(i), theirs.get(i), "record " + i);
    }
    byte[] bad = Files.readAllBytes(file);
    bad[bad.length - 1] ^= 1; // the last record's data checksum
    Files.write(file, bad);
    assertThrows(RuntimeException.class, () -> readWithTensorFlow(file), "TF rejects it too");
  }

  @Test
  void weReadTensorFlowsSummaryWriter() {
    Path logdir = dir.resolve("tf");
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      SummaryWriter w = tf.summary.summaryWriter(SummaryWriter.sharedName("interop"));
      var create = tf.summary.createSummaryFileWriter(w, tf.constant(logdir.toString()), tf.constant(10),
          tf.constant(100_000), tf.constant(".v2"));
      var write = tf.summary.writeScalarSummary(w, tf.constant(7L), tf.constant("epoch_loss"), tf.constant(0.5f));
      var close = tf.summary.closeSummaryWriter(w);
      s.runner().addTarget(create).run().close();
      s.runner().addTarget(write).run().close();
      s.runner().addTarget(close).run().close();
    }
    List<Path> files = EventFileReader.eventFiles(logdir);
    assertEquals(1, files.size());
    assertEquals("brain.Event:2", EventFileReader.read(files.get(0)).get(0).getFileVersion());
    List<EventFileReader.Scalar> scalars = EventFileReader.scalars(files.get(0));
    assertEquals(1, scalars.size());
    assertEquals("epoch_loss", scalars.get(0).tag());
    assertEquals(7L, scalars.get(0).step());
    assertEquals(0.5f, scalars.get(0).value());
  }
}
