package dev.trunk.internal.client;

/**
 * A channel's keepalive settings (gRFC A8), as collected by {@code Channel.Builder}. Durations are
 * in nanoseconds; {@link #OFF_NANOS} means infinite.
 *
 * @param timeNanos how long nothing may be read before a PING is sent; {@link #OFF_NANOS}: no
 *     keepalive
 * @param timeoutNanos how long after a PING nothing may be read before the connection is closed
 * @param withoutCalls whether connections without calls in progress are pinged too
 */
public record KeepAliveConfig(long timeNanos, long timeoutNanos, boolean withoutCalls) {
  /** A duration meaning infinite: the timer is never started. */
  public static final long OFF_NANOS = Long.MAX_VALUE;

  /** Keepalive off. */
  public static final KeepAliveConfig OFF = new KeepAliveConfig(OFF_NANOS, OFF_NANOS, false);

  /** Whether keepalive PINGs are sent at all. */
  public boolean enabled() {
    return timeNanos != OFF_NANOS;
  }
}
