package dev.trunk.internal.netty;

import dev.trunk.Metadata;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.jspecify.annotations.Nullable;

/**
 * A unary response held until its status is known, for protocols whose HTTP status and headers
 * depend on the outcome (Connect unary, HTTP transcoding). Event loop only.
 */
final class HeldResponse {
  private @Nullable Metadata headers;
  private @Nullable ByteBuf message;

  /**
   * Holds what the call wrote; the messages count as written at once, since they wait here for the
   * status rather than for the network.
   */
  void hold(
      @Nullable Metadata writtenHeaders, @Nullable ByteBuf messages, @Nullable Runnable onWritten) {
    if (writtenHeaders != null) {
      headers = writtenHeaders;
    }
    if (messages != null) {
      ByteBuf previous = message;
      message = previous == null ? messages : Unpooled.wrappedBuffer(previous, messages);
      if (onWritten != null) {
        onWritten.run();
      }
    }
  }

  /** The held response headers, or null; they are no longer held. */
  @Nullable Metadata takeHeaders() {
    Metadata taken = headers;
    headers = null;
    return taken;
  }

  /** The held length-prefixed messages (ownership passes), or null. */
  @Nullable ByteBuf takeMessage() {
    ByteBuf taken = message;
    message = null;
    return taken;
  }
}
