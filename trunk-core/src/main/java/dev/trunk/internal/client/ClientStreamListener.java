package dev.trunk.internal.client;

import dev.trunk.EventListener.AbortReason;
import dev.trunk.EventListener.CallEvents;
import dev.trunk.Metadata;
import dev.trunk.Status;
import dev.trunk.internal.InboundBudget;
import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;

/** What the transport tells a client call, always on the transport thread. */
public interface ClientStreamListener {
  /**
   * Valid response headers arrived (received message bytes are reserved in {@code budget}, which
   * the call releases as it takes them) (HTTP 200, gRPC content-type); {@code encoding} is their
   * grpc-encoding or null.
   */
  void onHeaders(Metadata headers, @Nullable String encoding, InboundBudget budget);

  /** A DATA frame's bytes (ownership included); returns whether its credit may be returned now. */
  boolean onData(ByteBuf data, boolean endOfStream);

  /** The call ended: trailers arrived, the stream was reset or the connection failed. */
  void onClose(Status status, Metadata trailers);

  /** Bytes of a written message left the outbound buffer. */
  void onWritten(int bytes);

  /**
   * The stream is about to end abnormally for {@code reason} (a reset from the server, a lost
   * connection): {@link #onClose} follows. Transport thread.
   */
  default void onAborted(AbortReason reason) {}

  /** The event listeners' view of the call this stream belongs to, for attempt events. */
  default CallEvents events() {
    return CallEvents.NONE;
  }
}
