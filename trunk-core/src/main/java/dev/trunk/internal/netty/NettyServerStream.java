package dev.trunk.internal.netty;

import dev.trunk.Metadata;
import dev.trunk.Status;
import dev.trunk.internal.server.ServerCallImpl;
import dev.trunk.internal.server.ServerTransportStream;
import dev.trunk.internal.wire.Compression;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Headers;
import java.net.SocketAddress;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** The server side of one HTTP/2 stream, as its {@link ServerCallImpl} sees it. */
final class NettyServerStream implements ServerTransportStream {
  private final ServerHandler handler;
  private final ChannelHandlerContext ctx;
  private final int streamId;
  private @Nullable ServerCallImpl<?, ?> call;

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
    handler.runOnEventLoop(() -> writeNow(headers, encoding, message, status, trailers));
  }

  private void writeNow(
      @Nullable Metadata headers,
      @Nullable String encoding,
      @Nullable ByteBuf message,
      @Nullable Status status,
      @Nullable Metadata trailers) {
    if (!handler.isOpen(streamId)) {
      if (message != null) {
        int size = message.readableBytes();
        message.release();
        reportWritten(size);
      }
      return;
    }
    if (headers != null) {
      handler.writeHeaders(ctx, streamId, responseHeaders(headers, encoding), false);
      headersSent = true;
    }
    if (message != null) {
      int size = message.readableBytes();
      handler.writeData(ctx, streamId, message, () -> reportWritten(size));
    }
    if (status != null) {
      Http2Headers end = headersSent ? GrpcHeaders.newHeaders() : trailersOnlyHead();
      GrpcHeaders.addStatus(end, status);
      if (trailers != null) {
        GrpcHeaders.addMetadata(end, trailers);
      }
      handler.writeTrailers(ctx, streamId, end);
    }
  }

  private void reportWritten(int size) {
    ServerCallImpl<?, ?> current = call;
    if (current != null) {
      current.onWritten(size);
    }
  }

  private static Http2Headers responseHeaders(Metadata metadata, @Nullable String encoding) {
    Http2Headers headers = GrpcHeaders.newHeaders();
    headers.status(GrpcHeaders.OK_STATUS);
    headers.set(GrpcHeaders.CONTENT_TYPE, GrpcHeaders.APPLICATION_GRPC);
    if (encoding != null && !encoding.equals(Compression.IDENTITY)) {
      headers.set(GrpcHeaders.GRPC_ENCODING, encoding);
    }
    headers.set(GrpcHeaders.GRPC_ACCEPT_ENCODING, Compression.acceptEncodingHeader());
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
  public void reset(Status reason) {
    handler.runOnEventLoop(() -> handler.resetStream(ctx, streamId, reason));
  }

  @Override
  public void returnCredit() {
    handler.runOnEventLoop(() -> handler.returnCredit(streamId));
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
}
