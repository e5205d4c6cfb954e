package dev.trunk.internal.netty;

import dev.trunk.MethodDescriptor;
import dev.trunk.Status;
import dev.trunk.internal.client.CallStart;
import dev.trunk.internal.client.ClientStreamListener;
import dev.trunk.internal.client.ClientTransport;
import dev.trunk.internal.client.ClientTransportStream;
import dev.trunk.internal.client.EndpointTransport;
import dev.trunk.internal.wire.GrpcTimeout;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.jspecify.annotations.Nullable;

/**
 * A subchannel's connections to its endpoint over Netty: connects when its subchannel asks, opens
 * one HTTP/2 stream per call attempt, and tells the subchannel when a connection is ready and when
 * it stops taking streams. A stream that arrives while no connection is usable (the connection was
 * just lost) makes a new one to the same address. Connections that are being replaced keep their
 * calls until those end; shutting down reaches all of them.
 */
public final class NettyClientTransport implements EndpointTransport, ClientHandler.Owner {
  private final NettyConnector shared;
  private final Events events;
  private @Nullable ClientHandler connection; // guarded by this
  private @Nullable SocketAddress address; // guarded by this
  // Every connection not yet closed: the current one and those draining (guarded by this).
  private final Set<ClientHandler> open = new HashSet<>();
  private boolean shutdown; // guarded by this

  NettyClientTransport(NettyConnector shared, Events events) {
    this.shared = shared;
    this.events = events;
  }

  @Override
  public ClientTransportStream newStream(
      CallStart call,
      @Nullable ByteBuf firstMessage,
      boolean endOfStream,
      ClientStreamListener listener) {
    MethodDescriptor<?, ?> method = call.method();
    ClientWireProtocol web =
        ClientWireProtocol.forCall(
            shared.config.protocol(), method, shared.config.maxInboundMessageSize());
    Http2Headers headers =
        web == null
            ? requestHeaders(call)
            : web.requestHeaders(call, shared, firstMessage, endOfStream);
    ClientHandler handler = connection();
    if (!handler.tryEnterWaiting()) {
      throw handler.tooManyWaiting().asException();
    }
    NettyClientStream stream =
        new NettyClientStream(handler, listener, method.responseCodec().name(), headers, web);
    ByteBuf first = web == null ? firstMessage : web.outbound(firstMessage, listener);
    handler.runOnEventLoop(() -> handler.start(stream, first, endOfStream));
    return stream;
  }

  /** Request headers as PROTOCOL-HTTP2.md lists them: Call-Definition, then Custom-Metadata. */
  private Http2Headers requestHeaders(CallStart call) {
    MethodDescriptor<?, ?> method = call.method();
    Http2Headers headers = GrpcHeaders.newHeaders();
    headers
        .method(GrpcHeaders.POST)
        .scheme(shared.scheme)
        .path(method.path())
        .authority(shared.authority);
    headers.set(GrpcHeaders.TE, GrpcHeaders.TRAILERS);
    headers.set(GrpcHeaders.CONTENT_TYPE, GrpcHeaders.contentType(method.requestCodec().name()));
    headers.set(GrpcHeaders.USER_AGENT, shared.userAgent);
    long timeoutNanos = call.timeoutNanos();
    if (timeoutNanos >= 0) {
      headers.set(GrpcHeaders.GRPC_TIMEOUT, GrpcTimeout.encode(timeoutNanos));
    }
    String encoding = call.encoding();
    if (encoding != null) {
      headers.set(GrpcHeaders.GRPC_ENCODING, encoding);
    }
    headers.set(GrpcHeaders.GRPC_ACCEPT_ENCODING, GrpcHeaders.ACCEPT_ENCODING);
    GrpcHeaders.addMetadata(headers, call.metadata());
    return headers;
  }

  @Override
  public synchronized Object connect(SocketAddress to) {
    if (shutdown) {
      throw ClientTransport.channelClosed();
    }
    address = to;
    ClientHandler current = connection;
    if (current != null && current.isUsable()) {
      if (current.isReady()) {
        events.onReady(current);
      }
      return current;
    }
    current = open(to);
    connection = current;
    return current;
  }

  @Override
  public ClientHandler nextConnection() {
    return connection();
  }

  @Override
  public void onReady(ClientHandler handler) {
    events.onReady(handler);
  }

  @Override
  public void onGoAway(ClientHandler handler, Status status) {
    events.onClosed(handler, status);
  }

