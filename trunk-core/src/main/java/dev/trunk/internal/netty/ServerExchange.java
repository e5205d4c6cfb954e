package dev.trunk.internal.netty;

import dev.trunk.Metadata;
import dev.trunk.MethodDescriptor;
import dev.trunk.Status;
import dev.trunk.TlsInfo;
import dev.trunk.internal.server.MethodRegistry;
import dev.trunk.internal.server.ServerCallImpl;
import dev.trunk.internal.server.ServerConfig;
import dev.trunk.internal.server.ServerTransportStream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Headers;
import java.net.SocketAddress;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP request and its response on a server connection, between the HTTP stream and the call:
 * an HTTP/2 stream ({@link Http2Exchange}) or an HTTP/1.1 request ({@link Http1Exchange}). The call
 * sees it as its {@link ServerTransportStream}; its {@link WireProtocol} turns the call's writes
 * into HTTP and the request body into messages.
 *
 * <p>Thread-safe where {@link ServerTransportStream} says so: writes from any thread are batched
 * here and taken by one event-loop task at a time. The {@code write*} methods for the protocol run
 * on the event loop only.
 */
abstract class ServerExchange implements ServerTransportStream {
  final WireProtocol protocol;
  final ChannelHandlerContext ctx;
  private @Nullable ServerCallImpl<?, ?> call;
  private @Nullable CharSequence corsOrigin; // event loop only

  private final Runnable writePending = this::writePending;

  // Guarded by this: what the call has written and the event loop has not taken yet. Every write of
  // the exchange passes through here in order, and at most one task per exchange is queued to take
  // it, so messages sent faster than the event loop writes them leave together.
  private @Nullable Metadata pendingHeaders;
  private @Nullable String pendingEncoding;
  private final MessageBatch pendingMessages = new MessageBatch();
  private @Nullable Status pendingStatus;
  private @Nullable Metadata pendingTrailers;

  ServerExchange(WireProtocol protocol, ChannelHandlerContext ctx) {
    this.protocol = protocol;
    this.ctx = ctx;
  }

  @Nullable ServerCallImpl<?, ?> call() {
    return call;
  }

  /** The HTTP stream ended, however: the protocol lets go of the request and the call learns. */
  void onStreamClosed() {
    protocol.release();
    ServerCallImpl<?, ?> current = call;
    if (current != null) {
      current.onStreamClosed();
    }
  }

  // ---- what the protocols write with (event loop) ------------------------------------------

  /** Whether the response may still be written. */
  abstract boolean isOpen();

  /** Whether this is an HTTP/2 stream (gRPC needs one; trailers exist only there). */
  abstract boolean isHttp2();

  /**
   * Writes the response head ({@code :status} and headers), ending the response if asked; with the
   * CORS grant when the request came from an allowed origin.
   */
  final void writeHead(Http2Headers head, boolean endOfStream) {
    CharSequence origin = corsOrigin;
    sendHead(origin == null ? head : Cors.addTo(head, origin), endOfStream);
  }

  /** Writes the response head as it is. */
  abstract void sendHead(Http2Headers head, boolean endOfStream);

  /** Writes response body bytes; {@code onWritten}, if given, runs once they left (or failed). */
  abstract void writeBody(ByteBuf data, boolean endOfStream, @Nullable Runnable onWritten);

  /** Ends the response with HTTP trailers (HTTP/2 only). */
  abstract void writeTrailers(Http2Headers trailers);

  /** Runs {@code task} on the event loop (at once if already there) and flushes afterwards. */
  abstract void runOnEventLoop(Runnable task);

  // ---- from the transport (event loop) -----------------------------------------------------

  /**
   * Starts the call the request head asks for, or answers its rejection in the protocol's error
   * form.
   */
  void start(
      Http2Headers request, boolean endOfStream, MethodRegistry registry, ServerConfig config) {
    if (request.contains(Cors.ORIGIN)) {
      corsOrigin = Cors.allowedOrigin(request, config.corsAllowedOrigins());
      if (Cors.isPreflight(request)) {
        runOnEventLoop(() -> sendHead(Cors.preflightAnswer(request, corsOrigin), true));
        return;
      }
    }
    if (protocol.answer(this, request)) {
      return;
    }
    int maxInboundSize = config.maxInboundMessageSize();
    WireProtocol.Accepted accepted;
    try {
      accepted = protocol.accept(request, registry, isHttp2());
      requireFullDuplex(accepted);
    } catch (Rejection rejection) {
      CharSequence path = request.path();
      registry.events().requestRejected(path == null ? "" : path.toString(), rejection.status());
      runOnEventLoop(() -> protocol.reject(this, rejection));
      return;
    }
    ServerCallImpl<?, ?> started =
        new ServerCallImpl<>(accepted.method(), this, accepted.head(), maxInboundSize);
    call = started;
    started.start();
    if (endOfStream) {
      onEndOfRequest();
    }
  }

