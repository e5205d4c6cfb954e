package dev.trunk.internal.netty;

import dev.trunk.EventListener;
import dev.trunk.EventListener.AbortReason;
import dev.trunk.Metadata;
import dev.trunk.Status;
import dev.trunk.StatusException;
import dev.trunk.internal.InboundBudget;
import dev.trunk.internal.client.ChannelConfig;
import dev.trunk.internal.wire.HttpStatusMapping;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.StreamBufferingEncoder;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP/2 connection handler of one client connection: opens a stream per call, turns frames
 * into {@link NettyClientStream} events. Everything here runs on the connection's event loop.
 * Streams beyond the server's SETTINGS_MAX_CONCURRENT_STREAMS wait in Netty's {@link
 * StreamBufferingEncoder}.
 */
final class ClientHandler extends GrpcConnectionHandler {
  private final IntObjectMap<NettyClientStream> streams = new IntObjectHashMap<>();
  private final ArrayDeque<Runnable> pending = new ArrayDeque<>();
  private final String target;
  private final int maxHeaderListSize;
  private final ClientKeepAlive keepAlive;
  private final Owner owner;
  private final int maxWaitingCalls;
  private final InboundBudget budget;
  private final EventListener events;
  // Calls handed to this connection that have no HTTP/2 stream yet (any thread).
  private final AtomicInteger waiting = new AtomicInteger();
  private volatile boolean ready;
  private @Nullable Status failure;
  private @Nullable Status goAway;
  private volatile boolean usable = true;

  private ClientHandler(
      Http2ConnectionDecoder decoder,
      Http2ConnectionEncoder encoder,
      Http2Settings settings,
      String target,
      ChannelConfig config,
      ClientKeepAlive keepAlive,
      Owner owner) {
    super(decoder, encoder, settings);
    this.target = target;
    this.maxHeaderListSize = config.maxHeaderListSize();
    this.maxWaitingCalls = config.maxWaitingCalls();
    this.budget =
        InboundBudget.of(
            "this connection (maxBufferedBytesPerConnection)",
            config.maxBufferedBytesPerConnection());
    this.keepAlive = keepAlive;
    this.owner = owner;
    this.events = config.events();
    connection().addListener(new StreamCloser());
    KeepAlivePinger pinger = keepAlive.newPinger(this, this::keepAliveFailed);
    if (pinger != null) {
      keepAlive(pinger);
    }
  }

  /** The channel's side of its connections: where a refused stream goes next. */
  interface Owner {
    /**
     * The connection a stream this one refused should move to: never this one.
     *
     * @throws dev.trunk.StatusException if the channel is shut down
     */
    ClientHandler nextConnection();

    /** {@code handler}'s connection is ready: the server's first SETTINGS arrived. */
    void onReady(ClientHandler handler);

    /** The server sent GOAWAY on {@code handler}'s connection, which takes no new streams. */
    void onGoAway(ClientHandler handler, Status status);
  }

  static ClientHandler create(
      ChannelConfig config, ClientKeepAlive keepAlive, Owner owner, String target) {
    Http2Settings settings =
        new Http2Settings()
            .initialWindowSize(FlowControl.STREAM_WINDOW)
            .maxHeaderListSize(config.maxHeaderListSize())
            .pushEnabled(false);
    return HandlerBuilder.client(
        settings,
        (decoder, encoder, initial) ->
            new ClientHandler(decoder, encoder, initial, target, config, keepAlive, owner));
  }

  /** Whether the connection is ready: the server's first SETTINGS arrived. Any thread. */
  boolean isReady() {
    return ready;
  }

  /** Whether new streams may use this connection (not closed, no GOAWAY received). */
  boolean isUsable() {
    return usable;
  }

  /**
   * Runs a task given to {@link #runOnEventLoop} once the connection is ready (the server's
   * SETTINGS have arrived) or has failed; until then tasks wait, in submission order.
   */
  @Override
  void runHandedOver(Runnable task) {
    if (ready || failure != null) {
      task.run();
    } else {
      pending.add(task);
    }
  }

