package dev.trunk.cli.bench;

import dev.trunk.Channel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A run of calls on a set of channels, closed loop ({@link ClosedLoop}) or open loop ({@link
 * OpenLoop}), bounded by its schedule's length, a number of calls, or both. Keeps count of the
 * calls in flight so that the run ends when the last one does.
 */
abstract class Load {
  /**
   * How long the calls in flight at the end of a timed run may take to finish before they are
   * cancelled: k6's default {@code gracefulStop}.
   */
  static final Duration GRACEFUL_STOP = Duration.ofSeconds(30);

  /** How long cancelled calls may take to end before the result is taken without them. */
  static final Duration CANCEL_WAIT = Duration.ofSeconds(5);

  final List<Channel> channels;
  final Caller caller;
  final Stats stats;
  final Schedule schedule;
  private final AtomicLong callsLeft;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final CountDownLatch drained = new CountDownLatch(1);
  private volatile boolean finished;

  /** A load of at most {@code total} calls ({@link Long#MAX_VALUE}: no limit). */
  Load(List<Channel> channels, Caller caller, Stats stats, Schedule schedule, long total) {
    if (channels.isEmpty()) {
      throw new IllegalArgumentException("no channels");
    }
    this.channels = List.copyOf(channels);
    this.caller = caller;
    this.stats = stats;
    this.schedule = schedule;
    this.callsLeft = new AtomicLong(total);
  }

  /** Starts calls until the schedule ends or the calls run out; returns when no more will start. */
  abstract void issue() throws InterruptedException;

  /**
   * Runs the load: issues the calls, waits for those in flight (cancelling them after {@link
   * #GRACEFUL_STOP} if the run is timed) and returns what it measured.
   */
  final Result run() throws InterruptedException {
    long start = System.nanoTime();
    issue();
    finish();
    boolean timed = schedule.lengthNanos() != Long.MAX_VALUE;
    if (!(timed ? awaitDrained(GRACEFUL_STOP) : awaitDrained())) {
      channels.forEach(Channel::shutdownNow);
      awaitDrained(CANCEL_WAIT);
    }
    return stats.result(System.nanoTime() - start);
  }

  /** Takes one call from the run's count; false once the count is used up. */
  final boolean takeCall() {
    return callsLeft.getAndDecrement() > 0;
  }

  /** Enters a call about to start; false (and nothing entered) once the load has finished. */
  final boolean enter() {
    inFlight.incrementAndGet();
    if (finished) {
      exit();
      return false;
    }
    return true;
  }

  /** Leaves a call that has ended. */
  final void exit() {
    if (inFlight.decrementAndGet() == 0 && finished) {
      drained.countDown();
    }
  }

  /** No more calls start. */
  final void finish() {
    finished = true;
    if (inFlight.get() == 0) {
      drained.countDown();
    }
  }

  final boolean finished() {
    return finished;
  }

  final int inFlight() {
    return inFlight.get();
  }

  private boolean awaitDrained(Duration timeout) throws InterruptedException {
    return drained.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  private boolean awaitDrained() throws InterruptedException {
    drained.await();
    return true;
  }
}
