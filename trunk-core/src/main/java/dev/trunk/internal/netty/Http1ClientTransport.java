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
 * exchange ended cleanly goes to the next waiting call or waits, idle, for one (keep-alive). At
 * most {@code http1MaxConnections} are open (connecting, busy or idle); calls beyond wait in a
 * queue of at most {@code maxWaitingCalls}, in order, and leave it when reset (cancelled,
 * deadline). The subchannel sees one logical connection per {@link #connect}: ready once a first
 * connection is made, closed when a later one cannot be made.
 */
final class Http1ClientTransport implements EndpointTransport {
  /** Longest request line or response status line (Netty's HttpObjectDecoder default). */
  static final int MAX_INITIAL_LINE_LENGTH = 4096;

  /** Largest body chunk the decoder hands on at once (Netty's HttpObjectDecoder default). */
  static final int MAX_CHUNK_SIZE = 8192;

  private final NettyConnector shared;
  private final Events events;
  private final InboundBudget budget;
  private final int maxConnections;
  private final ArrayDeque<Channel> idle = new ArrayDeque<>(); // guarded by this
  private final Set<Channel> open = new HashSet<>(); // guarded by this
  private final ArrayDeque<Http1ClientStream> waiting = new ArrayDeque<>(); // guarded by this
  private int dialing; // guarded by this: connections being opened, not yet in open
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
    this.maxConnections = shared.config.http1MaxConnections();
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
            this,
            web,
            web.requestHeaders(call, shared, firstMessage, endOfStream),
            firstMessage,
            endOfStream,
            listener,
            budget);
    Channel reused;
    SocketAddress to;
    synchronized (this) {
      to = requireAddress();
      reused = takeIdle();
      if (reused == null && !reserveConnection()) {
        enqueue(stream); // the message is the stream's once this did not throw
        return stream;
      }
    }
    if (reused != null) {
      startOn(reused, stream);
    } else {
      dialFor(stream, to);
    }
    return stream;
  }

  /** Counts one more connection about to be dialed, if the limit allows. */
  private boolean reserveConnection() {
    if (open.size() + dialing >= maxConnections) {
      return false;
    }
    dialing++;
    return true;
  }

  private void enqueue(Http1ClientStream stream) {
    if (waiting.size() >= shared.config.maxWaitingCalls()) {
      throw Status.RESOURCE_EXHAUSTED
          .withDescription(
              shared.config.maxWaitingCalls()
                  + " calls already wait for one of the "
                  + maxConnections
                  + " HTTP/1.1 connections to "
                  + NettyClientTransport.describe(requireAddress())
                  + " (Channel.Builder.maxWaitingCalls)")
          .asException();
    }
    waiting.add(stream);
  }

  /** Takes {@code stream} out of the queue; false if it is not there (it has a connection). */
  synchronized boolean leaveQueue(Http1ClientStream stream) {
    return waiting.remove(stream);
  }

  private static void startOn(Channel connection, Http1ClientStream stream) {
    stream.bind(connection.eventLoop());
    connection.eventLoop().execute(() -> stream.start(connection));
  }

  /** Opens a connection for {@code stream}, whose reservation {@link #dial} takes over. */
  private void dialFor(Http1ClientStream stream, SocketAddress to) {
    EventLoop eventLoop = EventLoops.clientGroup().next();
    stream.bind(eventLoop);
    dial(to, eventLoop, stream::start, stream::connectFailed);
  }

  private @Nullable Channel takeIdle() {
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

  private SocketAddress requireAddress() {
    SocketAddress to = address;
    if (to == null) {
      throw Status.UNAVAILABLE.withDescription("the subchannel never connected").asException();
    }
    return to;
  }

  /**
   * A connection whose exchange ended cleanly: handed to the first waiting call, else kept for the
   * next call, or closed once the transport is shut down.
   */
  void release(Channel channel) {
    Http1ClientStream next;
    synchronized (this) {
      next = channel.isActive() ? waiting.poll() : null;
      if (next == null && !shutdown && channel.isActive()) {
        idle.add(channel);
        return;
      }
    }
    if (next != null) {
      startOn(channel, next);
      return;
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
      dialing++; // the subchannel's own connection, whatever the limit: it makes it ready
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
      dialing--;
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
            ConnectionReporter.addTo(channel.pipeline(), shared.config.events(), false, "http/1.1");
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
            new TlsHandshake.Client(target, shared.config, true));
  }

  /** The status of a connection that could not be made (or secured): the TLS reason if any. */
  private static Status connectFailure(String target, Throwable cause) {
    if (cause instanceof StatusException known) {
      return known.status();
    }
    return Status.UNAVAILABLE
        .withDescription(
            "cannot connect to " + target + ": " + NettyClientTransport.whyNotConnected(cause))
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

  /** A connection closed: its place goes to the first waiting call, on a new connection. */
  private void forget(Channel channel) {
    Http1ClientStream next = null;
    SocketAddress to;
    synchronized (this) {
      open.remove(channel);
      idle.remove(channel);
      to = address;
      if (to != null && !waiting.isEmpty() && reserveConnection()) {
        next = waiting.poll();
      }
    }
    if (next != null) {
      dialFor(next, Objects.requireNonNull(to));
    }
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
    List<Http1ClientStream> queued;
    synchronized (this) {
      shutdown = true;
      idle.clear();
      all = List.copyOf(open);
      queued = List.copyOf(waiting);
      waiting.clear();
    }
    for (Http1ClientStream stream : queued) {
      stream.bind(EventLoops.clientGroup().next());
      stream.connectFailed(ClientTransport.channelClosed().status());
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
