package dev.trunk.internal.client.config;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * One {@code methodConfig} entry of a service config (gRFC A2, A6), without its names. Null fields
 * were not given. {@code retryPolicy} and {@code hedgingPolicy} are never both set.
 */
public record MethodConfig(
    @Nullable Duration timeout,
    @Nullable Boolean waitForReady,
    @Nullable Integer maxRequestMessageBytes,
    @Nullable Integer maxResponseMessageBytes,
    @Nullable RetryPolicy retryPolicy,
    @Nullable HedgingPolicy hedgingPolicy) {
  /** The config of a method the service config does not mention. */
  public static final MethodConfig NONE = new MethodConfig(null, null, null, null, null, null);
}
