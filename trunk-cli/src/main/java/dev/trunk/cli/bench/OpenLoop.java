package dev.trunk.cli.bench;

import dev.trunk.Channel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The open loop: calls start at the schedule's rate whether or not earlier ones have ended, spread
 * round-robin over the channels. Each call's latency runs from its intended start, so a server that
 * falls behind shows in the latency (no coordinated omission). A call due while {@link
 * #MAX_IN_FLIGHT} calls are in flight does not start and counts as not started.
 */
final class OpenLoop extends Load {
  /**
   * The most calls in flight at once, so that a slow server cannot make the run hold unbounded
   * memory: the number of calls a Trunk channel queues while it connects ({@code
   * Channel.Builder.DEFAULT_MAX_WAITING_CALLS}).
   */
  static final int MAX_IN_FLIGHT = Channel.Builder.DEFAULT_MAX_WAITING_CALLS;

  /** While the target rate is zero, how far the schedule is stepped before it is read again. */
  static final long IDLE_STEP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  OpenLoop(List<Channel> channels, Caller caller, Stats stats, Schedule schedule, long total) {
    super(channels, caller, stats, schedule, total);
  }

  @Override
  void issue() {
    long start = System.nanoTime();
    long length = schedule.lengthNanos();
    long intended = start;
    long index = 0;
    while (intended - start < length) {
      double rate = schedule.target(intended - start);
      if (rate <= 0) {
        intended += IDLE_STEP_NANOS;
        continue;
      }
      if (!takeCall()) {
        return;
      }
      sleepUntil(intended);
      start(intended, channels.get((int) (index++ % channels.size())));
      intended += (long) (1e9 / rate);
    }
  }

  private void start(long intended, Channel channel) {
    if (inFlight() >= MAX_IN_FLIGHT) {
      stats.notStarted();
      return;
    }
    if (!enter()) {
      return;
    }
    caller.start(
        channel,
        code -> {
          stats.record(System.nanoTime() - intended, code);
          exit();
        });
  }

  private static void sleepUntil(long deadline) {
    for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }
}
