package dev.trunk.internal.netty;

import dev.trunk.Status;
import dev.trunk.internal.InboundBudget;
import dev.trunk.internal.Log;
import dev.trunk.internal.server.ConnectionManagement;
import dev.trunk.internal.server.MethodRegistry;
import dev.trunk.internal.server.ServerCallImpl;
import dev.trunk.internal.server.ServerConfig;
import dev.trunk.internal.wire.HttpStatusMapping;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP/2 connection handler of one server connection: validates request headers, creates a
 * {@link ServerCallImpl} per stream, feeds it DATA frames and writes what it produces. Runs on the
 * connection's event loop.
 */
final class ServerHandler extends GrpcConnectionHandler {
  private static final Log log = Log.of(ServerHandler.class);

  private final ServerConfig config;
  private final MethodRegistry registry;
  private final InboundBudget budget;
  private final Http2Connection.PropertyKey streamKey;
  private final PingEnforcer pingEnforcer;
  private final ConnectionLifetime lifetime;
  private final LingeringClose lingeringClose = new LingeringClose();
  private @Nullable HandshakeTimeout handshakeTimeout;

  // Handler starts waiting for the end of the read batch (event loop only), see dispatchAfterRead.
  private final ArrayDeque<Runnable> pendingDispatches = new ArrayDeque<>();

  // Graceful shutdown (event loop only): the close waiting for the PING after the first GOAWAY.
  private @Nullable ChannelPromise drainingClose;
  private @Nullable ScheduledFuture<?> drainTimeout;
  private long drainStartNanos;
  private long drainGraceMillis; // Long.MAX_VALUE: as long as the calls take
  private String drainDebugData = "";

  private ServerHandler(
      Http2ConnectionDecoder decoder,
      Http2ConnectionEncoder encoder,
      Http2Settings settings,
      ServerConfig config,
      MethodRegistry registry,
      InboundBudget budget) {
    super(decoder, encoder, settings);
    this.config = config;
    this.registry = registry;
    this.budget = budget;
    this.streamKey = connection().newKey();
    connection().addListener(new StreamCloser());
    ConnectionManagement connections = config.connections();
    this.pingEnforcer =
        new PingEnforcer(
            connections.permitKeepAliveTimeNanos(), connections.permitKeepAliveWithoutCalls());
    this.lifetime =
        new ConnectionLifetime(this, connections, config.shutdownGracePeriod().toMillis());
    if (connections.keepAliveTimeNanos() != ConnectionManagement.INFINITE) {
      // gRFC A9: servers ping whether or not calls are in progress.
      keepAlive(
          new KeepAlivePinger(
              this,
              connections.keepAliveTimeNanos(),
              connections.keepAliveTimeoutNanos(),
              true,
              this::keepAliveFailed));
    }
  }

  /**
   * A handler for one new connection, whose calls hold received messages within their own budget
   * ({@code maxBufferedBytesPerConnection}) and the server's.
   */
  static ServerHandler create(
      ServerConfig config, MethodRegistry registry, InboundBudget serverBudget) {
    InboundBudget budget =
        serverBudget.child(
            "this connection (maxBufferedBytesPerConnection)",
            config.maxBufferedBytesPerConnection());
    Http2Settings settings =
        new Http2Settings()
            .initialWindowSize(FlowControl.STREAM_WINDOW)
            .maxConcurrentStreams(config.maxConcurrentStreams())
            .maxHeaderListSize(config.maxHeaderListSize());
    return HandlerBuilder.server(
        settings,
        config.shutdownGracePeriod().toMillis(),
        (decoder, encoder, initial) ->
            new ServerHandler(decoder, encoder, initial, config, registry, budget));
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
    super.handlerAdded(ctx);
    ctx.pipeline().addBefore(ctx.name(), null, lingeringClose);
    handshakeTimeout = HandshakeTimeout.start(ctx, config.connections().handshakeTimeoutNanos());
    lifetime.start(ctx);
  }

  /** The client did not answer a keepalive PING: it is gone, and its calls are cancelled. */
  private void keepAliveFailed() {
    ChannelHandlerContext ctx = ctx();
    log.debug(
        "closing the connection from {}: no answer to a keepalive PING within {} ms"
            + " (keepAliveTimeout)",
        ctx.channel().remoteAddress(),
        TimeUnit.NANOSECONDS.toMillis(config.connections().keepAliveTimeoutNanos()));
    ctx.close(); // below the HTTP/2 handler: no graceful shutdown with a peer that is gone
  }

