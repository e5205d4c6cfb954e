package dev.trunk.cli.bench;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The target (a rate in calls/s, or a concurrency) over the time of a run: constant, or ramped
 * through {@link Stage}s, each moving linearly from the previous target to its own.
 */
final class Schedule {
  private final double start;
  private final List<Stage> stages;
  private final long lengthNanos;

  private Schedule(double start, List<Stage> stages, long lengthNanos) {
    this.start = start;
    this.stages = List.copyOf(stages);
    this.lengthNanos = lengthNanos;
  }

  /** {@code target} for {@code length} (null: until the run's call count is reached). */
  static Schedule constant(double target, @Nullable Duration length) {
    return new Schedule(target, List.of(), length == null ? Long.MAX_VALUE : length.toNanos());
  }

  /** Ramps from {@code start} through {@code stages}; the run lasts as long as they do. */
  static Schedule staged(double start, List<Stage> stages) {
    long length = 0;
    for (Stage stage : stages) {
      length = Math.addExact(length, stage.length().toNanos());
    }
    return new Schedule(start, stages, length);
  }

  /** How long the run lasts, in nanoseconds; {@link Long#MAX_VALUE} if unbounded in time. */
  long lengthNanos() {
    return lengthNanos;
  }

  /** The target {@code elapsed} nanoseconds into the run. */
  double target(long elapsed) {
    double from = start;
    long stageStart = 0;
    for (Stage stage : stages) {
      long length = stage.length().toNanos();
      if (elapsed < stageStart + length) {
        double progress = (double) (elapsed - stageStart) / length;
        return from + (stage.target() - from) * progress;
      }
      from = stage.target();
      stageStart += length;
    }
    return from;
  }
}
