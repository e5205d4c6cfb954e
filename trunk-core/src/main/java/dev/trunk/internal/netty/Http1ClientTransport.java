package dev.trunk.internal.netty;

import dev.trunk.MethodDescriptor;
import dev.trunk.Status;
import dev.trunk.StatusException;
import dev.trunk.internal.InboundBudget;
import dev.trunk.internal.client.CallStart;
import dev.trunk.internal.client.ClientStreamListener;
import dev.trunk.internal.client.ClientTransport;
import dev.trunk.internal.client.ClientTransportStream;
import dev.trunk.internal.client.EndpointTransport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A subchannel's HTTP/1.1 connections to its endpoint, for gRPC-Web and Connect: one call at a time
 * per connection, so each call in progress has a connection of its own, and a connection whose
 * exchange ended cleanly waits, idle, for the next call (keep-alive). The subchannel sees one
 * logical connection per {@link #connect}: ready once a first TCP connection is made, closed when a
 * later one cannot be made.
 */
final class Http1ClientTransport implements EndpointTransport {
  /** Longest request line or response status line (Netty's HttpObjectDecoder default). */
  static final int MAX_INITIAL_LINE_LENGTH = 4096;

  /** Largest body chunk the decoder hands on at once (Netty's HttpObjectDecoder default). */
  static final int MAX_CHUNK_SIZE = 8192;

  private final NettyConnector shared;
  private final Events events;
  private final InboundBudget budget;
  private final ArrayDeque<Channel> idle = new ArrayDeque<>(); // guarded by this
  private final Set<Channel> open = new HashSet<>(); // guarded by this
  private @Nullable SocketAddress address; // guarded by this
  private @Nullable Object generation; // guarded by this
  private boolean shutdown; // guarded by this

  Http1ClientTransport(NettyConnector shared, Events events) {
    this.shared = shared;
    this.events = events;
    this.budget =
        InboundBudget.of(
            "this endpoint's HTTP/1.1 connections (maxBufferedBytesPerConnection)",
            shared.config.maxBufferedBytesPerConnection());
  }

  @Override
  public ClientTransportStream newStream(
      CallStart call,
      @Nullable ByteBuf firstMessage,
      boolean endOfStream,
      ClientStreamListener listener) {
    MethodDescriptor<?, ?> method = call.method();
    if (method.type() == MethodDescriptor.Type.BIDI_STREAMING) {
      throw Status.UNIMPLEMENTED
          .withDescription(
              method.fullName()
                  + " is bidirectional streaming, which HTTP/1.1 cannot carry: it sends the whole"
                  + " request before the response (half-duplex); drop Channel.Builder.http1()")
          .asException();
    }
    ClientWireProtocol web =
        Objects.requireNonNull(
            ClientWireProtocol.forCall(
                shared.config.protocol(), method, shared.config.maxInboundMessageSize()));
    Http1ClientStream stream =
        new Http1ClientStream(
            web,
            web.requestHeaders(call, shared),
            web.outbound(firstMessage, listener),
            endOfStream,
            listener,
            budget);
    Channel reused = takeIdle();
    if (reused != null) {
      stream.bind(reused.eventLoop());
      reused.eventLoop().execute(() -> stream.start(reused));
      return stream;
    }
    EventLoop eventLoop = EventLoops.clientGroup().next();
    stream.bind(eventLoop);
    dial(requireAddress(), eventLoop, channel -> stream.start(channel), stream::connectFailed);
    return stream;
  }

  private synchronized @Nullable Channel takeIdle() {
    if (shutdown) {
      throw ClientTransport.channelClosed();
    }
    Channel channel;
    while ((channel = idle.poll()) != null) {
      if (channel.isActive()) {
        return channel;
      }
    }
    return null;
  }

  private synchronized SocketAddress requireAddress() {
    SocketAddress to = address;
    if (to == null) {
      throw Status.UNAVAILABLE.withDescription("the subchannel never connected").asException();
    }
    return to;
  }

  /** A connection whose exchange ended cleanly: kept for the next call, or closed. */
  void release(Channel channel) {
    synchronized (this) {
      if (!shutdown && channel.isActive()) {
        idle.add(channel);
        return;
      }
    }
    channel.close();
  }

  @Override
  public Object connect(SocketAddress to) {
    Object connection = new Object();
    synchronized (this) {
      if (shutdown) {
        throw ClientTransport.channelClosed();
      }
      address = to;
      generation = connection;
    }
    dial(
        to,
        EventLoops.clientGroup().next(),
        channel -> {
          release(channel);
          events.onReady(connection);
        },
        status -> events.onClosed(connection, status));
    return connection;
  }

  /**
   * Opens a connection, TLS first if the channel has it; {@code onConnected} (once the handshake
   * succeeded) or {@code onFailed} runs on its event loop.
   */
  private void dial(
      SocketAddress to,
      EventLoop eventLoop,
      Consumer<Channel> onConnected,
      Consumer<Status> onFailed) {
    String target = NettyClientTransport.describe(to);
    Http1ClientHandler handler = new Http1ClientHandler(target, eventLoop.newPromise());
    Bootstrap bootstrap =
        new Bootstrap()
            .group(eventLoop)
            .channel(EventLoops.clientChannelType(to))
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis())
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel channel) {
                    addTls(channel, to, target);
                    channel
                        .pipeline()
                        .addLast(
                            new HttpClientCodec(
                                MAX_INITIAL_LINE_LENGTH,
                                shared.config.maxHeaderListSize(),
                                MAX_CHUNK_SIZE),
                            handler);
                  }
                });
    if (to instanceof InetSocketAddress) {
      bootstrap.option(ChannelOption.TCP_NODELAY, true);
    }
    ChannelFuture connected = bootstrap.connect(EventLoops.toNetty(to));
    Channel channel = connected.channel();
    synchronized (this) {
      open.add(channel);
    }
    channel.closeFuture().addListener(closed -> forget(channel));
    connected.addListener(
        future -> {
          if (!future.isSuccess()) {
            handler.ready.tryFailure(future.cause());
          }
        });
    handler.ready.addListener(
        future -> {
          if (future.isSuccess()) {
            onConnected.accept(channel);
            return;
          }
          Status status = connectFailure(target, future.cause());
          lost(status);
          onFailed.accept(status);
        });
  }

  /**
   * TLS in front of the HTTP/1.1 codec, offering ALPN http/1.1; {@link TlsHandshake.Client} turns a
   * failed handshake or another protocol into an UNAVAILABLE status with the reason.
   */
  private void addTls(Channel channel, SocketAddress to, String target) {
    TlsSource tls = shared.tls;
    if (tls == null) {
      return;
    }
    channel
        .pipeline()
        .addLast(
            new TlsHandshake.NotTlsServer(target),
            NettyClientTransport.sslHandler(channel, tls.current(), to, shared.config.authority()),
            new TlsHandshake.Client(target, shared.config.tls(), true));
  }

  /** The status of a connection that could not be made (or secured): the TLS reason if any. */
  private static Status connectFailure(String target, Throwable cause) {
    if (cause instanceof StatusException known) {
      return known.status();
    }
    return Status.UNAVAILABLE
        .withDescription("cannot connect to " + target + ": " + cause)
        .withCause(cause);
  }

  /** A connection attempt failed: the subchannel's logical connection is over. */
  private void lost(Status status) {
    Object connection;
    synchronized (this) {
      connection = generation;
      generation = null;
    }
    if (connection != null) {
      events.onClosed(connection, status);
    }
  }

  private synchronized void forget(Channel channel) {
    open.remove(channel);
    idle.remove(channel);
  }

  private int connectTimeoutMillis() {
    return (int) Math.min(Integer.MAX_VALUE, shared.config.connectTimeout().toMillis());
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable task, long nanos) {
    return EventLoops.clientGroup().schedule(task, nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public ByteBufAllocator allocator() {
    return ByteBufAllocator.DEFAULT;
  }

  @Override
  public void shutdown() {
    List<Channel> idleNow;
    synchronized (this) {
      shutdown = true;
      idleNow = List.copyOf(idle);
      idle.clear();
    }
    idleNow.forEach(Channel::close); // busy connections close when their exchange ends
  }

  @Override
  public void shutdownNow() {
    List<Channel> all;
    synchronized (this) {
      shutdown = true;
      idle.clear();
      all = List.copyOf(open);
    }
    all.forEach(Channel::close);
  }

  /**
   * The connection's handler: makes it ready (connected, and the TLS handshake done if any), then
   * passes each response to the exchange in progress.
   */
  private final class Http1ClientHandler extends ChannelInboundHandlerAdapter {
    private final String target;
    final Promise<Void> ready;

    Http1ClientHandler(String target, Promise<Void> ready) {
      this.target = target;
      this.ready = ready;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
      if (ctx.pipeline().get(SslHandler.class) == null) {
        ready.trySuccess(null);
      }
      super.channelActive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
      if (event instanceof SslHandshakeCompletionEvent done && done.isSuccess()) {
        ready.trySuccess(null); // after TlsHandshake.Client, which failed it if ALPN was wrong
      }
      super.userEventTriggered(ctx, event);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      Http1ClientStream stream = ctx.channel().attr(Http1ClientStream.EXCHANGE).get();
      if (stream == null) {
        ReferenceCountUtil.release(msg); // nothing asked: an idle connection
        ctx.close();
        return;
      }
      if (stream.onResponse(msg)) {
        ctx.channel().attr(Http1ClientStream.EXCHANGE).set(null);
        release(ctx.channel());
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      Status closed = Status.UNAVAILABLE.withDescription("the connection to " + target + " closed");
      ready.tryFailure(closed.asException());
      Http1ClientStream stream = ctx.channel().attr(Http1ClientStream.EXCHANGE).getAndSet(null);
      if (stream != null) {
        stream.lost(closed);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ready.tryFailure(cause);
      Http1ClientStream stream = ctx.channel().attr(Http1ClientStream.EXCHANGE).getAndSet(null);
      if (stream != null) {
        stream.lost(
            cause instanceof StatusException known
                ? known.status()
                : Status.UNAVAILABLE
                    .withDescription("the connection to " + target + " failed: " + cause)
                    .withCause(cause));
      }
      ctx.close();
    }
  }
}