  // ---- inbound frames -----------------------------------------------------------------------

  @Override
  public void onHeadersRead(
      ChannelHandlerContext ctx,
      int streamId,
      Http2Headers headers,
      int padding,
      boolean endOfStream) {
    Http2Stream stream = connection().stream(streamId);
    Http2Exchange existing = stream.getProperty(streamKey);
    if (existing != null) {
      // Trailing headers from the client: only their END_STREAM matters.
      if (endOfStream) {
        existing.onEndOfRequest();
      }
      return;
    }
    Http2Exchange exchange =
        new Http2Exchange(Protocols.forRequest(headers, registry, config), this, ctx, streamId);
    stream.setProperty(streamKey, exchange);
    exchange.start(headers, endOfStream, registry, config);
  }

  @Override
  public int onDataRead(
      ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream) {
    int bytes = data.readableBytes() + padding;
    Http2Exchange exchange = exchangeOf(streamId);
    if (exchange == null) {
      return bytes;
    }
    return exchange.onBody(data.retain(), endOfStream) ? bytes : 0;
  }

  /**
   * Request headers over SETTINGS_MAX_HEADER_LIST_SIZE: instead of Netty's bare HTTP 431, which
   * gRPC clients can only map to UNKNOWN, answers a Trailers-Only RESOURCE_EXHAUSTED that says
   * which limit was hit. Netty resets the stream afterwards.
   */
  @Override
  protected void handleServerHeaderDecodeSizeError(ChannelHandlerContext ctx, Http2Stream stream) {
    Http2Headers response = GrpcProtocol.trailersOnlyHead(GrpcHeaders.APPLICATION_GRPC);
    GrpcHeaders.addStatus(
        response,
        Status.RESOURCE_EXHAUSTED.withDescription(
            "the request headers are larger than the server's limit of "
                + config.maxHeaderListSize()
                + " bytes"));
    writeTrailers(ctx, stream.id(), response);
  }