  private synchronized ClientHandler connection() {
    if (shutdown) {
      throw ClientTransport.channelClosed();
    }
    ClientHandler current = connection;
    SocketAddress to = address;
    if (current != null && current.isUsable()) {
      return current;
    }
    if (to == null) {
      throw Status.UNAVAILABLE.withDescription("the subchannel never connected").asException();
    }
    current = open(to);
    connection = current;
    return current;
  }

  private ClientHandler open(SocketAddress to) {
    String target = describe(to);
    ClientHandler handler = ClientHandler.create(shared.config, shared.keepAlive, this, target);
    EventLoop eventLoop = EventLoops.clientGroup().next();
    handler.bindEventLoop(eventLoop);
    Bootstrap bootstrap =
        new Bootstrap()
            .group(eventLoop)
            .channel(EventLoops.clientChannelType(to))
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis())
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel channel) {
                    TlsSource tls = shared.tls;
                    if (tls != null) {
                      channel.pipeline().addLast(new TlsHandshake.NotTlsServer(target));
                      channel
                          .pipeline()
                          .addLast(
                              sslHandler(channel, tls.current(), to, shared.config.authority()));
                      channel
                          .pipeline()
                          .addLast(new TlsHandshake.Client(target, shared.config, false));
                    } else {
                      channel.pipeline().addLast(new TlsHandshake.PlaintextClient(target));
                    }
                    channel.pipeline().addLast(handler);
                  }
                });
    if (to instanceof InetSocketAddress) {
      bootstrap.option(ChannelOption.TCP_NODELAY, true);
    }
    ChannelFuture connected = bootstrap.connect(EventLoops.toNetty(to));
    open.add(handler);
    Channel channel = connected.channel();
    // Reported after the other listeners of this moment ran (the connect failure's, the TLS
    // handshake's), so the subchannel hears why the connection closed.
    channel.closeFuture().addListener(closed -> channel.eventLoop().execute(() -> closed(handler)));
    connected.addListener(
        future -> {
          if (!future.isSuccess()) {
            Throwable cause = future.cause();
            handler.fail(
                Status.UNAVAILABLE
                    .withDescription("cannot connect to " + target + ": " + whyNotConnected(cause))
                    .withCause(cause));
          }
        });
    return handler;
  }

  /** How messages name an address: host:port (the name a passthrough target gave, if any). */
  static String describe(SocketAddress address) {
    if (address instanceof InetSocketAddress inet) {
      String host = inet.getHostString();
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
    }
    return address.toString();
  }

  private int connectTimeoutMillis() {
    return (int) Math.min(Integer.MAX_VALUE, shared.config.connectTimeout().toMillis());
  }

  /**
   * Reports a closed connection, first forgetting it as the current one: this runs before Netty's
   * channelInactive marks it unusable, and the subchannel, told of the close, connects again at
   * once. Handed the dead connection back as ready, it would stay READY on it for good.
   */
  private void closed(ClientHandler handler) {
    synchronized (this) {
      open.remove(handler);
      if (connection == handler) {
        connection = null;
      }
    }
    events.onClosed(handler, handler.closeStatus());
  }

  /** TLS with SNI and host name verification against the authority (or its override). */
  static SslHandler sslHandler(
      Channel channel, SslContext context, SocketAddress to, String authority) {
    String host = hostOf(authority);
    int port = to instanceof InetSocketAddress inet ? inet.getPort() : -1;
    SslHandler handler = context.newHandler(channel.alloc(), host, port);
    SSLEngine engine = handler.engine();
    SSLParameters parameters = engine.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    engine.setSSLParameters(parameters);
    return handler;
  }

  private static String hostOf(String authority) {
    if (authority.startsWith("[")) {
      return authority.substring(1, authority.indexOf(']'));
    }
    int colon = authority.lastIndexOf(':');
    return colon < 0 ? authority : authority.substring(0, colon);
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
    detach().forEach(ClientHandler::closeGracefully);
  }

  @Override
  public void shutdownNow() {
    detach().forEach(ClientHandler::closeNow);
  }

  /** Refuses new streams from now on; returns every connection still open, to close. */
  private synchronized List<ClientHandler> detach() {
    shutdown = true;
    connection = null;
    return List.copyOf(open);
  }

  /**
   * Why a TCP connect failed, in words: "connection refused" rather than the class and native call
   * of Netty's exception.
   */
  static String whyNotConnected(Throwable cause) {
    String message = cause.getMessage();
    if (message == null) {
      return cause.getClass().getSimpleName();
    }
    if (cause instanceof ConnectException && message.contains("Connection refused")) {
      return "connection refused (is a server listening there?)";
    }
    return message;
  }
}
