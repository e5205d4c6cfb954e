package dev.trunk.internal.client;

import dev.trunk.Status;
import dev.trunk.StatusException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

/** Opens streams to one server for a channel, connecting and reconnecting as needed. */
public interface ClientTransport {
  /**
   * Opens a stream for {@code call} and writes its headers and, when given, a first message and the
   * half-close: all in one hop to the transport thread and one flush. The returned stream takes
   * writes at once; they go out, in order, when the connection is ready. If the stream cannot be
   * opened, the listener hears {@code onClose} with UNAVAILABLE (or this throws a {@link
   * dev.trunk.StatusException}, the message not taken, e.g. once the transport is shut down).
   */
  ClientTransportStream newStream(
      CallStart call,
      @Nullable ByteBuf firstMessage,
      boolean endOfStream,
      ClientStreamListener listener);

  /** Runs {@code task} on a transport thread after {@code nanos}. */
  ScheduledFuture<?> schedule(Runnable task, long nanos);

  ByteBufAllocator allocator();

  /** Closes the connection once its streams are done (GOAWAY first). */
  void shutdown();

  /** Closes the connection now; open streams fail with UNAVAILABLE. */
  void shutdownNow();

  /** What a call on a closed channel throws, wherever the channel's closing is noticed. */
  static StatusException channelClosed() {
    return Status.UNAVAILABLE
        .withDescription(
            "the channel is closed (close() or shutdownNow() was called); build a new Channel"
                + " for further calls")
        .asException();
  }
}