  @Override
  public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
    Http2Exchange exchange = exchangeOf(streamId);
    ServerCallImpl<?, ?> call = exchange == null ? null : exchange.call();
    if (call != null) {
      call.onReset(HttpStatusMapping.statusForClientReset(errorCode));
    }
  }

  @Override
  public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) {
    raiseConnectionWindowOnce(ctx);
    HandshakeTimeout handshake = handshakeTimeout;
    if (handshake != null) {
      handshake.cancel();
      handshakeTimeout = null;
    }
  }

  @Override
  public void onPingRead(ChannelHandlerContext ctx, long data) {
    pingEnforcer.onPingRead(this, connection().numActiveStreams() > 0);
  }

  private @Nullable Http2Exchange exchangeOf(int streamId) {
    Http2Stream stream = connection().stream(streamId);
    return stream == null ? null : stream.getProperty(streamKey);
  }

  /**
   * Starts a handler once the current read batch is processed rather than at once: when a client
   * opens streams and resets them in the same packets (rapid reset, CVE-2023-44487), the resets are
   * seen first and those calls never start a handler. Outside a read batch it runs at once.
   */
  void dispatchAfterRead(Runnable handlerStart) {
    if (inReadBatch()) {
      pendingDispatches.add(handlerStart);
    } else {
      handlerStart.run();
    }
  }

  @Override
  void onReadBatchEnd() {
    Runnable start;
    while ((start = pendingDispatches.poll()) != null) {
      start.run();
    }
  }

  /** Where the calls of this connection reserve the request messages they hold. */
  InboundBudget inboundBudget() {
    return budget;
  }

  // ---- outbound, called by NettyServerStream on the event loop ------------------------------

  /** Whether the stream exists and this side may still send on it. */
  boolean isOpen(int streamId) {
    Http2Stream stream = connection().stream(streamId);
    return stream != null
        && (stream.state() == Http2Stream.State.OPEN
            || stream.state() == Http2Stream.State.HALF_CLOSED_REMOTE);
  }

  void writeHeaders(ChannelHandlerContext ctx, int streamId, Http2Headers headers, boolean end) {
    pingEnforcer.onHeadersOrDataSent();
    encoder().writeHeaders(ctx, streamId, headers, 0, end, ctx.newPromise());
  }

  /** Writes a DATA frame; {@code onWritten}, if given, runs once it has left (or failed). */
  void writeData(
      ChannelHandlerContext ctx,
      int streamId,
      ByteBuf data,
      boolean endOfStream,
      @Nullable Runnable onWritten) {
    ChannelPromise promise = endOfStream ? stopRequestAfter(ctx, streamId) : ctx.newPromise();
    if (onWritten != null) {
      promise.addListener(future -> onWritten.run());
    }
    pingEnforcer.onHeadersOrDataSent();
    encoder().writeData(ctx, streamId, data, 0, endOfStream, promise);
  }

  /**
   * Ends the stream with trailers. If the client is still sending, it is then told to stop with
   * RST_STREAM(NO_ERROR), as RFC 9113 section 8.1 allows after a complete response.
   */
  void writeTrailers(ChannelHandlerContext ctx, int streamId, Http2Headers trailers) {
    pingEnforcer.onHeadersOrDataSent();
    encoder().writeHeaders(ctx, streamId, trailers, 0, true, stopRequestAfter(ctx, streamId));
  }

  /**
   * A promise for the write that completes the response: once it is written, a client still sending
   * is told to stop with RST_STREAM(NO_ERROR), as RFC 9113 section 8.1 allows.
   */
  private ChannelPromise stopRequestAfter(ChannelHandlerContext ctx, int streamId) {
    ChannelPromise promise = ctx.newPromise();
    promise.addListener(
        (ChannelFutureListener)
            future -> {
              Http2Stream stream = connection().stream(streamId);
              if (future.isSuccess()
                  && stream != null
                  && stream.state() == Http2Stream.State.HALF_CLOSED_LOCAL) {
                resetStream(ctx, streamId, Http2Error.NO_ERROR.code(), ctx.newPromise());
                flushSoon();
              }
            });
    return promise;
  }

  void resetStream(ChannelHandlerContext ctx, int streamId, Status reason) {
    if (connection().stream(streamId) != null) {
      resetStream(
          ctx, streamId, HttpStatusMapping.rstStreamCodeFor(reason.code()), ctx.newPromise());
      flushSoon();
    }
  }

  /** Returns every withheld byte of the stream's flow-control window. */
  void returnCredit(int streamId) {
    Http2Stream stream = connection().stream(streamId);
    if (stream != null && stream.state() != Http2Stream.State.CLOSED) {
      consumeAll(ctx(), stream);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
    if (Http2CodecUtil.getEmbeddedHttp2Exception(cause) == null) {
      // An I/O or TLS error is the client's doing; anything else is a failure of ours to look into.
      if (causedByIo(cause)) {
        log.debug("connection from {} failed", ctx.channel().remoteAddress(), cause);
      } else {
        log.warn("connection from {} failed; closing it", ctx.channel().remoteAddress(), cause);
      }
      ctx.close();
      return;
    }
    super.exceptionCaught(ctx, cause);
  }

  /**
   * A connection error ends the connection at once: the close that follows its GOAWAY lingers until
   * the peer could read the GOAWAY, see {@link LingeringClose}. An error that asks for a graceful
   * shutdown lets the streams in progress finish as before.
   */
  @Override
  protected void onConnectionError(
      ChannelHandlerContext ctx,
      boolean outbound,
      Throwable cause,
      @Nullable Http2Exception http2Ex) {
    if (http2Ex == null || http2Ex.shutdownHint() == Http2Exception.ShutdownHint.HARD_SHUTDOWN) {
      lingeringClose.arm();
    }
    super.onConnectionError(ctx, outbound, cause, http2Ex);
  }

  /** Decodes no more frames once a connection error is closing the connection. */
  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    if (lingeringClose.armed()) {
      in.skipBytes(in.readableBytes());
      return;
    }
    super.decode(ctx, in, out);
  }

  private static boolean causedByIo(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof IOException) {
        return true;
      }
    }
    return false;
  }

  // ---- graceful shutdown --------------------------------------------------------------------

  /** The payload of the PING that follows the first GOAWAY of a graceful shutdown. */
  private static final long DRAIN_PING = 0x7472756e6b2d6761L;

  /**
   * Shuts the connection down gracefully in two steps (RFC 9113 section 6.8): a GOAWAY whose last
   * stream id is 2^31-1, so that requests already on the wire are still accepted, and a PING; once
   * the PING is answered the client has seen the GOAWAY, and the final GOAWAY names the last stream
   * really accepted. Netty's one-step close names it at once, and then treats the DATA of a request
   * that crossed the GOAWAY as a connection error, killing the calls the grace period was meant to
   * let finish.
   */
  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) throws Exception {
    long graceMillis = config.shutdownGracePeriod().toMillis();
    ChannelPromise draining = drainingClose;
    if (draining != null) {
      // A shutdown while closing for max age: the shorter grace period wins.
      drainGraceMillis = Math.min(drainGraceMillis, graceMillis);
      draining.addListener(done -> promise.trySuccess());
      return;
    }
    if (!ctx.channel().isActive() || connection().goAwaySent()) {
      // After a max-age close, calls get no more than the shutdown's grace period.
      gracefulShutdownTimeoutMillis(graceMillis);
      super.close(ctx, promise);
      return;
    }
    startDrain(ctx, promise, "", graceMillis);
  }

  /**
   * Closes for max connection idle or age (gRFC A9): the graceful shutdown of {@link #close}, with
   * GOAWAYs whose debug data names the reason; calls still running {@code graceMillis} after the
   * first GOAWAY ({@link Long#MAX_VALUE}: no limit) are cancelled. Does nothing if the connection
   * is already closing.
   */
  void closeGracefully(ChannelHandlerContext ctx, String debugData, long graceMillis) {
    if (drainingClose != null || !ctx.channel().isActive() || connection().goAwaySent()) {
      return;
    }
    startDrain(ctx, ctx.newPromise(), debugData, graceMillis);
  }

  private void startDrain(
      ChannelHandlerContext ctx, ChannelPromise promise, String debugData, long graceMillis) {
    drainingClose = promise;
    drainStartNanos = System.nanoTime();
    drainGraceMillis = graceMillis;
    drainDebugData = debugData;
    goAway(
        ctx,
        Integer.MAX_VALUE,
        Http2Error.NO_ERROR.code(),
        debugData(ctx, debugData),
        ctx.newPromise());
    encoder().writePing(ctx, false, DRAIN_PING, ctx.newPromise());
    ctx.flush();
    long waitMillis = Math.min(graceMillis, 10_000);
    drainTimeout =
        ctx.executor().schedule(() -> finishDrain(ctx), waitMillis, TimeUnit.MILLISECONDS);
  }

  private static ByteBuf debugData(ChannelHandlerContext ctx, String text) {
    return text.isEmpty() ? Unpooled.EMPTY_BUFFER : ByteBufUtil.writeAscii(ctx.alloc(), text);
  }

  /** The client has seen the first GOAWAY (or did not answer in time): sends the final one. */
  private void finishDrain(ChannelHandlerContext ctx) {
    ChannelPromise promise = drainingClose;
    if (promise == null) {
      return;
    }
    drainingClose = null;
    ScheduledFuture<?> timeout = drainTimeout;
    if (timeout != null) {
      timeout.cancel(false);
    }
    long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - drainStartNanos);
    gracefulShutdownTimeoutMillis(
        drainGraceMillis == Long.MAX_VALUE ? -1 : Math.max(0, drainGraceMillis - elapsedMillis));
    int lastStreamId = connection().remote().lastStreamCreated();
    goAway(
        ctx,
        lastStreamId,
        Http2Error.NO_ERROR.code(),
        debugData(ctx, drainDebugData),
        ctx.newPromise());
    try {
      super.close(ctx, promise);
    } catch (Exception e) {
      promise.tryFailure(e);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    lifetime.stop();
    HandshakeTimeout handshake = handshakeTimeout;
    if (handshake != null) {
      handshake.cancel();
    }
    ChannelPromise promise = drainingClose;
    drainingClose = null;
    ScheduledFuture<?> timeout = drainTimeout;
    if (timeout != null) {
      timeout.cancel(false);
    }
    super.channelInactive(ctx);
    onReadBatchEnd(); // the streams are closed by now: waiting calls see their cancellation
    if (promise != null) {
      promise.trySuccess();
    }
  }

  /** Cancels a stream's call when the stream closes, whatever the reason. */
  private final class StreamCloser extends Http2ConnectionAdapter {
    @Override
    public void onStreamClosed(Http2Stream stream) {
      Http2Exchange exchange = stream.getProperty(streamKey);
      if (exchange != null) {
        exchange.onStreamClosed();
      }
    }
  }

  // ---- frames with a meaning for the server ------------------------------------------------

  @Override
  public void onPingAckRead(ChannelHandlerContext ctx, long data) {
    if (data == DRAIN_PING) {
      finishDrain(ctx);
    }
  }
}
