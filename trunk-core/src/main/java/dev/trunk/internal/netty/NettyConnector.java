package dev.trunk.internal.netty;

import dev.trunk.TlsConfig;
import dev.trunk.internal.client.ChannelConfig;
import dev.trunk.internal.client.EndpointTransport;
import io.netty.util.AsciiString;
import java.util.concurrent.ScheduledExecutorService;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * What all connections of one channel share: the TLS context (reloaded from files), the keepalive
 * time (doubled for every later connection after a "too_many_pings" GOAWAY) and the request header
 * values. Makes one {@link NettyClientTransport} per subchannel ({@link Http1ClientTransport} for
 * HTTP/1.1).
 */
public final class NettyConnector implements EndpointTransport.Factory {
  /** Trunk's user-agent product token (PROTOCOL-HTTP2.md: grpc-java/1.2.3 style). */
  static final String USER_AGENT = "trunk-java/0.1.0";

  final ChannelConfig config;
  final @Nullable TlsSource tls;
  final AsciiString scheme;
  final AsciiString authority;
  final AsciiString userAgent;
  final ClientKeepAlive keepAlive;

  /**
   * @throws IllegalArgumentException if the TLS configuration cannot be used
   */
  public NettyConnector(ChannelConfig config) {
    this.config = config;
    TlsConfig tlsConfig = config.tls();
    try {
      this.tls = tlsConfig == null ? null : TlsSource.forClient(tlsConfig, config.http1());
    } catch (SSLException e) {
      throw new IllegalArgumentException("invalid TLS configuration: " + e.getMessage(), e);
    }
    this.scheme = tls == null ? GrpcHeaders.HTTP : GrpcHeaders.HTTPS;
    this.authority = AsciiString.of(config.authority());
    String prefix = config.userAgent();
    this.userAgent = AsciiString.of(prefix == null ? USER_AGENT : prefix + " " + USER_AGENT);
    this.keepAlive = new ClientKeepAlive(config.keepAlive(), config.target());
  }

  /** The scheduler of client timers: the client event loops. */
  public static ScheduledExecutorService scheduler() {
    return EventLoops.clientGroup();
  }

  @Override
  public EndpointTransport newTransport(EndpointTransport.Events events) {
    return config.http1()
        ? new Http1ClientTransport(this, events)
        : new NettyClientTransport(this, events);
  }

  @Override
  public void close() {
    if (tls != null) {
      tls.close();
    }
  }
}
