package dev.trunk.internal.netty;

import dev.trunk.Status;
import dev.trunk.TlsInfo;
import dev.trunk.internal.InboundBudget;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Headers;
import org.jspecify.annotations.Nullable;

/** An exchange on one HTTP/2 stream of a {@link ServerHandler}'s connection. */
final class Http2Exchange extends ServerExchange {
  private final ServerHandler handler;
  private final int streamId;

  Http2Exchange(WireProtocol protocol, ServerHandler handler, ChannelHandlerContext ctx, int id) {
    super(protocol, ctx);
    this.handler = handler;
    this.streamId = id;
  }

  @Override
  boolean isOpen() {
    return handler.isOpen(streamId);
  }

  @Override
  boolean isHttp2() {
    return true;
  }

  @Override
  void sendHead(Http2Headers head, boolean endOfStream) {
    if (endOfStream) {
      handler.writeTrailers(ctx, streamId, head);
    } else {
      handler.writeHeaders(ctx, streamId, head, false);
    }
  }

  @Override
  void writeBody(ByteBuf data, boolean endOfStream, @Nullable Runnable onWritten) {
    handler.writeData(ctx, streamId, data, endOfStream, onWritten);
  }

  @Override
  void writeTrailers(Http2Headers trailers) {
    handler.writeTrailers(ctx, streamId, trailers);
  }

  @Override
  void runOnEventLoop(Runnable task) {
    handler.runOnEventLoop(task);
  }

  // ---- ServerTransportStream ------------------------------------------------------------------

  @Override
  public void dispatch(Runnable handlerStart) {
    handler.dispatchAfterRead(handlerStart);
  }

  @Override
  public void reset(Status reason) {
    handler.runOnEventLoop(() -> handler.resetStream(ctx, streamId, reason));
  }

  /**
   * Always later, never inline: an event-loop handler takes its request inside {@code onDataRead},
   * and the decoder returns that frame's bytes itself once the listener is done; returning them
   * here as well would hand back more than was received (a connection error).
   */
  @Override
  public void returnCredit() {
    handler.handOver(() -> handler.returnCredit(streamId));
  }

  @Override
  public InboundBudget inboundBudget() {
    return handler.inboundBudget();
  }

  /** The TLS session of a connection, or null on plaintext. */
  static @Nullable TlsInfo tlsOf(Channel channel) {
    // hasAttr first: attr() would add an empty attribute to every plaintext connection.
    return channel.hasAttr(TlsHandshake.TLS_INFO)
        ? channel.attr(TlsHandshake.TLS_INFO).get()
        : null;
  }
}
