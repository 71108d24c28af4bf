package io.tfjmnist.serving;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Consumer;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * Reads the whole body without blocking: each time data is there it is appended, otherwise a
 * demand is registered and the thread is released. More than {@code limit} bytes fails with 413.
 */
final class BodyReader implements Runnable {
  private final Request request;
  private final int limit;
  private final Consumer<byte[]> onBody;
  private final Consumer<Throwable> onFailure;
  private byte[] buf;
  private int size;

  BodyReader(Request request, int limit, long declared, Consumer<byte[]> onBody, Consumer<Throwable> onFailure) {
    this.request = request;
    this.limit = limit;
    this.onBody = onBody;
    this.onFailure = onFailure;
    this.buf = new byte[declared > 0 ? (int) declared : 8192];
  }

  @Override
  public void run() {
    while (true) {
      Content.Chunk chunk = request.read();
      if (chunk == null) {
        request.demand(this);
        return;
      }
      if (Content.Chunk.isFailure(chunk)) {
        onFailure.accept(chunk.getFailure());
        return;
      }
      ByteBuffer bb = chunk.getByteBuffer();
      int n = bb.remaining();
      if ((long) size + n > limit) {
        chunk.release();
        onFailure.accept(new ApiException(413, "The request body is larger than the limit of " + limit + " bytes."));
        return;
      }
      if (size + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.min(limit, Math.max(size + n, buf.length * 2)));
      }
      bb.get(buf, size, n);
      size += n;
      boolean last = chunk.isLast();
      chunk.release();
      if (last) {
        onBody.accept(size == buf.length ? buf : Arrays.copyOf(buf, size));
        return;
      }
    }
  }
}
