package dev.trunk;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Settings;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP/2 client at the frame level: Netty's frame reader and writer on a bare TCP connection,
 * with no connection state machine in between. It sends what tests tell it to (even header lists
 * larger than the server allows) and records every SETTINGS, GOAWAY, HEADERS, DATA and RST_STREAM
 * frame it receives. It never sends WINDOW_UPDATE, so a server can send it at most 65,535 bytes.
 */
final class FrameClient implements AutoCloseable {
  /** A GOAWAY frame received, with its debug data as ASCII. */
  record GoAway(int lastStreamId, long errorCode, String debugData) {
    /** A GOAWAY without debug data. */
    GoAway(int lastStreamId, long errorCode) {
      this(lastStreamId, errorCode, "");
    }
  }

  /** What arrived on one stream. */
  static final class Stream {
    final int id;
    final CompletableFuture<Http2Headers> headers = new CompletableFuture<>();
    final CompletableFuture<Stream> ended = new CompletableFuture<>();
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();
    private volatile Http2Headers trailers = new DefaultHttp2Headers();
    private volatile long resetCode = -1;

    Stream(int id) {
      this.id = id;
    }

    /** Waits for END_STREAM or RST_STREAM. */
    Stream awaitEnd() throws Exception {
      return ended.get(10, TimeUnit.SECONDS);
    }

    /** The RST_STREAM error code received, or -1. */
    long resetCode() {
      return resetCode;
    }

    String status() {
      Http2Headers first = headers.getNow(null);
      return first == null ? "none" : String.valueOf(first.status());
    }

    String grpcStatus() {
      return header("grpc-status");
    }

    String grpcMessage() {
      return header("grpc-message");
    }

    synchronized byte[] data() {
      return data.toByteArray();
    }

    private String header(String name) {
      CharSequence value = trailers.get(name);
      Http2Headers first = headers.getNow(null);
      if (value == null && first != null) {
        value = first.get(name);
      }
      return String.valueOf(value);
    }
  }

  private final MultiThreadIoEventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final DefaultHttp2FrameWriter writer =
      new DefaultHttp2FrameWriter(
          new DefaultHttp2HeadersEncoder(Http2HeadersEncoder.NEVER_SENSITIVE, true));
  private final DefaultHttp2FrameReader reader = new DefaultHttp2FrameReader(true);
  private final Map<Integer, Stream> streams = new ConcurrentHashMap<>();
  private final Channel channel;
  private volatile ChannelHandlerContext ctx;
  private int nextStreamId = 1; // event loop only
  private volatile Throwable failure;

  /** The server's first SETTINGS frame. */
  final CompletableFuture<Http2Settings> settings = new CompletableFuture<>();

  /** The first GOAWAY frame. */
  final CompletableFuture<GoAway> goAway = new CompletableFuture<>();

  /** Every GOAWAY frame, in order. */
  final BlockingQueue<GoAway> goAways = new LinkedBlockingQueue<>();

  /** The payload of every PING received. */
  final BlockingQueue<Long> pings = new LinkedBlockingQueue<>();

  /** The payload of every PING ACK received. */
  final BlockingQueue<Long> pingAcks = new LinkedBlockingQueue<>();

  /** Whether PINGs are answered at once; if not, the test answers with {@link #ackPing}. */
  volatile boolean autoAckPings = true;

  /** Every frame received, in order, e.g. "HEADERS 1 end", "RST_STREAM 3 7", "GOAWAY 1 0". */
  final List<String> frames = new CopyOnWriteArrayList<>();

  /** Completes when the server closes the connection. */
  final CompletableFuture<Void> disconnected = new CompletableFuture<>();

  FrameClient(int port) {
    channel =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .handler(new Decoder())
            .connect("127.0.0.1", port)
            .syncUninterruptibly()
            .channel();
  }

  /** Request headers of a well-formed gRPC call to {@code path}. */
  static Http2Headers grpcHeaders(String path) {
    return new DefaultHttp2Headers()
        .method("POST")
        .scheme("http")
        .path(path)
        .authority("localhost")
        .add("content-type", "application/grpc")
        .add("te", "trailers");
  }

  /** Opens a stream with these headers, ending it at once if {@code end}. */
  Stream open(Http2Headers headers, boolean end) throws Exception {
    return onEventLoop(
        () -> {
          int id = nextStreamId;
          nextStreamId += 2;
          Stream stream = new Stream(id);
          streams.put(id, stream);
          writer.writeHeaders(ctx, id, headers, 0, end, ctx.newPromise());
          ctx.flush();
          return stream;
        });
  }

  /** Sends a DATA frame (its buffer is released). */
  void data(Stream stream, ByteBuf data, boolean end) throws Exception {
    onEventLoop(
        () -> {
          writer.writeData(ctx, stream.id, data, 0, end, ctx.newPromise());
          ctx.flush();
          return null;
        });
  }

