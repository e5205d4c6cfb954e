package dev.trunk.internal.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Tells HTTP/2 with prior knowledge from HTTP/1.1 on a plaintext port by the first bytes: the
 * HTTP/2 client preface (RFC 9113 section 3.4) or anything else. Replaces itself with the handlers
 * of that version and passes the bytes on. A client that sends nothing within the handshake timeout
 * is closed.
 */
final class HttpVersionDetector extends ByteToMessageDecoder {
  private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();

  private final ServerPipeline pipeline;
  private @Nullable HandshakeTimeout timeout;

  HttpVersionDetector(ServerPipeline pipeline) {
    this.pipeline = pipeline;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
    super.handlerAdded(ctx);
    timeout = HandshakeTimeout.start(ctx, pipeline.handshakeTimeoutNanos());
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    int compared = Math.min(in.readableBytes(), PREFACE.readableBytes());
    boolean http2 = ByteBufUtil.equals(in, in.readerIndex(), PREFACE, 0, compared);
    if (http2 && compared < PREFACE.readableBytes()) {
      return; // a prefix of the preface so far
    }
    HandshakeTimeout pending = timeout;
    if (pending != null) {
      pending.cancel();
      timeout = null;
    }
    if (http2) {
      pipeline.http2(ctx.pipeline());
    } else {
      pipeline.http1(ctx.pipeline());
    }
    ctx.pipeline().remove(this); // hands the bytes read so far to the new handlers
  }
}
