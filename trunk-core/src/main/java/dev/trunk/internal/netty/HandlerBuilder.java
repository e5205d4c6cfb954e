package dev.trunk.internal.netty;

import io.netty.handler.codec.http2.AbstractHttp2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.netty.handler.codec.http2.DefaultHttp2LocalFlowController;
import io.netty.handler.codec.http2.DefaultHttp2RemoteFlowController;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.UniformStreamByteDistributor;

/**
 * Builds a server's or a client's connection handler through Netty's handler builder, which wraps
 * the codec in Netty's protections against abusive peers (queued control frames, empty DATA frames,
 * RST_STREAM rates, CONTINUATION floods) with the values of {@link FloodLimits}. Building the codec
 * by hand, as Trunk once did, silently skips them.
 */
final class HandlerBuilder<H extends GrpcConnectionHandler>
    extends AbstractHttp2ConnectionHandlerBuilder<H, HandlerBuilder<H>> {

  /** Makes the handler from the protected codec. */
  @FunctionalInterface
  interface Factory<H> {
    H create(
        Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings settings);
  }

  private final Factory<H> factory;

  private HandlerBuilder(boolean server, Http2Settings settings, Factory<H> factory) {
    this.factory = factory;
    Http2Connection connection = new DefaultHttp2Connection(server);
    connection
        .local()
        .flowController(
            new DefaultHttp2LocalFlowController(
                connection, FlowControl.WINDOW_UPDATE_RATIO, FlowControl.AUTO_REFILL_CONNECTION));
    // gRPC sends no priorities (RFC 9113 section 5.3 deprecates them), so the send window is shared
    // out in turn among the streams with data: Netty's default priority tree cost about 7 % of a
    // client's CPU per unary call in its profile, for weights every stream has alike.
    connection
        .remote()
        .flowController(
            new DefaultHttp2RemoteFlowController(
                connection, new UniformStreamByteDistributor(connection)));
    connection(connection);
    initialSettings(settings);
    encoderEnforceMaxQueuedControlFrames(FloodLimits.MAX_QUEUED_CONTROL_FRAMES);
    decoderEnforceMaxConsecutiveEmptyDataFrames(FloodLimits.MAX_CONSECUTIVE_EMPTY_DATA_FRAMES);
    decoderEnforceMaxSmallContinuationFrames(FloodLimits.MAX_SMALL_CONTINUATION_FRAMES);
  }

  /** A server handler: every flood limit applies. */
  static <H extends GrpcConnectionHandler> H server(
      Http2Settings settings, long gracefulShutdownMillis, Factory<H> factory) {
    return new HandlerBuilder<>(true, settings, factory)
        .decoderEnforceMaxRstFramesPerWindow(
            FloodLimits.MAX_RST_FRAMES_PER_WINDOW, FloodLimits.RST_WINDOW_SECONDS)
        .encoderEnforceMaxRstFramesPerWindow(
            FloodLimits.MAX_SENT_RST_FRAMES_PER_WINDOW, FloodLimits.RST_WINDOW_SECONDS)
        .gracefulShutdownTimeoutMillis(gracefulShutdownMillis)
        .build();
  }

  /**
   * A client handler: streams beyond the server's SETTINGS_MAX_CONCURRENT_STREAMS wait in Netty's
   * {@code StreamBufferingEncoder}. RST_STREAM rates are the server's business, not limited here.
   */
  static <H extends GrpcConnectionHandler> H client(Http2Settings settings, Factory<H> factory) {
    return new HandlerBuilder<>(false, settings, factory)
        .encoderEnforceMaxConcurrentStreams(true)
        .decoderEnforceMaxRstFramesPerWindow(0, 0)
        .encoderEnforceMaxRstFramesPerWindow(0, 0)
        .build();
  }

  @Override
  protected H build(
      Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings settings) {
    H handler = factory.create(decoder, encoder, settings);
    decoder.frameListener(handler);
    return handler;
  }
}
