package dev.trunk.internal.client;

import dev.trunk.Interceptor;
import dev.trunk.TlsConfig;
import dev.trunk.internal.client.config.ServiceConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/** A channel's settings, as collected by {@code Channel.Builder}. */
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
    String loadBalancingPolicy) {}
