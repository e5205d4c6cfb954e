package dev.trunk.internal.client;

import dev.trunk.Channel;
import dev.trunk.Interceptor;
import dev.trunk.TlsConfig;
import dev.trunk.internal.client.config.ServiceConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * A channel's settings, as collected by {@code Channel.Builder}; {@code protocol} and {@code http1}
 * choose the wire protocol and HTTP version of its connections.
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
    boolean http1) {

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
        false);
  }
}
