package dev.trunk.internal.netty;

import dev.trunk.Status;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import org.jspecify.annotations.Nullable;

/**
 * A unary request body gathered whole before its call sees it (Connect unary, HTTP/JSON
 * transcoding), up to the server's message limit. Runs on the exchange's event loop; whoever
 * creates one releases it ({@link #release}) if the exchange ends before {@link #take}.
 */
final class RequestBody {
  private final int maxBytes;
  private @Nullable CompositeByteBuf parts = Unpooled.compositeBuffer(Integer.MAX_VALUE);

  RequestBody(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  /**
   * Adds {@code data} (ownership taken).
   *
   * @throws Rejection RESOURCE_EXHAUSTED once the body outgrows the limit; what was gathered is
   *     released
   */
  void add(ByteBuf data) {
    CompositeByteBuf body = parts;
    if (body == null) {
      data.release(); // the rest of a body already refused or taken
      return;
    }
    if (body.readableBytes() + data.readableBytes() > maxBytes) {
      data.release();
      release();
      throw Rejection.of(
          Status.RESOURCE_EXHAUSTED.withDescription(
              "the request body is larger than the server's limit of "
                  + maxBytes
                  + " bytes (maxInboundMessageSize)"));
    }
    body.addComponent(true, data);
  }

  /** The whole body (ownership passed to the caller); empty if it was refused. */
  ByteBuf take() {
    CompositeByteBuf body = parts;
    parts = null;
    return body == null ? Unpooled.EMPTY_BUFFER : body;
  }

  /** Frees what was gathered, if it was not taken. */
  void release() {
    CompositeByteBuf body = parts;
    parts = null;
    if (body != null) {
      body.release();
    }
  }
}