  /** Sends GOAWAY and closes once the open streams are done. */
  void closeGracefully() {
    usable = false;
    runOnEventLoop(
        () -> {
          gracefulShutdownTimeoutMillis(-1); // as long as the calls in progress take
          closeChannel();
        });
  }

  /**
   * Fails every stream with CANCELLED and closes the connection at once, without waiting for the
   * connection to become ready.
   */
  void closeNow() {
    usable = false;
    eventLoop()
        .execute(
            () -> {
              fail(Status.CANCELLED.withDescription("the channel was shut down"));
              gracefulShutdownTimeoutMillis(0);
              closeChannel();
            });
  }

  /** The server did not answer a keepalive PING: fails the calls and drops the connection. */
  private void keepAliveFailed() {
    fail(keepAlive.timeoutStatus());
    ctx().close(); // below the HTTP/2 handler: no GOAWAY to a server that is gone
  }

  /** The connection could not be made or was lost: fails queued and open streams. */
  void fail(Status status) {
    usable = false;
    if (failure == null) {
      failure = status;
    }
    runPending();
    for (NettyClientStream stream : new ArrayList<>(streams.values())) {
      if (!stream.closed) {
        stream.listener.onAborted(AbortReason.CONNECTION_CLOSED);
      }
      close(stream, status, new Metadata());
    }
  }

  /**
   * Closes through the whole pipeline, so that this handler's own {@code close} runs: GOAWAY, then
   * the wait for open streams. ({@code ctx.close()} would start at the next handler and cut them.)
   */
  private void closeChannel() {
    ChannelHandlerContext ctx = contextOrNull();
    if (ctx != null) {
      ctx.channel().close();
    }
  }

  private void runPending() {
    Runnable task;
    while ((task = pending.poll()) != null) {
      task.run();
    }
  }

  // ---- operations, on the event loop --------------------------------------------------------

  /**
   * Admits one more call waiting for a stream on this connection (while it connects, or for a slot
   * under the server's SETTINGS_MAX_CONCURRENT_STREAMS); false when {@code maxWaitingCalls} wait.
   * Any thread.
   */
  boolean tryEnterWaiting() {
    int now;
    do {
      now = waiting.get();
      if (now >= maxWaitingCalls) {
        return false;
      }
    } while (!waiting.compareAndSet(now, now + 1));
    return true;
  }

  /** The call waiting limit, for the status of a call refused by {@link #tryEnterWaiting}. */
  Status tooManyWaiting() {
    return Status.RESOURCE_EXHAUSTED.withDescription(
        maxWaitingCalls
            + " calls already wait for a connection or a stream to "
            + target
            + " (Channel.Builder.maxWaitingCalls)");
  }

  private void leaveWaiting(NettyClientStream stream) {
    if (stream.waiting) {
      stream.waiting = false;
      waiting.decrementAndGet();
    }
  }

  /** Opens the stream of a new call: its headers and, if given, its first message. */
  void start(NettyClientStream stream, @Nullable ByteBuf message, boolean end) {
    if (stream.closed) {
      discard(stream, message); // cancelled before it could start
      return;
    }
    stream.remember(message, end);
    if (!open(stream)) {
      discard(stream, message);
      return;
    }
    ChannelHandlerContext ctx = ctx();
    encoder()
        .writeHeaders(
            ctx, stream.id, stream.headers, 0, end && message == null, headersSent(stream));
    writeOnWire(stream, message, end);
    flushSoon();
  }

  /**
   * Sends a stream that another connection refused, or never processed, again on this one: its
   * headers and every message it had sent. Those were already reported written.
   */
  void restart(NettyClientStream stream) {
    if (stream.closed) {
      stream.forget();
      return;
    }
    List<ByteBuf> sent = stream.takeSent();
    if (!open(stream)) {
      sent.forEach(ByteBuf::release);
      return;
    }
    ChannelHandlerContext ctx = ctx();
    boolean end = stream.sentEnd();
    encoder()
        .writeHeaders(
            ctx, stream.id, stream.headers, 0, end && sent.isEmpty(), headersSent(stream));
    for (int i = 0; i < sent.size(); i++) {
      boolean last = end && i == sent.size() - 1;
      encoder().writeData(ctx, stream.id, sent.get(i), 0, last, ctx.newPromise());
    }
    flushSoon();
  }

