package dev.trunk.internal.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The delay between connection attempts, as gRPC's connection-backoff.md defines it: the first
 * retry {@link #INITIAL_BACKOFF} after the first attempt started, each later one {@link
 * #MULTIPLIER} times longer, up to {@link #MAX_BACKOFF}, jittered by ±{@link #JITTER}. A connection
 * that became READY resets it. Confined to the control context.
 */
public final class ConnectionBackoff {
  /** connection-backoff.md INITIAL_BACKOFF. */
  public static final Duration INITIAL_BACKOFF = Duration.ofSeconds(1);

  /** connection-backoff.md MULTIPLIER. */
  public static final double MULTIPLIER = 1.6;

  /** connection-backoff.md JITTER: each delay is randomly up to 20 % shorter or longer. */
  public static final double JITTER = 0.2;

  /** connection-backoff.md MAX_BACKOFF. */
  public static final Duration MAX_BACKOFF = Duration.ofSeconds(120);

  private final long initialNanos;
  private final long maxNanos;
  private long nextNanos;
  private boolean first = true;

  ConnectionBackoff() {
    this(INITIAL_BACKOFF, MAX_BACKOFF);
  }

  /** A backoff with other bounds, for tests that cannot wait seconds. */
  ConnectionBackoff(Duration initial, Duration max) {
    this.initialNanos = initial.toNanos();
    this.maxNanos = max.toNanos();
    this.nextNanos = initialNanos;
  }

  /** How long to wait after the failed attempt before the next one. */
  long nextDelayNanos() {
    if (first) {
      // The first retry waits INITIAL_BACKOFF exactly (connection-backoff.md's pseudo code).
      first = false;
      return initialNanos;
    }
    nextNanos = Math.min((long) (nextNanos * MULTIPLIER), maxNanos);
    double jitter = ThreadLocalRandom.current().nextDouble(-JITTER, JITTER);
    return (long) (nextNanos * (1 + jitter));
  }

  /** A connection succeeded: the next failure starts over. */
  void reset() {
    first = true;
    nextNanos = initialNanos;
  }
}
