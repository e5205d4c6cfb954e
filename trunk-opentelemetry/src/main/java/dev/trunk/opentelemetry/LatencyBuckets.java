package dev.trunk.opentelemetry;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The debug page's fixed latency buckets: 1-2-5 steps from 0.1 ms to 100 s, the range of gRFC A66's
 * {@code grpc.server.call.duration} buckets, plus one bucket for anything longer. A percentile is
 * reported as the upper bound of the bucket it falls in, which is coarse (a factor of 2.5 at most)
 * but enough to tell a 2 ms method from a 200 ms one.
 */
final class LatencyBuckets {
  /** A66's smallest and largest latency bucket bounds: 0.1 ms and 100 s. */
  private static final long SMALLEST_NANOS = TimeUnit.MICROSECONDS.toNanos(100);

  private static final long LARGEST_NANOS = TimeUnit.SECONDS.toNanos(100);

  /** Upper bounds of the buckets, in nanoseconds; one more bucket holds what is above the last. */
  private static final long[] BOUNDS_NANOS = bounds();

  /** The number of buckets, the overflow bucket included. */
  static final int COUNT = BOUNDS_NANOS.length + 1;

  private LatencyBuckets() {}

  /** The bucket of a call that took {@code nanos}. */
  static int index(long nanos) {
    for (int i = 0; i < BOUNDS_NANOS.length; i++) {
      if (nanos <= BOUNDS_NANOS[i]) {
        return i;
      }
    }
    return BOUNDS_NANOS.length;
  }

  /**
   * The upper bound, in milliseconds, of the bucket holding the {@code quantile} (0..1) of the
   * calls counted in {@code counts}; 0 if there are none, infinity if it is the overflow bucket.
   */
  static double percentileMillis(long[] counts, double quantile) {
    long total = 0;
    for (long count : counts) {
      total += count;
    }
    if (total == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(quantile * total));
    long seen = 0;
    for (int i = 0; i < BOUNDS_NANOS.length; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return BOUNDS_NANOS[i] / 1e6;
      }
    }
    return Double.POSITIVE_INFINITY;
  }

  private static long[] bounds() {
    long[] steps = {1, 2, 5};
    List<Long> bounds = new ArrayList<>();
    for (long decade = SMALLEST_NANOS; decade <= LARGEST_NANOS; decade *= 10) {
      for (long step : steps) {
        if (decade * step <= LARGEST_NANOS) {
          bounds.add(decade * step);
        }
      }
    }
    return bounds.stream().mapToLong(Long::longValue).toArray();
  }
}
