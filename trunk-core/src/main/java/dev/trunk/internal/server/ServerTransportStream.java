package dev.trunk.internal.server;

import dev.trunk.Metadata;
import dev.trunk.Status;
import dev.trunk.TlsInfo;
import dev.trunk.internal.InboundBudget;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.SocketAddress;
import java.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

/**
 * What a server call needs from its transport stream. Thread-safe: methods called off the transport
 * thread hand their work to it.
 */
public interface ServerTransportStream {
  /**
   * Writes, in one flush, any of: the response headers (with {@code encoding} as grpc-encoding),
   * one framed message (ownership is taken; its bytes are reported to {@link
   * ServerCallImpl#onWritten} once written) and the trailers that end the stream. When trailers
   * come without headers ever having been sent, they go as a Trailers-Only response, which then
   * also carries {@code headers}' metadata if they come along without a message.
   */
  void write(
      @Nullable Metadata headers,
      @Nullable String encoding,
      @Nullable ByteBuf message,
      @Nullable Status status,
      @Nullable Metadata trailers);

  /**
   * Runs {@code handlerStart} on the transport thread once the frames read together with the
   * request have been processed, so that a reset that arrived with them is seen first.
   */
  void dispatch(Runnable handlerStart);

  /** Resets the stream (RST_STREAM) for {@code reason}. */
  void reset(Status reason);

  /** Returns flow-control credit withheld while the application was behind. */
  void returnCredit();

  /** Runs {@code task} on the transport thread in a later task, never inline. */
  void execute(Runnable task);

  /** Runs {@code task} on the transport thread after {@code nanos}. */
  ScheduledFuture<?> schedule(Runnable task, long nanos);

  /** Whether the calling thread is the stream's transport thread. */
  boolean inTransportThread();

  ByteBufAllocator allocator();

  /** Where the call reserves the bytes of the request messages it holds. */
  InboundBudget inboundBudget();

  SocketAddress peer();

  /** The TLS session of the stream's connection, or null on plaintext and in-process. */
  @Nullable TlsInfo tls();
}
