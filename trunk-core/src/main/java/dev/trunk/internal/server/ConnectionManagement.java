package dev.trunk.internal.server;

import dev.trunk.Server;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * How a server manages its connections (gRFC A9, and the ping enforcement of gRFC A8), as collected
 * by {@code Server.Builder}. Durations are in nanoseconds; {@link #INFINITE} turns the timer off.
 *
 * @param keepAliveTimeNanos how long nothing may be read before the server sends a PING
 * @param keepAliveTimeoutNanos how long after that PING nothing may be read before the connection
 *     is closed
 * @param permitKeepAliveTimeNanos the shortest interval between client PINGs that is not a strike
 * @param permitKeepAliveWithoutCalls whether clients may ping at that rate without calls in
 *     progress
 * @param maxConnectionIdleNanos how long a connection may have no calls before a graceful GOAWAY
 * @param maxConnectionAgeNanos how old a connection may grow (jittered) before a graceful GOAWAY
 * @param maxConnectionAgeGraceNanos how long calls may run after that GOAWAY before being cancelled
 * @param handshakeTimeoutNanos how long a new connection has for TLS, the preface and SETTINGS
 */
public record ConnectionManagement(
    long keepAliveTimeNanos,
    long keepAliveTimeoutNanos,
    long permitKeepAliveTimeNanos,
    boolean permitKeepAliveWithoutCalls,
    long maxConnectionIdleNanos,
    long maxConnectionAgeNanos,
    long maxConnectionAgeGraceNanos,
    long handshakeTimeoutNanos) {

  /** A duration meaning infinite: the timer is never started. */
  public static final long INFINITE = Long.MAX_VALUE;

  /** The defaults of {@code Server.Builder}. */
  public static ConnectionManagement defaults() {
    return new ConnectionManagement(
        nanos(Server.Builder.DEFAULT_KEEPALIVE_TIME),
        nanos(Server.Builder.DEFAULT_KEEPALIVE_TIMEOUT),
        nanos(Server.Builder.DEFAULT_PERMIT_KEEPALIVE_TIME),
        Server.Builder.DEFAULT_PERMIT_KEEPALIVE_WITHOUT_CALLS,
        nanos(Server.Builder.DEFAULT_MAX_CONNECTION_IDLE),
        nanos(Server.Builder.DEFAULT_MAX_CONNECTION_AGE),
        nanos(Server.Builder.DEFAULT_MAX_CONNECTION_AGE_GRACE),
        nanos(Server.Builder.DEFAULT_HANDSHAKE_TIMEOUT));
  }

  /** Nanoseconds of {@code duration}; durations too long for a {@code long} are infinite. */
  private static long nanos(Duration duration) {
    return TimeUnit.NANOSECONDS.convert(duration);
  }
}