  /** Gives the stream an HTTP/2 stream id here, or ends (or moves) it; false if not opened. */
  private boolean open(NettyClientStream stream) {
    Status failed = failure;
    if (failed == null && goingAway()) {
      // RFC 9113 section 6.8: after a GOAWAY no new stream may be opened, even one the server's
      // last stream id would still allow (2^31-1 in the first GOAWAY of a graceful shutdown). It
      // never reached the server: it moves to another connection.
      if (retryElsewhere(stream, goAwayStatus())) {
        return false;
      }
      failed = goAwayStatus();
    }
    int id = failed == null ? connection().local().incrementAndGetNextStreamId() : -1;
    if (failed != null || id < 0) {
      usable = false;
      close(
          stream,
          failed != null
              ? failed
              : Status.UNAVAILABLE.withDescription("the connection ran out of stream ids"),
          new Metadata());
      return false;
    }
    stream.id = id;
    streams.put(id, stream);
    return true;
  }

  private ChannelPromise headersSent(NettyClientStream stream) {
    ChannelPromise promise = ctx().newPromise();
    promise.addListener(
        future -> {
          Throwable cause = future.cause();
          if (cause == null) {
            return;
          }
          if (cause instanceof StreamBufferingEncoder.Http2GoAwayException) {
            // Waiting for a stream slot when the GOAWAY came: the server never saw it.
            usable = false;
            if (retryElsewhere(stream, goAwayStatus())) {
              return;
            }
          }
          close(stream, openFailure(cause), new Metadata());
        });
    return promise;
  }

  /** Releases a message that will never be written, reporting it written to free its window. */
  private static void discard(NettyClientStream stream, @Nullable ByteBuf message) {
    if (message != null) {
      int size = message.readableBytes();
      message.release();
      stream.listener.onWritten(size);
    }
  }

  void writeMessage(NettyClientStream stream, @Nullable ByteBuf message, boolean end) {
    if (stream.closed) {
      discard(stream, message);
      return;
    }
    if (stream.id < 0) {
      // Moved here from a connection that refused it, and not restarted yet: after the restart.
      pending.add(() -> writeMessage(stream, message, end));
      return;
    }
    stream.remember(message, end);
    writeOnWire(stream, message, end);
    flushSoon();
  }

  private void writeOnWire(NettyClientStream stream, @Nullable ByteBuf message, boolean end) {
    ChannelHandlerContext ctx = ctx();
    if (message != null) {
      int size = message.readableBytes();
      ChannelPromise promise = ctx.newPromise();
      promise.addListener(future -> stream.listener.onWritten(size));
      encoder().writeData(ctx, stream.id, message, 0, end, promise);
    } else if (end) {
      encoder().writeData(ctx, stream.id, Unpooled.EMPTY_BUFFER, 0, true, ctx.newPromise());
    }
  }

  /** Ends a stream whose response is malformed: the server broke the protocol. */
  private void refuseResponse(NettyClientStream stream, Status status) {
    if (!stream.closed) {
      stream.listener.onAborted(AbortReason.PROTOCOL_ERROR);
    }
    reset(stream, status);
  }

  void reset(NettyClientStream stream, Status reason) {
    if (stream.closed) {
      return;
    }
    if (stream.id < 0) {
      close(stream, reason, new Metadata()); // not on the wire yet: it never will be
      return;
    }
    // Close first: writing the RST_STREAM closes the HTTP/2 stream, and StreamCloser would
    // otherwise report it with a generic UNAVAILABLE instead of this reason.
    close(stream, reason, new Metadata());
    ChannelHandlerContext ctx = ctx();
    // PROTOCOL-HTTP2.md: a client ends a call early with RST_STREAM(CANCEL), whatever the reason.
    long code = Http2Error.CANCEL.code();
    if (connection().stream(stream.id) == null) {
      encoder().writeRstStream(ctx, stream.id, code, ctx.newPromise());
    } else {
      resetStream(ctx, stream.id, code, ctx.newPromise());
    }
    flushSoon();
  }

