package dev.trunk;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * A point in time by which a call must finish, measured on the monotonic clock ({@link
 * System#nanoTime()}).
 *
 * <p>Immutable and thread-safe. A client sends the time left as {@code grpc-timeout}; the server
 * turns it back into a deadline when the headers arrive.
 *
 * <pre>{@code
 * Deadline deadline = Deadline.after(Duration.ofSeconds(2));
 * }</pre>
 */
public final class Deadline implements Comparable<Deadline> {
  private final long nanoTime;

  private Deadline(long nanoTime) {
    this.nanoTime = nanoTime;
  }

  /** The deadline {@code timeout} from now; durations too long to represent are capped. */
  public static Deadline after(Duration timeout) {
    requireNonNull(timeout, "timeout");
    long nanos;
    try {
      nanos = timeout.toNanos();
    } catch (ArithmeticException tooLong) {
      nanos = timeout.isNegative() ? Long.MIN_VALUE / 2 : Long.MAX_VALUE / 2;
    }
    return afterNanos(nanos);
  }

  /** The deadline {@code nanos} nanoseconds from now. */
  public static Deadline afterNanos(long nanos) {
    long now = System.nanoTime();
    long clamped = Math.max(Math.min(nanos, Long.MAX_VALUE / 2), Long.MIN_VALUE / 2);
    return new Deadline(now + clamped);
  }

  /** Nanoseconds left; zero or negative once expired. */
  public long remainingNanos() {
    return nanoTime - System.nanoTime();
  }

  /** Time left; zero or negative once expired. */
  public Duration remaining() {
    return Duration.ofNanos(remainingNanos());
  }

  public boolean isExpired() {
    return remainingNanos() <= 0;
  }

  /** The earlier of this and {@code other}. */
  public Deadline min(Deadline other) {
    return compareTo(other) <= 0 ? this : other;
  }

  @Override
  public int compareTo(Deadline other) {
    return Long.compare(nanoTime - other.nanoTime, 0);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Deadline that && that.nanoTime == nanoTime;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(nanoTime);
  }

  @Override
  public String toString() {
    return "Deadline(" + remaining() + " from now)";
  }
}
