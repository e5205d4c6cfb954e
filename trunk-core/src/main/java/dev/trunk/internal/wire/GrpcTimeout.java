package dev.trunk.internal.wire;

import java.util.concurrent.TimeUnit;

/**
 * The {@code grpc-timeout} header: at most {@value #MAX_DIGITS} ASCII digits followed by a unit
 * (PROTOCOL-HTTP2.md, "Timeout → TimeoutValue TimeoutUnit").
 */
public final class GrpcTimeout {
  /** PROTOCOL-HTTP2.md: "TimeoutValue → {positive integer as ASCII string of at most 8 digits}". */
  public static final int MAX_DIGITS = 8;

  private static final long MAX_VALUE = 99_999_999L;
  private static final char[] UNITS = {'n', 'u', 'm', 'S', 'M', 'H'};
  private static final long[] UNIT_NANOS = {
    1L,
    TimeUnit.MICROSECONDS.toNanos(1),
    TimeUnit.MILLISECONDS.toNanos(1),
    TimeUnit.SECONDS.toNanos(1),
    TimeUnit.MINUTES.toNanos(1),
    TimeUnit.HOURS.toNanos(1)
  };

  private GrpcTimeout() {}

  /**
   * Encodes a timeout in the finest unit whose value fits in eight digits, rounding up so the
   * server never sees a shorter timeout than the client's. A non-positive timeout encodes as 1n.
   */
  public static String encode(long nanos) {
    if (nanos <= 0) {
      return "1n";
    }
    for (int i = 0; i < UNITS.length; i++) {
      long value = ceilDiv(nanos, UNIT_NANOS[i]);
      if (value <= MAX_VALUE) {
        return Long.toString(value) + UNITS[i];
      }
    }
    return MAX_VALUE + "H";
  }

  /**
   * Parses a header value to nanoseconds, saturating at {@link Long#MAX_VALUE}.
   *
   * @throws IllegalArgumentException if the value is not 1 to 8 digits followed by H, M, S, m, u or
   *     n
   */
  public static long parseNanos(CharSequence value) {
    int length = value.length();
    if (length < 2 || length > MAX_DIGITS + 1) {
      throw invalid(value);
    }
    long amount = 0;
    for (int i = 0; i < length - 1; i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        throw invalid(value);
      }
      amount = amount * 10 + (c - '0');
    }
    return saturatedMultiply(amount, unitNanos(value.charAt(length - 1), value));
  }

  private static long unitNanos(char unit, CharSequence value) {
    for (int i = 0; i < UNITS.length; i++) {
      if (UNITS[i] == unit) {
        return UNIT_NANOS[i];
      }
    }
    throw invalid(value);
  }

  private static long saturatedMultiply(long a, long b) {
    long high = Math.multiplyHigh(a, b);
    long product = a * b;
    return high != 0 || product < 0 ? Long.MAX_VALUE : product;
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }

  private static IllegalArgumentException invalid(CharSequence value) {
    return new IllegalArgumentException(
        "invalid grpc-timeout '"
            + value
            + "': expected 1 to "
            + MAX_DIGITS
            + " digits followed by one of H M S m u n");
  }
}