  void returnCredit(NettyClientStream stream) {
    Http2Stream http2Stream = stream.closed ? null : connection().stream(stream.id);
    if (http2Stream != null) {
      consumeAll(ctx(), http2Stream);
    }
  }

  private void close(NettyClientStream stream, Status status, Metadata trailers) {
    if (stream.closed) {
      return;
    }
    stream.closed = true;
    stream.forget();
    leaveWaiting(stream);
    streams.remove(stream.id);
    stream.listener.onClose(status, trailers);
  }

  /**
   * Moves a stream the server never processed to another connection, once (PROTOCOL-HTTP2.md: such
   * a stream may be retried; gRFC A6 "transparent retry"), telling its call that the attempt ended
   * with {@code refusal} and another began. False if it cannot move: it was retried already, sent
   * more than the retry buffer holds, or the channel is shut down (then it is closed here with that
   * status).
   */
  private boolean retryElsewhere(NettyClientStream stream, Status refusal) {
    if (!stream.mayRetry()) {
      return false;
    }
    ClientHandler next;
    try {
      next = owner.nextConnection();
    } catch (StatusException e) {
      close(stream, e.status(), new Metadata());
      return true;
    }
    stream.listener.onTransparentRetry(refusal);
    streams.remove(stream.id);
    leaveWaiting(stream);
    stream.id = -1;
    stream.unprocessed = false;
    stream.retried = true;
    next.adopt(stream);
    return true;
  }

  /** Takes over a stream another connection could not serve, and sends it again. Any thread. */
  private void adopt(NettyClientStream stream) {
    waiting.incrementAndGet();
    stream.waiting = true;
    stream.handler = this;
    runOnEventLoop(() -> restart(stream));
  }

  /**
   * Why a stream's HEADERS could not be written: headers over the server's
   * SETTINGS_MAX_HEADER_LIST_SIZE will never fit, so that is RESOURCE_EXHAUSTED rather than the
   * retryable UNAVAILABLE of a lost connection.
   */
  private Status openFailure(@Nullable Throwable cause) {
    if (cause instanceof Http2Exception.HeaderListSizeException) {
      long limit = encoder().configuration().headersConfiguration().maxHeaderListSize();
      return Status.RESOURCE_EXHAUSTED
          .withDescription(
              "the request headers are larger than the limit of "
                  + limit
                  + " bytes that "
                  + target
                  + " accepts (SETTINGS_MAX_HEADER_LIST_SIZE)")
          .withCause(cause);
    }
    return unavailable("cannot open a stream", cause);
  }

  /**
   * A stream error Netty found (a response header list over our limit, malformed headers...): the
   * call fails with the reason before Netty resets the stream, which StreamCloser would otherwise
   * report as a bare, retryable UNAVAILABLE.
   */
  @Override
  protected void onStreamError(
      ChannelHandlerContext ctx,
      boolean outbound,
      Throwable cause,
      Http2Exception.StreamException http2Ex) {
    NettyClientStream stream = streams.get(http2Ex.streamId());
    if (stream != null) {
      if (!outbound && !stream.closed) {
        stream.listener.onAborted(AbortReason.PROTOCOL_ERROR);
      }
      close(stream, streamErrorStatus(outbound, http2Ex), new Metadata());
    }
    super.onStreamError(ctx, outbound, cause, http2Ex);
  }

  private Status streamErrorStatus(boolean outbound, Http2Exception.StreamException error) {
    if (outbound && error instanceof Http2Exception.HeaderListSizeException) {
      return openFailure(error);
    }
    if (error instanceof Http2Exception.HeaderListSizeException) {
      return Status.RESOURCE_EXHAUSTED
          .withDescription(
              "the response headers from "
                  + target
                  + " are larger than the limit of "
                  + maxHeaderListSize
                  + " bytes (maxHeaderListSize)")
          .withCause(error);
    }
    return Status.INTERNAL
        .withDescription(
            "HTTP/2 stream error "
                + (outbound ? "sending to " : "receiving from ")
                + target
                + ": "
                + error.getMessage())
        .withCause(error);
  }

