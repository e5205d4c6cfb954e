package dev.trunk.cli.bench;

import dev.trunk.Channel;
import dev.trunk.Status;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The closed loop: a number of call slots (the concurrency), each starting its next call when the
 * last one ends, spread round-robin over the channels. With concurrency stages the number of active
 * slots follows the schedule; a slot above it parks after its call ends, and wakes when the target
 * grows again.
 */
final class ClosedLoop extends Load {
  /**
   * How often the active slots follow the schedule and the run's end is checked: a ramp moves in
   * steps of a tenth of a second, fine enough for stages of seconds.
   */
  static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final AtomicBoolean[] parked;
  private volatile int active;

  /** At most {@code slots} calls in flight (the schedule's largest target). */
  ClosedLoop(
      List<Channel> channels,
      Caller caller,
      Stats stats,
      Schedule schedule,
      long total,
      int slots) {
    super(channels, caller, stats, schedule, total);
    parked = new AtomicBoolean[slots];
    for (int i = 0; i < slots; i++) {
      parked[i] = new AtomicBoolean(true);
    }
  }

  @Override
  void issue() {
    long start = System.nanoTime();
    long length = schedule.lengthNanos();
    while (!finished()) {
      long elapsed = System.nanoTime() - start;
      if (elapsed >= length) {
        return;
      }
      active = (int) Math.min(parked.length, Math.ceil(schedule.target(elapsed)));
      for (int slot = 0; slot < active; slot++) {
        if (parked[slot].compareAndSet(true, false)) {
          next(slot);
        }
      }
      LockSupport.parkNanos(Math.min(TICK_NANOS, length - elapsed));
    }
  }

  /** Starts the next call of {@code slot}, which the caller owns (not parked). */
  private void next(int slot) {
    if (slot >= active || finished()) {
      parked[slot].set(true);
      return;
    }
    if (!takeCall()) {
      parked[slot].set(true);
      finish();
      return;
    }
    if (!enter()) {
      parked[slot].set(true);
      return;
    }
    long begin = System.nanoTime();
    caller.start(channels.get(slot % channels.size()), code -> ended(slot, begin, code));
  }

  private void ended(int slot, long begin, Status.Code code) {
    stats.record(System.nanoTime() - begin, code);
    exit();
    if (code == Status.Code.OK) {
      next(slot);
    } else {
      // A call can fail before it starts, on this thread: continue on another, never recurse.
      Thread.startVirtualThread(() -> next(slot));
    }
  }
}
