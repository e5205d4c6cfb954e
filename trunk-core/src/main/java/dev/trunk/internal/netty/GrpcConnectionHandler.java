package dev.trunk.internal.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.netty.handler.codec.http2.DefaultHttp2ConnectionDecoder;
import io.netty.handler.codec.http2.DefaultHttp2ConnectionEncoder;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2LocalFlowController;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Flags;
import io.netty.handler.codec.http2.Http2FrameListener;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.StreamBufferingEncoder;
import java.util.function.UnaryOperator;

/**
 * What the server's and the client's HTTP/2 connection handlers share: the codec set-up, the
 * receive windows (raised for the connection once the peer's first SETTINGS arrive, returned per
 * stream as the application consumes), and the frames gRPC ignores. Event loop only.
 */
abstract class GrpcConnectionHandler extends Http2ConnectionHandler implements Http2FrameListener {
  private final DefaultHttp2LocalFlowController inboundFlow;
  private boolean connectionWindowRaised;

  GrpcConnectionHandler(Codec codec, Http2Settings settings) {
    super(codec.decoder(), codec.encoder(), settings);
    this.inboundFlow = codec.inboundFlow();
  }

  /**
   * The HTTP/2 codec of one connection. Received bytes are returned to the peer's window only when
   * the application has taken them ({@link #consumeAll}): auto-refill is off.
   */
  record Codec(
      Http2ConnectionDecoder decoder,
      Http2ConnectionEncoder encoder,
      DefaultHttp2LocalFlowController inboundFlow) {
    static Codec create(
        boolean server, int maxHeaderListSize, UnaryOperator<Http2ConnectionEncoder> wrapEncoder) {
      Http2Connection connection = new DefaultHttp2Connection(server);
      DefaultHttp2LocalFlowController inboundFlow =
          new DefaultHttp2LocalFlowController(connection, FlowControl.WINDOW_UPDATE_RATIO, false);
      connection.local().flowController(inboundFlow);
      DefaultHttp2FrameReader reader =
          new DefaultHttp2FrameReader(new DefaultHttp2HeadersDecoder(true, maxHeaderListSize));
      Http2ConnectionEncoder encoder =
          wrapEncoder.apply(
              new DefaultHttp2ConnectionEncoder(connection, new DefaultHttp2FrameWriter()));
      return new Codec(
          new DefaultHttp2ConnectionDecoder(connection, encoder, reader), encoder, inboundFlow);
    }

    /** A client's encoder queues streams beyond the server's SETTINGS_MAX_CONCURRENT_STREAMS. */
    static Codec forClient(int maxHeaderListSize) {
      return create(false, maxHeaderListSize, StreamBufferingEncoder::new);
    }

    static Codec forServer(int maxHeaderListSize) {
      return create(true, maxHeaderListSize, UnaryOperator.identity());
    }
  }

  /** Raises the connection's receive window to {@link FlowControl#CONNECTION_WINDOW}, once. */
  final void raiseConnectionWindowOnce(ChannelHandlerContext ctx) {
    if (connectionWindowRaised) {
      return;
    }
    connectionWindowRaised = true;
    Http2Stream connectionStream = connection().connectionStream();
    int delta = FlowControl.CONNECTION_WINDOW - inboundFlow.initialWindowSize(connectionStream);
    try {
      inboundFlow.incrementWindowSize(connectionStream, delta);
      flush(ctx);
    } catch (Http2Exception e) {
      onError(ctx, false, e);
    }
  }

  /** Returns every withheld byte of {@code stream}'s receive window to the peer. */
  final void consumeAll(ChannelHandlerContext ctx, Http2Stream stream) {
    try {
      int unconsumed = inboundFlow.unconsumedBytes(stream);
      if (unconsumed > 0 && inboundFlow.consumeBytes(stream, unconsumed)) {
        flush(ctx);
      }
    } catch (Http2Exception e) {
      onError(ctx, false, e);
    }
  }

  @Override
  public final void onHeadersRead(
      ChannelHandlerContext ctx,
      int streamId,
      Http2Headers headers,
      int streamDependency,
      short weight,
      boolean exclusive,
      int padding,
      boolean endOfStream)
      throws Http2Exception {
    onHeadersRead(ctx, streamId, headers, padding, endOfStream);
  }

  // ---- frames gRPC ignores unless a subclass says otherwise ----------------------------------

  @Override
  public void onPriorityRead(
      ChannelHandlerContext ctx, int streamId, int dependency, short weight, boolean exclusive) {}

  @Override
  public void onSettingsAckRead(ChannelHandlerContext ctx) {}

  @Override
  public void onPingRead(ChannelHandlerContext ctx, long data) {}

  @Override
  public void onPingAckRead(ChannelHandlerContext ctx, long data) {}

  @Override
  public void onPushPromiseRead(
      ChannelHandlerContext ctx,
      int streamId,
      int promisedStreamId,
      Http2Headers headers,
      int padding) {}

  @Override
  public void onGoAwayRead(
      ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData) {}

  @Override
  public void onWindowUpdateRead(
      ChannelHandlerContext ctx, int streamId, int windowSizeIncrement) {}

  @Override
  public void onUnknownFrame(
      ChannelHandlerContext ctx, byte frameType, int streamId, Http2Flags flags, ByteBuf payload) {}
}
