package dev.trunk.internal.client;

import dev.trunk.Channel;
import dev.trunk.EventListener;
import dev.trunk.Interceptor;
import dev.trunk.TlsConfig;
import dev.trunk.internal.client.config.ServiceConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * A channel's settings, as collected by {@code Channel.Builder}; {@code protocol} and {@code http1}
 * choose the wire protocol and HTTP version of its connections, and {@code http1MaxConnections}
 * bounds the HTTP/1.1 connections to one endpoint; {@code events} is the installed event listeners
 * as one ({@link EventListener#NONE} when none is).
 */
public record ChannelConfig(
    String target,
    String authority,
    @Nullable TlsConfig tls,
    List<Interceptor> interceptors,
    int maxInboundMessageSize,
    int maxHeaderListSize,
    @Nullable String userAgent,
    @Nullable Executor callbackExecutor,
    Duration connectTimeout,
    int maxWaitingCalls,
    long maxBufferedBytesPerConnection,
    KeepAliveConfig keepAlive,
    @Nullable ServiceConfig defaultServiceConfig,
    Duration idleTimeout,
    Duration initialBackoff,
    String loadBalancingPolicy,
    Channel.Protocol protocol,
    boolean http1,
    int http1MaxConnections,
    EventListener events) {

  /**
   * Default {@code http1MaxConnections}: HTTP/1.1 connections to one endpoint, each carrying one
   * call at a time; more calls wait. RFC 9112 section 9.4 asks clients to limit their simultaneous
   * connections to a server; browsers keep 6 per origin, but a server-to-server client has more
   * concurrent calls, and HTTP/2 servers commonly allow 100 concurrent streams (RFC 9113 section
   * 5.1.2's recommended minimum). 32 keeps the server's and our file descriptors and TLS sessions
   * bounded while letting that many calls run in parallel.
   */
  public static final int DEFAULT_HTTP1_MAX_CONNECTIONS = 32;

  /** Settings for gRPC over HTTP/2, the default protocol. */
  public ChannelConfig(
      String target,
      String authority,
      @Nullable TlsConfig tls,
      List<Interceptor> interceptors,
      int maxInboundMessageSize,
      int maxHeaderListSize,
      @Nullable String userAgent,
      @Nullable Executor callbackExecutor,
      Duration connectTimeout,
      int maxWaitingCalls,
      long maxBufferedBytesPerConnection,
      KeepAliveConfig keepAlive,
      @Nullable ServiceConfig defaultServiceConfig,
      Duration idleTimeout,
      Duration initialBackoff,
      String loadBalancingPolicy) {
    this(
        target,
        authority,
        tls,
        interceptors,
        maxInboundMessageSize,
        maxHeaderListSize,
        userAgent,
        callbackExecutor,
        connectTimeout,
        maxWaitingCalls,
        maxBufferedBytesPerConnection,
        keepAlive,
        defaultServiceConfig,
        idleTimeout,
        initialBackoff,
        loadBalancingPolicy,
        Channel.Protocol.GRPC,
        false,
        DEFAULT_HTTP1_MAX_CONNECTIONS,
        EventListener.NONE);
  }
}