  /**
   * The Connect protocol's rule, and gRPC-Web's in practice: "Bidirectional streaming requires
   * HTTP/2"; over HTTP/1.1 the client sends its whole request before the response may start.
   */
  private void requireFullDuplex(WireProtocol.Accepted accepted) {
    MethodDescriptor<?, ?> method = accepted.method().descriptor();
    if (isHttp2() || method.type() != MethodDescriptor.Type.BIDI_STREAMING) {
      return;
    }
    throw Rejection.of(
        Status.UNIMPLEMENTED.withDescription(
            method.fullName()
                + " is bidirectional streaming, which needs HTTP/2: over HTTP/1.1 the whole request"
                + " is sent before the response; call it over HTTP/2"));
  }

  /**
   * Takes request body bytes (ownership included) through the protocol to the call. Returns whether
   * their flow-control credit may be returned at once.
   */
  boolean onBody(ByteBuf data, boolean endOfStream) {
    ServerCallImpl<?, ?> current = call;
    if (current == null) {
      data.release();
      return true;
    }
    ByteBuf messages;
    try {
      messages = protocol.inbound(this, data, endOfStream);
    } catch (Rejection rejection) {
      current.onProtocolError(rejection.status());
      return true;
    }
    return current.onData(messages, endOfStream);
  }

  /** A trailers block or an empty end of the request. */
  void onEndOfRequest() {
    onBody(Unpooled.EMPTY_BUFFER, true);
  }

  // ---- from the call (any thread) ----------------------------------------------------------

  @Override
  public void write(
      @Nullable Metadata headers,
      @Nullable String encoding,
      @Nullable ByteBuf message,
      @Nullable Status status,
      @Nullable Metadata trailers) {
    synchronized (this) {
      if (headers != null) {
        pendingHeaders = headers;
        pendingEncoding = encoding;
      }
      if (message != null) {
        pendingMessages.add(message);
      }
      if (status != null) {
        pendingStatus = status;
        pendingTrailers = trailers;
      }
      if (!pendingMessages.queueTask()) {
        return; // the queued task will write this too
      }
    }
    runOnEventLoop(writePending);
  }

  /** Event loop: writes everything the call has written since the last time, in order. */
  private void writePending() {
    Metadata headers;
    String encoding;
    ByteBuf data;
    Status status;
    Metadata trailers;
    synchronized (this) {
      headers = pendingHeaders;
      encoding = pendingEncoding;
      data = pendingMessages.take();
      status = pendingStatus;
      trailers = pendingTrailers;
      pendingHeaders = null;
      pendingEncoding = null;
      pendingStatus = null;
      pendingTrailers = null;
    }
    int bytes = data == null ? 0 : data.readableBytes();
    if (!isOpen()) {
      if (data != null) {
        data.release();
        reportWritten(bytes);
      }
      return;
    }
    Runnable onWritten = null;
    if (data != null) {
      if (status == null) {
        onWritten = () -> reportWritten(bytes);
      } else {
        // The call's last messages: nothing can wait for their window any more.
        reportWritten(bytes);
      }
    }
    protocol.write(this, headers, encoding, data, onWritten, status, trailers);
  }

  private void reportWritten(int size) {
    ServerCallImpl<?, ?> current = call;
    if (current != null) {
      current.onWritten(size);
    }
  }

  // ---- ServerTransportStream: what every exchange of a connection shares --------------------

  @Override
  public void execute(Runnable task) {
    ctx.executor().execute(task);
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable task, long nanos) {
    return ctx.executor().schedule(task, nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public boolean inTransportThread() {
    return ctx.executor().inEventLoop();
  }

  @Override
  public ByteBufAllocator allocator() {
    return ctx.alloc();
  }

  @Override
  public SocketAddress peer() {
    return ctx.channel().remoteAddress();
  }

  @Override
  public @Nullable TlsInfo tls() {
    return Http2Exchange.tlsOf(ctx.channel());
  }
}
