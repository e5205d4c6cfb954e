package dev.trunk;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/2 server at the frame level, for client tests: Netty's frame reader and writer on each
 * accepted connection, with no connection state machine. It answers every request either with
 * response headers that keep the call open ({@link #holdCalls}) or with a Trailers-Only OK, answers
 * PINGs only while {@link #ackPings}, and records when each PING arrived relative to its own last
 * write. A test can make it send GOAWAY and refuse streams.
 */
final class FrameServer implements AutoCloseable {
  /** One accepted connection. Its fields are written on its event loop. */
  static final class Connection {
    /**
     * For each PING received, nanoseconds since this server last wrote to the connection: the
     * client cannot have read anything from it for at least that long.
     */
    final BlockingQueue<Long> pingQuietNanos = new LinkedBlockingQueue<>();

    /** Every frame received, in order: "PING", "HEADERS 1", "DATA 1", ... */
    final List<String> frames = new CopyOnWriteArrayList<>();

    /** Completes when the connection is closed, by either side. */
    final CompletableFuture<Void> closed = new CompletableFuture<>();

    // HPACK keeps state per connection, so each connection has its own writer.
    private final DefaultHttp2FrameWriter writer = new DefaultHttp2FrameWriter();
    private volatile ChannelHandlerContext ctx;
    private long lastWriteNanos;

    /** Sends GOAWAY with this error code and ASCII debug data, then closes the connection. */
    void goAwayAndClose(long errorCode, String debugData) {
      ChannelHandlerContext context = ctx;
      context
          .executor()
          .execute(
              () -> {
                ByteBuf debug = ByteBufUtil.writeAscii(context.alloc(), debugData);
                writer
                    .writeGoAway(context, 0, errorCode, debug, context.newPromise())
                    .addListener(written -> context.close());
                context.flush();
              });
    }

    /** Sends GOAWAY(NO_ERROR) naming {@code lastStreamId}, and keeps the connection open. */
    void goAway(int lastStreamId) {
      ChannelHandlerContext context = ctx;
      context
          .executor()
          .execute(
              () -> {
                writer.writeGoAway(
                    context, lastStreamId, 0, context.alloc().buffer(0), context.newPromise());
                flush(context);
              });
    }

    private void flush(ChannelHandlerContext context) {
      // Before the write: the client may read the bytes before this thread runs again.
      lastWriteNanos = System.nanoTime();
      context.flush();
    }
  }

  private final MultiThreadIoEventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel listener;

  /** Every connection accepted, in order. */
  final BlockingQueue<Connection> connections = new LinkedBlockingQueue<>();

  /** Whether requests get response headers and stay open, or a Trailers-Only OK at once. */
  volatile boolean holdCalls = true;

  /** Whether requests get no answer at all, as if the server had not got to them yet. */
  volatile boolean ignoreRequests;

  /** How many of the next requests are refused with RST_STREAM(REFUSED_STREAM). */
  final AtomicInteger refuseStreams = new AtomicInteger();

  /** Whether PINGs are answered. */
  volatile boolean ackPings = true;

  /** How long each PING ACK is held back, as if the network were slow. */
  volatile long pingAckDelayMillis;

  FrameServer() {
    listener =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel channel) {
                    channel.pipeline().addLast(new Decoder());
                  }
                })
            .bind("127.0.0.1", 0)
            .syncUninterruptibly()
            .channel();
  }

  int port() {
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  /** The next connection accepted (or the first one not yet taken). */
  Connection nextConnection() throws InterruptedException {
    Connection connection = connections.poll(10, TimeUnit.SECONDS);
    if (connection == null) {
      throw new AssertionError("no connection within 10 s");
    }
    return connection;
  }

  @Override
  public void close() {
    listener.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Skips the client's connection preface, then reads frames. */
  private final class Decoder extends ByteToMessageDecoder {
    private final Connection connection = new Connection();
    private final DefaultHttp2FrameReader reader = new DefaultHttp2FrameReader(true);
    private final Listener frameListener = new Listener(connection);
    private boolean prefaceRead;

    @Override
    public void channelActive(ChannelHandlerContext context) throws Exception {
      connection.ctx = context;
      connection.writer.writeSettings(context, new Http2Settings(), context.newPromise());
      connection.flush(context);
      connections.add(connection);
      super.channelActive(context);
    }

    @Override
    protected void decode(ChannelHandlerContext context, ByteBuf in, List<Object> out)
        throws Exception {
      if (!prefaceRead) {
        int prefaceLength = Http2CodecUtil.connectionPrefaceBuf().readableBytes();
        if (in.readableBytes() < prefaceLength) {
          return;
        }
        in.skipBytes(prefaceLength);
        prefaceRead = true;
      }
      reader.readFrame(context, in, frameListener);
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) throws Exception {
      connection.closed.complete(null);
      super.channelInactive(context);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
      context.close();
    }
  }

  private final class Listener extends Http2FrameAdapter {
    private final Connection connection;

    Listener(Connection connection) {
      this.connection = connection;
    }

    @Override
    public void onSettingsRead(ChannelHandlerContext context, Http2Settings settings) {
      connection.frames.add("SETTINGS");
      connection.writer.writeSettingsAck(context, context.newPromise());
      connection.flush(context);
    }

    @Override
    public void onPingRead(ChannelHandlerContext context, long data) {
      connection.frames.add("PING");
      connection.pingQuietNanos.add(System.nanoTime() - connection.lastWriteNanos);
      if (ackPings) {
        context
            .executor()
            .schedule(
                () -> {
                  connection.writer.writePing(context, true, data, context.newPromise());
                  connection.flush(context);
                },
                pingAckDelayMillis,
                TimeUnit.MILLISECONDS);
      }
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
      connection.frames.add("HEADERS " + streamId);
      if (ignoreRequests) {
        return;
      }
      if (refuseStreams.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        connection.writer.writeRstStream(
            context, streamId, Http2Error.REFUSED_STREAM.code(), context.newPromise());
        connection.flush(context);
        return;
      }
      boolean hold = holdCalls;
      Http2Headers response =
          new DefaultHttp2Headers().status("200").add("content-type", "application/grpc");
      if (!hold) {
        response.add("grpc-status", "0");
      }
      connection.writer.writeHeaders(context, streamId, response, 0, !hold, context.newPromise());
      connection.flush(context);
    }

    @Override
    public int onDataRead(
        ChannelHandlerContext context, int streamId, ByteBuf data, int padding, boolean end) {
      connection.frames.add("DATA " + streamId);
      return data.readableBytes() + padding;
    }
  }
}
