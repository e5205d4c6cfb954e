package dev.trunk.internal.netty;

import dev.trunk.internal.Log;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.DefaultHttp2LocalFlowController;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Flags;
import io.netty.handler.codec.http2.Http2FrameListener;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.PlatformDependent;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * What the server's and the client's HTTP/2 connection handlers share: the codec set-up, the
 * receive windows (raised for the connection once the peer's first SETTINGS arrive, returned per
 * stream as the application consumes), write batching, and the frames gRPC ignores.
 *
 * <p>Write batching: work that other threads hand over ({@link #runOnEventLoop}) waits in one queue
 * per connection and runs in order in one event-loop task, followed by one flush. Writes made while
 * a read is being processed are flushed once, when the read batch completes ({@code
 * channelReadComplete}). So a flush, and with it a pass of the flow controller over the streams and
 * a {@code write} system call, is paid per batch of calls rather than per message.
 *
 * <p>Event loop only, except {@link #runOnEventLoop}.
 */
abstract class GrpcConnectionHandler extends Http2ConnectionHandler implements Http2FrameListener {
  private static final Log log = Log.of(GrpcConnectionHandler.class);

  /**
   * Handed-over tasks one drain runs before it flushes and yields to the event loop's other work
   * (reads, timers), so a flood of sends cannot starve the connection's reads.
   */
  static final int MAX_TASKS_PER_DRAIN = 1024;

  /**
   * Slots per chunk of the handed-over queue. Netty's default (1024) would cost about 4 KB per
   * connection up front; the queue grows by linked chunks when a burst needs more.
   */
  static final int HANDED_OVER_CHUNK = 16;

  /** The queue's bound: the largest power of two JCTools accepts, in practice unbounded. */
  static final int HANDED_OVER_MAX = 1 << 30;

  private final DefaultHttp2LocalFlowController inboundFlow;

  private final Queue<Runnable> handedOver =
      PlatformDependent.newMpscQueue(HANDED_OVER_CHUNK, HANDED_OVER_MAX);
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private final Runnable drain = this::drain;
  private @Nullable EventExecutor eventLoop;
  private @Nullable ChannelHandlerContext context;
  private boolean connectionWindowRaised;
  // Event loop only: inside a read batch or a drain, whose end flushes.
  private boolean flushPending;
  // Event loop only: inside a read batch (between channelRead and channelReadComplete).
  private boolean reading;
  // Keepalive PINGs (gRFC A8, A9), when on: told of every read batch.
  private @Nullable KeepAlivePinger keepAlive;
  private boolean keepAliveStarted;

  /** A handler over a codec made by {@link HandlerBuilder}. */
  GrpcConnectionHandler(
      Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings settings) {
    super(decoder, encoder, settings);
    this.inboundFlow = (DefaultHttp2LocalFlowController) connection().local().flowController();
  }

  /** Binds the handler to its channel's event loop; called before or when it is added. */
  final void bindEventLoop(EventExecutor loop) {
    this.eventLoop = loop;
  }

  /** The channel's event loop, once bound. */
  final EventExecutor eventLoop() {
    EventExecutor loop = eventLoop;
    if (loop == null) {
      throw new IllegalStateException("handler not bound to an event loop");
    }
    return loop;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
    context = ctx;
    eventLoop = ctx.executor();
    super.handlerAdded(ctx);
    if (ctx.channel().isActive()) {
      // Added once the HTTP version is known: the connection is already active.
      startKeepAlive();
    }
  }

  private void startKeepAlive() {
    KeepAlivePinger pinger = keepAlive;
    if (pinger != null && !keepAliveStarted) {
      keepAliveStarted = true;
      pinger.start();
    }
  }

  /** The handler's context; only once it has been added to the pipeline. */
  final ChannelHandlerContext ctx() {
    ChannelHandlerContext ctx = context;
    if (ctx == null) {
      throw new IllegalStateException("handler not added");
    }
    return ctx;
  }

  /** Turns keepalive on for this connection; called before the channel is active. */
  final void keepAlive(KeepAlivePinger pinger) {
    this.keepAlive = pinger;
  }

  /** Writes a PING (not an ACK) and flushes it soon. */
  final void writePing(long payload) {
    ChannelHandlerContext ctx = ctx();
    encoder().writePing(ctx, false, payload, ctx.newPromise());
    flushSoon();
  }

  /** The context, or null before the handler has been added to the pipeline. */
  final @Nullable ChannelHandlerContext contextOrNull() {
    return context;
  }

  // ---- write batching ------------------------------------------------------------------------

  /**
   * Runs {@code task} on the event loop: at once when called there (then flushes unless a batch is
   * open), otherwise queued behind the tasks handed over before it.
   */
  final void runOnEventLoop(Runnable task) {
    if (eventLoop().inEventLoop()) {
      runHandedOver(task);
      flushSoon();
      return;
    }
    handOver(task);
  }

  /**
   * Queues {@code task} to run in a later event-loop task, even when called on the event loop: for
   * work that must not run inside the frame being processed.
   */
  final void handOver(Runnable task) {
    handedOver.add(task);
    if (drainScheduled.compareAndSet(false, true)) {
      eventLoop().execute(drain);
    }
  }

  /** Runs one handed-over task; the client overrides it to hold tasks until it is ready. */
  void runHandedOver(Runnable task) {
    task.run();
  }

  /**
   * Flushes now, or at the end of the read batch or drain in progress. Not before the channel is
   * connected: a flush would make TLS start its handshake before the socket can carry it.
   */
  final void flushSoon() {
    ChannelHandlerContext ctx = context;
    if (ctx != null && !flushPending && ctx.channel().isActive()) {
      flush(ctx);
    }
  }

  /** Runs the handed-over tasks (a bounded number), flushes once, and reschedules if more came. */
  private void drain() {
    flushPending = true;
    try {
      Runnable task;
      for (int i = 0; i < MAX_TASKS_PER_DRAIN && (task = handedOver.poll()) != null; i++) {
        runHandedOver(task);
      }
    } finally {
      flushPending = false;
      drainScheduled.set(false);
      flushSoon();
      // A task added after the last poll found drainScheduled still set and relies on this check.
      if (!handedOver.isEmpty() && drainScheduled.compareAndSet(false, true)) {
        eventLoop().execute(drain);
      }
    }
  }

  /**
   * Logs why a connection is being closed with GOAWAY: at WARN when the error is ours
   * (INTERNAL_ERROR, with the cause Netty wrapped), at DEBUG when the peer broke the protocol.
   */
  @Override
  protected void onConnectionError(
      ChannelHandlerContext ctx,
      boolean outbound,
      Throwable cause,
      @Nullable Http2Exception http2Ex) {
    if (http2Ex != null && http2Ex.error() == Http2Error.INTERNAL_ERROR) {
      log.warn("HTTP/2 connection to {} failed; closing it", ctx.channel().remoteAddress(), cause);
    } else {
      log.debug("HTTP/2 connection error with {}", ctx.channel().remoteAddress(), cause);
    }
    super.onConnectionError(ctx, outbound, cause, http2Ex);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    super.channelActive(ctx);
    startKeepAlive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    flushPending = true;
    reading = true;
    super.channelRead(ctx, msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
    reading = false;
    onReadBatchEnd();
    flushPending = false;
    if (keepAlive != null) {
      keepAlive.onRead();
    }
    super.channelReadComplete(ctx); // flushes (Http2ConnectionHandler)
  }

  /** Whether the event loop is processing a batch of reads whose end is still to come. */
  final boolean inReadBatch() {
    return reading;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (keepAlive != null) {
      keepAlive.stop();
    }
    super.channelInactive(ctx);
  }

  /** Runs at the end of each read batch, before its flush. */
  void onReadBatchEnd() {}

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
      flushSoon();
    } catch (Http2Exception e) {
      onError(ctx, false, e);
    }
  }

  /** Returns every withheld byte of {@code stream}'s receive window to the peer. */
  final void consumeAll(ChannelHandlerContext ctx, Http2Stream stream) {
    try {
      int unconsumed = inboundFlow.unconsumedBytes(stream);
      if (unconsumed > 0 && inboundFlow.consumeBytes(stream, unconsumed)) {
        flushSoon();
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