  /** Sends one gRPC request message (flag 0) and ends the stream if {@code end}. */
  void message(Stream stream, byte[] body, boolean end) throws Exception {
    ByteBuf framed = channel.alloc().buffer(5 + body.length);
    framed.writeByte(0).writeInt(body.length).writeBytes(body);
    data(stream, framed, end);
  }

  /** Resets a stream with RST_STREAM carrying {@code errorCode}. */
  void reset(Stream stream, long errorCode) throws Exception {
    onEventLoop(
        () -> {
          writer.writeRstStream(ctx, stream.id, errorCode, ctx.newPromise());
          ctx.flush();
          return null;
        });
  }

  /** Answers a PING. */
  void ackPing(long data) throws Exception {
    onEventLoop(
        () -> {
          writer.writePing(ctx, true, data, ctx.newPromise());
          ctx.flush();
          return null;
        });
  }

  /** Sends a PING (not an ACK). */
  void ping(long data) throws Exception {
    onEventLoop(
        () -> {
          writer.writePing(ctx, false, data, ctx.newPromise());
          ctx.flush();
          return null;
        });
  }

  /** Closes the TCP connection without any HTTP/2 goodbye. */
  void disconnect() {
    channel.close().syncUninterruptibly();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private <T> T onEventLoop(Callable<T> task) throws Exception {
    return channel.eventLoop().submit(task).get(10, TimeUnit.SECONDS);
  }

  private Stream stream(int id) {
    return streams.computeIfAbsent(id, Stream::new);
  }

  /** Reads frames and sends the preface, SETTINGS ACKs and PING ACKs. */
  private final class Decoder extends ByteToMessageDecoder {
    private final Listener listener = new Listener();

    @Override
    public void channelActive(ChannelHandlerContext context) throws Exception {
      ctx = context;
      context.write(Http2CodecUtil.connectionPrefaceBuf());
      writer.writeSettings(context, new Http2Settings(), context.newPromise());
      context.flush();
      super.channelActive(context);
    }

    @Override
    protected void decode(ChannelHandlerContext context, ByteBuf in, List<Object> out)
        throws Exception {
      reader.readFrame(context, in, listener);
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) throws Exception {
      for (Stream stream : streams.values()) {
        stream.ended.completeExceptionally(
            new IllegalStateException("connection closed after " + frames, failure));
      }
      disconnected.complete(null);
      super.channelInactive(context);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
      failure = cause;
      context.close();
    }
  }

  private final class Listener extends Http2FrameAdapter {
    @Override
    public void onSettingsRead(ChannelHandlerContext context, Http2Settings received) {
      frames.add("SETTINGS");
      settings.complete(received);
      writer.writeSettingsAck(context, context.newPromise());
      context.flush();
    }

    @Override
    public void onPingRead(ChannelHandlerContext context, long data) {
      frames.add("PING");
      pings.add(data);
      if (autoAckPings) {
        writer.writePing(context, true, data, context.newPromise());
        context.flush();
      }
    }

    @Override
    public void onPingAckRead(ChannelHandlerContext context, long data) {
      frames.add("PING_ACK");
      pingAcks.add(data);
    }

    @Override
    public void onHeadersRead(
        ChannelHandlerContext context,
        int streamId,
        Http2Headers headers,
        int streamDependency,
        short weight,
        boolean exclusive,
        int padding,
        boolean endOfStream) {
      onHeadersRead(context, streamId, headers, padding, endOfStream);
    }

    @Override
    public void onHeadersRead(
        ChannelHandlerContext context,
        int streamId,
        Http2Headers headers,
        int padding,
        boolean endOfStream) {
      frames.add("HEADERS " + streamId + (endOfStream ? " end" : ""));
      Stream stream = stream(streamId);
      if (!stream.headers.complete(headers)) {
        stream.trailers = headers;
      }
      if (endOfStream) {
        stream.ended.complete(stream);
      }
    }

    @Override
    public int onDataRead(
        ChannelHandlerContext context, int streamId, ByteBuf data, int padding, boolean end) {
      frames.add("DATA " + streamId + (end ? " end" : ""));
      Stream stream = stream(streamId);
      byte[] bytes = new byte[data.readableBytes()];
      data.getBytes(data.readerIndex(), bytes);
      synchronized (stream) {
        stream.data.writeBytes(bytes);
      }
      if (end) {
        stream.ended.complete(stream);
      }
      return data.readableBytes() + padding;
    }

    @Override
    public void onRstStreamRead(ChannelHandlerContext context, int streamId, long errorCode) {
      frames.add("RST_STREAM " + streamId + " " + errorCode);
      Stream stream = stream(streamId);
      stream.resetCode = errorCode;
      stream.ended.complete(stream);
    }

    @Override
    public void onGoAwayRead(
        ChannelHandlerContext context, int lastStreamId, long errorCode, ByteBuf debugData) {
      frames.add("GOAWAY " + lastStreamId + " " + errorCode);
      GoAway received =
          new GoAway(lastStreamId, errorCode, debugData.toString(StandardCharsets.US_ASCII));
      goAways.add(received);
      goAway.complete(received);
    }
  }
}
