package io.tfjmnist.tensors;

import java.util.Base64;
import java.util.List;
import java.util.function.IntFunction;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.image.DecodeJpeg;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/**
 * Decodes JPEG bytes with TF's {@code DecodeJpeg} kernel: libjpeg-turbo with its SIMD code, inside
 * the native library the model already loads. Asked for {@code dct_method="INTEGER_ACCURATE"}
 * (libjpeg's islow inverse DCT, the one Pillow and ImageIO use); TF's default, the fast DCT, gives
 * other pixels.
 *
 * <p>One graph and one session, made once and shared by every thread: {@code Session.run} is
 * thread-safe, and with a negative inter-op thread count TF runs the kernel in the calling thread,
 * so decodes on several threads run side by side instead of queueing on TF's pool (and the caller's
 * CPU time counts the decode). The session lives as long as the process, like the native library it
 * uses; each call's tensors are closed before it returns.
 */
public final class JpegTurbo {
  private static final class Holder {
    static final JpegTurbo SHARED = new JpegTurbo();
  }

  private final Graph graph;
  private final Placeholder<TString> input;
  private final DecodeJpeg rgb;
  private final DecodeJpeg grey;
  private final Session session;

  /**
   * Decoded samples, row-major and interleaved: {@code channels} bytes per pixel, the first
   * {@code width * height * channels} bytes of {@code samples} (which may be longer: a reused buffer).
   */
  public record Pixels(int width, int height, int channels, byte[] samples) {
    public Pixels {
      if ((long) width * height * channels > samples.length) {
        throw new IllegalArgumentException(samples.length + " bytes for " + width + "x" + height + "x" + channels);
      }
    }
  }

  private JpegTurbo() {
    graph = new Graph();
    Ops tf = Ops.create(graph);
    input = tf.placeholder(TString.class);
    rgb = tf.image.decodeJpeg(input, DecodeJpeg.channels(3L), DecodeJpeg.dctMethod("INTEGER_ACCURATE"));
    grey = tf.image.decodeJpeg(input, DecodeJpeg.channels(1L), DecodeJpeg.dctMethod("INTEGER_ACCURATE"));
    session = new Session(graph, sessionConfig());
  }

  static ConfigProto sessionConfig() {
    // inter-op -1: run in the caller's thread. The intra-op pool, though the kernel is
    // single-threaded, is left to TF: this session may be the process's first (HelperSessions).
    return HelperSessions.options(0).setInterOpParallelismThreads(-1).build();
  }

  /**
   * Loads the Java side of making this decoder (protobuf's descriptors for its session options,
   * initialised; the graph, op and tensor classes, loaded only), none of which needs TF's natives:
   * done while the natives load ({@link NativeWarmUp}), it takes a few hundred milliseconds of class
   * loading off the first decode, which waits for the load and then for {@link #shared}.
   */
  public static void loadClasses() {
    sessionConfig();
    // A class literal loads its class without initialising it (static code that may want the natives).
    List.of(Graph.class, Session.class, Ops.class, DecodeJpeg.class, TString.class, TUint8.class);
  }

  /** An 8x8 colour JPEG (287 bytes, Pillow's encoder), enough to make TF prepare both decodes. */
  private static final String TINY_JPEG = "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19i"
      + "Z2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2Nj"
      + "Y2P/wAARCAAIAAgDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAX/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/8QAFQEBAQAAAAAAAAAA"
      + "AAAAAAAAAAb/xAAUEQEAAAAAAAAAAAAAAAAAAAAA/9oADAMBAAIRAxEAPwCWAKZ//9k=";

  /**
   * Makes the {@link #shared} decoder and decodes a tiny JPEG to RGB and to grey with it, so that
   * the first real photo finds the session made and TF's executor for each of the two fetches
   * (the first run of a fetch builds one) ready: about a quarter of a second after the natives on
   * 2 cores, which otherwise lands on the first photo while every decoding thread waits for it.
   * Needs TF's natives (it loads them if nobody has); see {@code NativeWarmUp#after}.
   */
  public static void warmUp() {
    byte[] jpeg = Base64.getDecoder().decode(TINY_JPEG);
    shared().decode(jpeg, 3);
    shared().decode(jpeg, 1);
  }

  /** The process's decoder (made on first use). */
  public static JpegTurbo shared() {
    return Holder.SHARED;
  }

  /**
   * Decodes {@code jpeg} to RGB ({@code channels} 3) or grey ({@code channels} 1) samples.
   *
   * @throws IllegalArgumentException with TF's message when libjpeg-turbo refuses the data
   *     (truncated, corrupt, not a JPEG)
   */
  public Pixels decode(byte[] jpeg, int channels) {
    return decode(jpeg, channels, byte[]::new);
  }

  /**
   * As {@link #decode(byte[], int)}, reading the samples into {@code buffer.apply(n)}, an array of at
   * least the n bytes decoded: a caller that decodes photo after photo can hand out the same array
   * each time instead of a new one per photo (whose pages a fresh JVM must first fault in).
   */
  public Pixels decode(byte[] jpeg, int channels, IntFunction<byte[]> buffer) {
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels must be 1 or 3: " + channels);
    }
    try (TString in = TString.tensorOfBytes(NdArrays.scalarOfObject(jpeg));
        Result r = session.runner().feed(input, in).fetch(channels == 3 ? rgb : grey).run()) {
      TUint8 image = (TUint8) r.get(0);
      long[] shape = image.shape().asArray();
      int n = Math.toIntExact(image.shape().size());
      byte[] samples = buffer.apply(n);
      if (samples.length < n) {
        throw new IllegalStateException(samples.length + " bytes given for " + n);
      }
      image.asRawTensor().data().read(samples, 0, n);
      return new Pixels((int) shape[1], (int) shape[0], (int) shape[2], samples);
    } catch (org.tensorflow.exceptions.TensorFlowException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }
}
