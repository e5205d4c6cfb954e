package dev.trunk.internal.netty;

import dev.trunk.Metadata;
import dev.trunk.Status;
import dev.trunk.TlsInfo;
import dev.trunk.internal.InboundBudget;
import dev.trunk.internal.server.ServerCallImpl;
import dev.trunk.internal.server.ServerTransportStream;
import dev.trunk.internal.wire.Compression;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.ReadOnlyHttp2Headers;
import io.netty.util.AsciiString;
import java.net.SocketAddress;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** The server side of one HTTP/2 stream, as its {@link ServerCallImpl} sees it. */
final class NettyServerStream implements ServerTransportStream {
  // Immutable header blocks for the common case of a call without custom metadata: built once,
  // shared by every stream (the HPACK encoder only reads them).
  private static final Http2Headers RESPONSE_HEADERS =
      ReadOnlyHttp2Headers.serverHeaders(
          false,
          GrpcHeaders.OK_STATUS,
          GrpcHeaders.CONTENT_TYPE,
          GrpcHeaders.APPLICATION_GRPC,
          GrpcHeaders.GRPC_ACCEPT_ENCODING,
          GrpcHeaders.ACCEPT_ENCODING);
  private static final Http2Headers GZIP_RESPONSE_HEADERS =
      ReadOnlyHttp2Headers.serverHeaders(
          false,
          GrpcHeaders.OK_STATUS,
          GrpcHeaders.CONTENT_TYPE,
          GrpcHeaders.APPLICATION_GRPC,
          GrpcHeaders.GRPC_ENCODING,
          AsciiString.cached(Compression.GZIP),
          GrpcHeaders.GRPC_ACCEPT_ENCODING,
          GrpcHeaders.ACCEPT_ENCODING);
  private static final Http2Headers OK_TRAILERS =
      ReadOnlyHttp2Headers.trailers(false, GrpcHeaders.GRPC_STATUS, AsciiString.cached("0"));

  private final ServerHandler handler;
  private final ChannelHandlerContext ctx;
  private final int streamId;
  private @Nullable ServerCallImpl<?, ?> call;

  private final Runnable writePending = this::writePending;

  // Guarded by this: what the call has written and the event loop has not taken yet. Every write of
  // the stream passes through here in order, and at most one task per stream is queued to take it,
  // so messages sent faster than the event loop writes them leave together.
  private @Nullable Metadata pendingHeaders;
  private @Nullable String pendingEncoding;
  private final MessageBatch pendingMessages = new MessageBatch();
  private @Nullable Status pendingStatus;
  private @Nullable Metadata pendingTrailers;

  // Event loop only.
  private boolean headersSent;

  NettyServerStream(ServerHandler handler, ChannelHandlerContext ctx, int streamId) {
    this.handler = handler;
    this.ctx = ctx;
    this.streamId = streamId;
  }

  void attach(ServerCallImpl<?, ?> call) {
    this.call = call;
  }

  @Nullable ServerCallImpl<?, ?> call() {
    return call;
  }

  int id() {
    return streamId;
  }

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
    handler.runOnEventLoop(writePending);
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
    writeNow(headers, encoding, data, status, trailers);
  }

  private void writeNow(
      @Nullable Metadata headers,
      @Nullable String encoding,
      @Nullable ByteBuf data,
      @Nullable Status status,
      @Nullable Metadata trailers) {
    int bytes = data == null ? 0 : data.readableBytes();
    if (!handler.isOpen(streamId)) {
      if (data != null) {
        data.release();
        reportWritten(bytes);
      }
      return;
    }
    // Headers that come with the trailers and no message join them in one Trailers-Only block.
    boolean trailersOnly = status != null && data == null && !headersSent;
    if (headers != null && !trailersOnly) {
      handler.writeHeaders(ctx, streamId, responseHeaders(headers, encoding), false);
      headersSent = true;
    }
    if (data != null) {
      if (status == null) {
        handler.writeData(ctx, streamId, data, () -> reportWritten(bytes));
      } else {
        // The call's last messages: nothing can wait for their window any more, so they need no
        // completion listener.
        handler.writeData(ctx, streamId, data, null);
        reportWritten(bytes);
      }
    }
    if (status != null) {
      handler.writeTrailers(
          ctx, streamId, trailers(status, trailersOnly ? headers : null, trailers));
    }
  }

  private void reportWritten(int size) {
    ServerCallImpl<?, ?> current = call;
    if (current != null) {
      current.onWritten(size);
    }
  }

  /**
   * The block that ends the stream: trailers, or a Trailers-Only response (PROTOCOL-HTTP2.md) that
   * also carries {@code headers}, the response metadata the call set but never sent.
   */
  private Http2Headers trailers(
      Status status, @Nullable Metadata headers, @Nullable Metadata trailers) {
    boolean noMetadata = trailers == null || trailers.isEmpty();
    if (headersSent && noMetadata && isPlainOk(status)) {
      return OK_TRAILERS;
    }
    Http2Headers end = headersSent ? GrpcHeaders.newHeaders() : trailersOnlyHead();
    if (headers != null) {
      GrpcHeaders.addMetadata(end, headers);
    }
    GrpcHeaders.addStatus(end, status);
    if (trailers != null) {
      GrpcHeaders.addMetadata(end, trailers);
    }
    return end;
  }

  private static boolean isPlainOk(Status status) {
    String description = status.description();
    return status.isOk()
        && (description == null || description.isEmpty())
        && status.details().isEmpty();
  }

  private static Http2Headers responseHeaders(Metadata metadata, @Nullable String encoding) {
    if (metadata.isEmpty()) {
      if (encoding == null || encoding.equals(Compression.IDENTITY)) {
        return RESPONSE_HEADERS;
      }
      if (encoding.equals(Compression.GZIP)) {
        return GZIP_RESPONSE_HEADERS;
      }
    }
    Http2Headers headers = GrpcHeaders.newHeaders();
    headers.status(GrpcHeaders.OK_STATUS);
    headers.set(GrpcHeaders.CONTENT_TYPE, GrpcHeaders.APPLICATION_GRPC);
    if (encoding != null && !encoding.equals(Compression.IDENTITY)) {
      headers.set(GrpcHeaders.GRPC_ENCODING, encoding);
    }
    headers.set(GrpcHeaders.GRPC_ACCEPT_ENCODING, GrpcHeaders.ACCEPT_ENCODING);
    GrpcHeaders.addMetadata(headers, metadata);
    return headers;
  }

  /** The HTTP part of a Trailers-Only response (PROTOCOL-HTTP2.md: HTTP-Status Content-Type). */
  static Http2Headers trailersOnlyHead() {
    Http2Headers headers = GrpcHeaders.newHeaders();
    headers.status(GrpcHeaders.OK_STATUS);
    headers.set(GrpcHeaders.CONTENT_TYPE, GrpcHeaders.APPLICATION_GRPC);
    return headers;
  }

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
  public InboundBudget inboundBudget() {
    return handler.inboundBudget();
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
    Channel channel = ctx.channel();
    // hasAttr first: attr() would add an empty attribute to every plaintext connection.
    return channel.hasAttr(TlsHandshake.TLS_INFO)
        ? channel.attr(TlsHandshake.TLS_INFO).get()
        : null;
  }
}
