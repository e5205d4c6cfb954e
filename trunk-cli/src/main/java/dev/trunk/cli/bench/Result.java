package dev.trunk.cli.bench;

import dev.trunk.Status;
import org.HdrHistogram.Histogram;

/**
 * What a finished run measured.
 *
 * @param latency every ended call's latency in nanoseconds (failed calls too, as k6 and ghz count
 *     them), from its start, or in the open loop from its intended start
 * @param codes how many calls ended with each status code, indexed by {@link Status.Code#ordinal}
 * @param notStarted open-loop calls that could not start because too many were in flight
 * @param elapsedNanos from the first call's start to the last call's end
 */
record Result(Histogram latency, long[] codes, long notStarted, long elapsedNanos) {
  /** Calls that ended, with any status. */
  long ended() {
    long ended = 0;
    for (long count : codes) {
      ended += count;
    }
    return ended;
  }

  /** Calls that ended with {@code code}. */
  long count(Status.Code code) {
    return codes[code.ordinal()];
  }

  /** Ended calls per second of the run. */
  double rate() {
    return elapsedNanos == 0 ? 0 : ended() * 1e9 / elapsedNanos;
  }

  /**
   * The share of calls, between 0 and 1, that failed or could not start, of all the calls the run
   * meant to make.
   */
  double errorRate() {
    long attempted = ended() + notStarted;
    long bad = ended() - count(Status.Code.OK) + notStarted;
    return attempted == 0 ? 0 : (double) bad / attempted;
  }

  /** The latency at {@code percentile} (0..100) in nanoseconds; 0 if no call ended. */
  long percentile(double percentile) {
    return latency.getValueAtPercentile(percentile);
  }
}
