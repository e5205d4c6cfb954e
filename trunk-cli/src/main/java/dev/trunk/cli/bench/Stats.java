package dev.trunk.cli.bench;

import dev.trunk.Status;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.jspecify.annotations.Nullable;

/**
 * What a run has measured so far: every ended call's latency and status code, and the open loop's
 * calls that could not start. Calls record from any thread without locks (HdrHistogram's {@link
 * Recorder}); one reader at a time folds the recorded values into the run's histogram.
 */
final class Stats {
  /**
   * Decimal digits of precision the latency histogram keeps (values within 0.1 %): HdrHistogram's
   * usual setting, as ghz's and wrk2's reports use.
   */
  static final int SIGNIFICANT_DIGITS = 3;

  private static final int CODES = Status.Code.values().length;

  private final Recorder recorder = new Recorder(SIGNIFICANT_DIGITS);
  private final AtomicLongArray codes = new AtomicLongArray(CODES);
  private final AtomicLong notStarted = new AtomicLong();
  private final Histogram cumulative = new Histogram(SIGNIFICANT_DIGITS);
  private @Nullable Histogram interval;

  /** Records a call that ended with {@code code} after {@code latencyNanos}. */
  void record(long latencyNanos, Status.Code code) {
    recorder.recordValue(Math.max(1, latencyNanos));
    codes.incrementAndGet(code.ordinal());
  }

  /** Counts an open-loop call that could not start: too many calls were in flight. */
  void notStarted() {
    notStarted.incrementAndGet();
  }

  /**
   * Folds the values recorded since the last call into the run's histogram and returns them (the
   * returned histogram is reused by the next call).
   */
  synchronized Histogram interval() {
    Histogram latest = recorder.getIntervalHistogram(interval);
    cumulative.add(latest);
    interval = latest;
    return latest;
  }

  /** A copy of every latency recorded so far. */
  synchronized Histogram cumulative() {
    interval();
    return cumulative.copy();
  }

  /** The number of open-loop calls that could not start. */
  long notStartedCount() {
    return notStarted.get();
  }

  /** The number of calls that ended with a status other than OK. */
  long failed() {
    long failed = 0;
    for (int i = 0; i < CODES; i++) {
      failed += i == Status.Code.OK.ordinal() ? 0 : codes.get(i);
    }
    return failed;
  }

  /** The result of a run that took {@code elapsedNanos}. */
  Result result(long elapsedNanos) {
    long[] counts = new long[CODES];
    for (int i = 0; i < CODES; i++) {
      counts[i] = codes.get(i);
    }
    return new Result(cumulative(), counts, notStarted.get(), elapsedNanos);
  }
}
