package io.tfjmnist.serving.bench;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.tfjmnist.data.Dataset;
import io.tfjmnist.data.DatasetLocator;
import io.tfjmnist.data.DatasetName;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;
import tensorflow.serving.Model.ModelSpec;
import tensorflow.serving.Predict.PredictRequest;
import tensorflow.serving.PredictionServiceGrpc;
import tensorflow.serving.PredictionServiceGrpc.PredictionServiceBlockingStub;

/**
 * {@code scripts/bench-serve}'s gRPC load generator (a benchmark, not a test): {@code HOST:PORT
 * CLIENTS SECONDS [DATA_DIR]}, after SECONDS/3 (at least 3 s) of uncounted warm-up. Each client has its own channel (one HTTP/2 connection, as each REST
 * client has its own HTTP/1.1 connection) and sends its next {@code Predict} of one 28x28 image
 * (MNIST test image #0, the REST body's image) when the previous answer arrived. Prints the same
 * line as {@code ServeBench load}. {@code body OUT [DATA_DIR]} writes the same request as gRPC frames
 * it, for h2load.
 */
public final class GrpcLoad {
  private GrpcLoad() {}

  public static void main(String[] args) throws Exception {
    if (args[0].equals("body")) {
      // gRPC's wire form of the request (a 0 flag, a big-endian length, the message) for h2load,
      // a C load generator as wrk is REST's: {@code body OUT [DATA_DIR]}.
      byte[] message = request(args.length > 2 ? Path.of(args[2]) : null).toByteArray();
      ByteBuffer framed = ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message);
      Files.write(Path.of(args[1]), framed.array());
      return;
    }
    String[] hp = args[0].split(":");
    int clients = Integer.parseInt(args[1]);
    double seconds = Double.parseDouble(args[2]);
    PredictRequest request = request(args.length > 3 ? Path.of(args[3]) : null);

    // A Java client needs its JIT warm (wrk, REST's usual load, is C): each client first calls for
    // a third of the time, at least 3 s, uncounted (on a busy 2-core machine a fresh JVM's first
    // calls took up to 3 s), then the timed window starts for all at once.
    long warm = System.nanoTime() + (long) (Math.max(seconds / 3, 3) * 1e9);
    long end = warm + (long) (seconds * 1e9);
    AtomicLong errors = new AtomicLong();
    List<long[]> perClient = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    List<ManagedChannel> channels = new ArrayList<>();
    int[] counts = new int[clients];
    for (int c = 0; c < clients; c++) {
      long[] lat = new long[4_000_000 / clients + 1000];
      perClient.add(lat);
      ManagedChannel channel = NettyChannelBuilder.forAddress(hp[0], Integer.parseInt(hp[1])).usePlaintext().build();
      channels.add(channel);
      PredictionServiceBlockingStub stub = PredictionServiceGrpc.newBlockingStub(channel);
      int id = c;
      threads.add(new Thread(() -> {
        while (System.nanoTime() < warm) {
          try {
            stub.withDeadlineAfter(30, TimeUnit.SECONDS).predict(request);
          } catch (RuntimeException e) {
            // counted in the timed window only
          }
        }
        int n = 0;
        while (System.nanoTime() < end && n < lat.length) {
          long t0 = System.nanoTime();
          try {
            stub.withDeadlineAfter(30, TimeUnit.SECONDS).predict(request);
          } catch (RuntimeException e) {
            errors.incrementAndGet();
          }
          lat[n++] = System.nanoTime() - t0;
        }
        counts[id] = n;
      }, "grpc-load-" + c));
    }
    threads.forEach(Thread::start);
    long start = warm;
    for (Thread t : threads) {
      t.join();
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    channels.forEach(ManagedChannel::shutdownNow);
    ServeBench.print(elapsed, perClient, counts, errors.get());
  }

  /** MNIST test image #0 as REST's body rounds it (4 decimals), or the same synthetic stroke without data. */
  private static PredictRequest request(Path dataDir) {
    float[] x = new float[784];
    try {
      Dataset test = DatasetLocator.fromEnvironment(dataDir).offline().load(DatasetName.MNIST).test();
      for (int i = 0; i < 784; i++) {
        x[i] = Float.parseFloat(String.format(Locale.ROOT, "%.4f", test.pixel(0, i / 28, i % 28) / 255f));
      }
    } catch (RuntimeException e) {
      for (int r = 5; r < 23; r++) {
        x[r * 28 + 13] = 1f;
        x[r * 28 + 14] = 0.6f;
      }
    }
    TensorProto.Builder t = TensorProto.newBuilder().setDtype(DataType.DT_FLOAT).setTensorShape(TensorShapeProto.newBuilder()
        .addDim(TensorShapeProto.Dim.newBuilder().setSize(1)).addDim(TensorShapeProto.Dim.newBuilder().setSize(28))
        .addDim(TensorShapeProto.Dim.newBuilder().setSize(28)));
    for (float v : x) {
      t.addFloatVal(v);
    }
    return PredictRequest.newBuilder().setModelSpec(ModelSpec.newBuilder().setName("mnist")).putInputs("input", t.build())
        .build();
  }
}
