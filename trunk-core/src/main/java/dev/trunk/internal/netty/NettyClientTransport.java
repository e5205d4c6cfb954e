package dev.trunk.internal.netty;

import dev.trunk.Metadata;
import dev.trunk.MethodDescriptor;
import dev.trunk.Status;
import dev.trunk.TlsConfig;
import dev.trunk.internal.client.CallStart;
import dev.trunk.internal.client.ChannelConfig;
import dev.trunk.internal.client.ClientStreamListener;
import dev.trunk.internal.client.ClientTransport;
import dev.trunk.internal.client.ClientTransportStream;
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
import io.netty.util.AsciiString;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import org.jspecify.annotations.Nullable;

/**
 * A channel's connection to its server over Netty: connects lazily, reconnects after the connection
 * is lost or the server sent GOAWAY, and opens one HTTP/2 stream per call. Connections that are
 * being replaced keep their calls until those end; shutting the channel down reaches all of them.
 */
public final class NettyClientTransport implements ClientTransport, ClientHandler.Owner {
  /** Trunk's user-agent product token (PROTOCOL-HTTP2.md: grpc-java/1.2.3 style). */
  static final String USER_AGENT = "trunk-java/0.1.0";

  private final ChannelConfig config;
  private final @Nullable TlsSource tls;
  private final AsciiString scheme;
  private final AsciiString authority;
  private final AsciiString userAgent;
  private final ClientKeepAlive keepAlive;
  private @Nullable ClientHandler connection; // guarded by this
  // Every connection not yet closed: the current one and those draining (guarded by this).
  private final Set<ClientHandler> open = new HashSet<>();
  private boolean shutdown; // guarded by this

  public NettyClientTransport(ChannelConfig config) {
    this.config = config;
    TlsConfig tlsConfig = config.tls();
    try {
      this.tls = tlsConfig == null ? null : TlsSource.forClient(tlsConfig);
    } catch (SSLException e) {
      throw new IllegalArgumentException("invalid TLS configuration: " + e.getMessage(), e);
    }
    this.scheme = tls == null ? GrpcHeaders.HTTP : GrpcHeaders.HTTPS;
    this.authority = AsciiString.of(config.authority());
    String prefix = config.userAgent();
    this.userAgent = AsciiString.of(prefix == null ? USER_AGENT : prefix + " " + USER_AGENT);
    this.keepAlive = new ClientKeepAlive(config.keepAlive(), config.host() + ":" + config.port());
  }

  @Override
  public ClientTransportStream newStream(
      CallStart call,
      @Nullable ByteBuf firstMessage,
      boolean endOfStream,
      ClientStreamListener listener) {
    MethodDescriptor<?, ?> method = call.method();
    Http2Headers headers =
        requestHeaders(method, call.metadata(), call.timeoutNanos(), call.encoding());
    ClientHandler handler = connection();
    if (!handler.tryEnterWaiting()) {
      throw handler.tooManyWaiting().asException();
    }
    NettyClientStream stream =
        new NettyClientStream(handler, listener, method.responseCodec().name(), headers);
    handler.runOnEventLoop(() -> handler.start(stream, firstMessage, endOfStream));
    return stream;
  }

  /** Request headers as PROTOCOL-HTTP2.md lists them: Call-Definition, then Custom-Metadata. */
  private Http2Headers requestHeaders(
      MethodDescriptor<?, ?> method,
      Metadata metadata,
      long timeoutNanos,
      @Nullable String encoding) {
    Http2Headers headers = GrpcHeaders.newHeaders();
    headers.method(GrpcHeaders.POST).scheme(scheme).path(method.path()).authority(authority);
    headers.set(GrpcHeaders.TE, GrpcHeaders.TRAILERS);
    headers.set(GrpcHeaders.CONTENT_TYPE, GrpcHeaders.contentType(method.requestCodec().name()));
    headers.set(GrpcHeaders.USER_AGENT, userAgent);
    if (timeoutNanos >= 0) {
      headers.set(GrpcHeaders.GRPC_TIMEOUT, GrpcTimeout.encode(timeoutNanos));
    }
    if (encoding != null) {
      headers.set(GrpcHeaders.GRPC_ENCODING, encoding);
    }
    headers.set(GrpcHeaders.GRPC_ACCEPT_ENCODING, GrpcHeaders.ACCEPT_ENCODING);
    GrpcHeaders.addMetadata(headers, metadata);
    return headers;
  }

  @Override
  public ClientHandler nextConnection() {
    return connection();
  }

  private synchronized ClientHandler connection() {
    if (shutdown) {
      throw ClientTransport.channelClosed();
    }
    ClientHandler current = connection;
    if (current == null || !current.isUsable()) {
      current = connect();
      connection = current;
    }
    return current;
  }

  private ClientHandler connect() {
    ClientHandler handler = ClientHandler.create(config, keepAlive, this);
    EventLoop eventLoop = EventLoops.clientGroup().next();
    handler.bindEventLoop(eventLoop);
    Bootstrap bootstrap =
        new Bootstrap()
            .group(eventLoop)
            .channel(EventLoops.channelType())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis())
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel channel) {
                    String target = config.host() + ":" + config.port();
                    if (tls != null) {
                      channel.pipeline().addLast(new TlsHandshake.NotTlsServer(target));
                      channel.pipeline().addLast(sslHandler(channel, tls.current()));
                      channel.pipeline().addLast(new TlsHandshake.Client(target, config.tls()));
                    } else {
                      channel.pipeline().addLast(new TlsHandshake.PlaintextClient(target));
                    }
                    channel.pipeline().addLast(handler);
                  }
                });
    ChannelFuture connected = bootstrap.connect(config.host(), config.port());
    open.add(handler);
    connected.channel().closeFuture().addListener(closed -> forget(handler));
    connected.addListener(
        future -> {
          if (!future.isSuccess()) {
            Throwable cause = future.cause();
            handler.fail(
                Status.UNAVAILABLE
                    .withDescription(
                        "cannot connect to " + config.host() + ":" + config.port() + ": " + cause)
                    .withCause(cause));
          }
        });
    return handler;
  }

  private int connectTimeoutMillis() {
    return (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis());
  }

  private synchronized void forget(ClientHandler closed) {
    open.remove(closed);
  }

  /** TLS with SNI and host name verification against the authority (or its override). */
  private SslHandler sslHandler(Channel channel, SslContext context) {
    String host = hostOf(config.authority());
    SslHandler handler = context.newHandler(channel.alloc(), host, config.port());
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
    stopTlsReload();
    detach().forEach(ClientHandler::closeGracefully);
  }

  @Override
  public void shutdownNow() {
    stopTlsReload();
    detach().forEach(ClientHandler::closeNow);
  }

  private void stopTlsReload() {
    if (tls != null) {
      tls.close();
    }
  }

  /** Refuses new calls from now on; returns every connection still open, to close. */
  private synchronized List<ClientHandler> detach() {
    shutdown = true;
    connection = null;
    return List.copyOf(open);
  }
}