  private Status unavailable(String what, @Nullable Throwable cause) {
    Status status = failure != null ? failure : goAway;
    if (status != null) {
      return status;
    }
    return Status.UNAVAILABLE
        .withDescription(what + " to " + target + (cause == null ? "" : ": " + cause))
        .withCause(cause);
  }

  // ---- connection lifecycle -----------------------------------------------------------------

  /**
   * Called on the server's first SETTINGS: only then are its SETTINGS_MAX_CONCURRENT_STREAMS and
   * SETTINGS_MAX_HEADER_LIST_SIZE known. Streams opened before would be held to HTTP/2's defaults
   * (up to 100 streams at once, no header limit), which the server does not enforce until it has
   * our acknowledgement: a server limited to 10 streams would run 100 calls at once.
   */
  private void becomeReady() {
    if (!ready) {
      ready = true;
      ConnectionReporter.addTo(ctx().pipeline(), events, false, "h2");
      runPending();
      owner.onReady(this);
    }
  }

  /** Why this connection takes no new streams (once it does not). */
  Status closeStatus() {
    Status status = failure != null ? failure : goAway;
    return status != null
        ? status
        : Status.UNAVAILABLE.withDescription("the connection to " + target + " closed");
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    usable = false;
    if (failure == null) {
      failure = Status.UNAVAILABLE.withDescription("the connection to " + target + " closed");
    }
    super.channelInactive(ctx);
    fail(failure);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
    if (Http2CodecUtil.getEmbeddedHttp2Exception(cause) == null) {
      // A StatusException comes from a handler before this one that explained the failure
      // (TlsHandshake: why the TLS handshake failed).
      failure =
          failure == null && cause instanceof StatusException explained
              ? explained.status()
              : unavailable("the connection failed", cause);
      ctx.close();
      return;
    }
    super.exceptionCaught(ctx, cause);
  }

  // ---- inbound frames -----------------------------------------------------------------------

  @Override
  public void onHeadersRead(
      ChannelHandlerContext ctx,
      int streamId,
      Http2Headers headers,
      int padding,
      boolean endOfStream) {
    NettyClientStream stream = streams.get(streamId);
    if (stream == null) {
      return;
    }
    ClientWireProtocol web = stream.web;
    if (stream.headersReceived) {
      if (web != null) {
        web.onTrailers(new WebEvents(stream));
      } else {
        onTrailers(stream, headers, false);
      }
      return;
    }
    CharSequence httpStatus = headers.status();
    if (!endOfStream
        && httpStatus != null
        && httpStatus.length() == 3
        && httpStatus.charAt(0) == '1') {
      return; // an interim 1xx response (RFC 9113 section 8.1): the real one follows
    }
    stream.headersReceived = true;
    stream.forget(); // the server has processed the stream: it can no longer move
    if (web != null) {
      web.onHead(headers, endOfStream, new WebEvents(stream));
      return;
    }
    Status httpFailure = GrpcHeaders.checkResponse(headers, stream.codecName);
    if (httpFailure != null) {
      refuseResponse(stream, httpFailure);
      return;
    }
    if (endOfStream) {
      onTrailers(stream, headers, true);
      return;
    }
    Metadata metadata;
    try {
      metadata = GrpcHeaders.toMetadata(headers);
    } catch (IllegalArgumentException e) {
      refuseResponse(
          stream, Status.INTERNAL.withDescription("bad response metadata: " + e.getMessage()));
      return;
    }
    CharSequence encoding = headers.get(GrpcHeaders.GRPC_ENCODING);
    stream.listener.onHeaders(metadata, encoding == null ? null : encoding.toString(), budget);
  }

  private void onTrailers(NettyClientStream stream, Http2Headers headers, boolean trailersOnly) {
    Status status = GrpcHeaders.statusOf(headers);
    if (status == null) {
      status = Status.INTERNAL.withDescription("the response ended without grpc-status");
    }
    Metadata trailers;
    try {
      trailers = GrpcHeaders.toMetadata(headers);
    } catch (IllegalArgumentException e) {
      trailers = new Metadata();
      status = Status.INTERNAL.withDescription("bad trailers: " + e.getMessage());
    }
    if (!trailersOnly && !stream.closed) {
      // Lets the deframer notice a message cut short by the end of the stream.
      stream.listener.onData(Unpooled.EMPTY_BUFFER, true);
    }
    close(stream, status, trailers);
  }

