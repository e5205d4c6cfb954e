package dev.trunk.opentelemetry;

import dev.trunk.Status;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * One method's calls on the debug page: those that ended in the last {@link #SECONDS} seconds, in
 * one slot per second (count, errors, latency buckets), and the count of each status since the page
 * started. Thread-safe; a call's end takes the lock briefly.
 */
final class CallWindow {
  /** How far back the call rate, error rate and percentiles look: one minute, one slot a second. */
  static final int SECONDS = 60;

  private static final long MILLIS_PER_SECOND = 1000;

  private final long[] slotSecond = new long[SECONDS];
  private final long[] calls = new long[SECONDS];
  private final long[] errors = new long[SECONDS];
  private final long[][] latency = new long[SECONDS][LatencyBuckets.COUNT];
  private final Map<Status.Code, Long> statuses = new EnumMap<>(Status.Code.class);

  CallWindow() {
    Arrays.fill(slotSecond, -1);
  }

  /** Counts a call that ended at {@code nowMillis} with {@code code} after {@code nanos}. */
  synchronized void record(long nowMillis, Status.Code code, long nanos) {
    int slot = slotFor(nowMillis / MILLIS_PER_SECOND);
    calls[slot]++;
    if (code != Status.Code.OK) {
      errors[slot]++;
    }
    latency[slot][LatencyBuckets.index(nanos)]++;
    statuses.merge(code, 1L, Long::sum);
  }

  /** The calls of the last {@link #SECONDS} seconds before {@code nowMillis}. */
  synchronized Snapshot snapshot(long nowMillis) {
    long oldest = nowMillis / MILLIS_PER_SECOND - SECONDS + 1;
    long callCount = 0;
    long errorCount = 0;
    long[] buckets = new long[LatencyBuckets.COUNT];
    for (int slot = 0; slot < SECONDS; slot++) {
      if (slotSecond[slot] < oldest) {
        continue;
      }
      callCount += calls[slot];
      errorCount += errors[slot];
      for (int i = 0; i < buckets.length; i++) {
        buckets[i] += latency[slot][i];
      }
    }
    return new Snapshot(
        callCount,
        errorCount,
        LatencyBuckets.percentileMillis(buckets, 0.50),
        LatencyBuckets.percentileMillis(buckets, 0.99),
        new EnumMap<>(statuses));
  }

  /** The slot of {@code second}, emptied first if it last held an older second. */
  private int slotFor(long second) {
    int slot = (int) Math.floorMod(second, (long) SECONDS);
    if (slotSecond[slot] != second) {
      slotSecond[slot] = second;
      calls[slot] = 0;
      errors[slot] = 0;
      Arrays.fill(latency[slot], 0);
    }
    return slot;
  }

  /**
   * A method's calls over the window.
   *
   * @param calls calls that ended in the window
   * @param errors of those, the ones that did not end OK
   * @param p50Millis the median latency (a bucket bound), 0 without calls
   * @param p99Millis the 99th percentile latency (a bucket bound), 0 without calls
   * @param statuses calls since the page started, by status
   */
  record Snapshot(
      long calls,
      long errors,
      double p50Millis,
      double p99Millis,
      Map<Status.Code, Long> statuses) {
    /** Calls per second over the window. */
    double callsPerSecond() {
      return (double) calls / SECONDS;
    }

    /** The share of calls that failed, 0 without calls. */
    double errorRatio() {
      return calls == 0 ? 0 : (double) errors / calls;
    }
  }
}
