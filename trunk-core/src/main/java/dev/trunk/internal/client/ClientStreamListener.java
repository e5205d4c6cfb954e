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

  /**
   * The server never processed the stream (REFUSED_STREAM, or above a GOAWAY's last stream id), so
   * the transport sent it again on another connection (gRFC A6 "transparent retry"): the attempt
   * ended with {@code refusal} and another began, which has sent everything this one had. Transport
   * thread.
   */
  default void onTransparentRetry(Status refusal) {}

  /**
   * The call's method has a retry or hedging policy, but its first message is too big to keep for
   * replay: the call makes just this one attempt (gRFC A6), which it reports itself. Called before
   * the stream starts, on the thread starting it, with the attempt's request headers.
   */
  default void onSingleAttempt(Metadata requestHeaders) {}

  /**
   * Bytes of response messages the call took so far, as they crossed the wire (without their 5-byte
   * prefixes, compressed if compressed); 0 unless an event listener is installed.
   */
  default long wireBytesReceived() {
    return 0;
  }

  /** The event listeners' view of the call this stream belongs to, for attempt events. */
  default CallEvents events() {
    return CallEvents.NONE;
  }
}