  @Override
  public int onDataRead(
      ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream) {
    int bytes = data.readableBytes() + padding;
    NettyClientStream stream = streams.get(streamId);
    if (stream == null || stream.closed) {
      return bytes;
    }
    ClientWireProtocol web = stream.web;
    if (web != null) {
      return web.onBody(data.retain(), endOfStream, new WebEvents(stream)) ? bytes : 0;
    }
    return stream.listener.onData(data.retain(), endOfStream) ? bytes : 0;
  }

  /** What a gRPC-Web or Connect stream's protocol makes of its response, for its call. */
  private final class WebEvents implements ClientWireProtocol.Events {
    private final NettyClientStream stream;

    WebEvents(NettyClientStream stream) {
      this.stream = stream;
    }

    @Override
    public void onHeaders(Metadata headers, @Nullable String encoding) {
      stream.listener.onHeaders(headers, encoding, budget);
    }

    @Override
    public boolean onData(ByteBuf data, boolean endOfStream) {
      if (stream.closed) {
        data.release();
        return true;
      }
      return stream.listener.onData(data, endOfStream);
    }

    @Override
    public void onEnd(Status status, Metadata trailers) {
      close(stream, status, trailers);
    }

    @Override
    public void onFailure(Status status) {
      refuseResponse(stream, status);
    }
  }

  @Override
  public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
    NettyClientStream stream = streams.get(streamId);
    if (stream == null) {
      return;
    }
    // PROTOCOL-HTTP2.md: REFUSED_STREAM means the server did no work for the stream.
    if (errorCode == Http2Error.REFUSED_STREAM.code()
        && retryElsewhere(stream, HttpStatusMapping.statusForRstStream(errorCode))) {
      return;
    }
    if (!stream.closed) {
      stream.listener.onAborted(AbortReason.RESET_BY_PEER);
    }
    close(stream, HttpStatusMapping.statusForRstStream(errorCode), new Metadata());
  }

  private boolean goingAway() {
    return goAway != null || connection().goAwayReceived();
  }

  private Status goAwayStatus() {
    Status status = goAway;
    return status != null
        ? status
        : Status.UNAVAILABLE.withDescription(
            "the server at " + target + " is closing the connection (GOAWAY)");
  }

  @Override
  public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) {
    raiseConnectionWindowOnce(ctx);
    becomeReady();
  }

  /**
   * Follows the connection's streams: reports a stream that closed without trailers (reset by
   * Netty, connection lost...) and moves the streams a GOAWAY says the server never processed.
   */
  private final class StreamCloser extends Http2ConnectionAdapter {
    @Override
    public void onStreamAdded(Http2Stream http2Stream) {
      NettyClientStream stream = streams.get(http2Stream.id());
      if (stream != null) {
        leaveWaiting(stream);
      }
    }

    /** Runs before Netty closes the streams above {@code lastStreamId}. */
    @Override
    public void onGoAwayReceived(int lastStreamId, long errorCode, ByteBuf debugData) {
      // Before the connection is marked unusable: the connection replacing it reads the time.
      keepAlive.onGoAway(errorCode, debugData);
      usable = false;
      goAway = goAwayStatus();
      owner.onGoAway(ClientHandler.this, goAway);
      streams.forEach(
          (id, stream) -> {
            if (id > lastStreamId) {
              stream.unprocessed = true; // RFC 9113 section 6.8: safe to retry elsewhere
            }
          });
    }

    @Override
    public void onStreamClosed(Http2Stream http2Stream) {
      NettyClientStream stream = streams.get(http2Stream.id());
      if (stream == null || (stream.unprocessed && retryElsewhere(stream, goAwayStatus()))) {
        return;
      }
      if (!stream.closed) {
        stream.listener.onAborted(AbortReason.CONNECTION_CLOSED); // lost, or a GOAWAY
      }
      close(stream, unavailable("the stream closed early", null), new Metadata());
    }
  }
}
