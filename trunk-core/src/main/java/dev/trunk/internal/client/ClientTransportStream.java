package dev.trunk.internal.client;

import dev.trunk.Status;
import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;

/**
 * What a client call needs from its transport stream once started. Thread-safe: calls off the
 * transport thread are handed to it, in order.
 */
public interface ClientTransportStream {
  /**
   * Writes one framed message (ownership taken; may be null) and, if {@code endOfStream}, the
   * half-close, in one flush. Written message bytes are reported to {@link
   * ClientStreamListener#onWritten}.
   */
  void write(@Nullable ByteBuf message, boolean endOfStream);

  /** Resets the stream (RST_STREAM) because the call ended with {@code reason} on this side. */
  void reset(Status reason);

  /** Returns flow-control credit withheld while the application was behind. */
  void returnCredit();
}
