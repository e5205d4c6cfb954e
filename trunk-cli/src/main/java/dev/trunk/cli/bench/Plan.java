package dev.trunk.cli.bench;

import dev.trunk.Channel;
import dev.trunk.cli.CliException;
import dev.trunk.cli.ExitCode;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The shape of a run from the flags: closed loop ({@code --concurrency}, or concurrency stages) or
 * open loop ({@code --rps}, or rate stages), bounded by {@code --duration}, {@code --total} or the
 * stages' length.
 */
record Plan(
    @Nullable Integer concurrency,
    @Nullable Double rps,
    List<Stage> stages,
    @Nullable Duration duration,
    @Nullable Long total) {

  /** Whether calls start at a rate (open loop) rather than when earlier ones end. */
  boolean open() {
    return rps != null || (!stages.isEmpty() && stages.get(0).rate());
  }

  /**
   * Checks that the flags fit together.
   *
   * @throws CliException ({@link ExitCode#USAGE}) naming the flags that do not
   */
  void check() {
    require(concurrency == null || concurrency >= 1, "--concurrency must be at least 1");
    require(rps == null || rps > 0, "--rps must be above 0");
    require(total == null || total >= 1, "--total must be at least 1");
    require(
        rps == null || concurrency == null,
        "--concurrency is for the closed loop; with --rps calls start at the rate");
    for (Stage stage : stages) {
      require(
          stage.rate() == stages.get(0).rate(),
          "--stage targets must all be rates (30s:100rps) or all concurrencies (30s:50)");
    }
    require(
        stages.isEmpty() || open() || rps == null,
        "concurrency stages are for the closed loop: drop --rps");
    require(
        stages.isEmpty() || !open() || concurrency == null,
        "rate stages are for the open loop: drop --concurrency");
    require(
        stages.isEmpty() || duration == null,
        "--stage sets the length of the run: drop --duration");
  }

  /** The target over time: constant, or ramped from the flag's value (or 0) through the stages. */
  Schedule schedule() {
    double base = open() ? (rps == null ? 0 : rps) : closedConcurrency();
    if (!stages.isEmpty()) {
      return Schedule.staged(open() || concurrency != null ? base : 0, stages);
    }
    Duration length =
        duration != null ? duration : total != null ? null : BenchCommand.DEFAULT_DURATION;
    return Schedule.constant(base, length);
  }

  /** The load this plan describes, recording into {@code stats}. */
  Load load(List<Channel> channels, Caller caller, Stats stats) {
    long calls = total == null ? Long.MAX_VALUE : total;
    if (open()) {
      return new OpenLoop(channels, caller, stats, schedule(), calls);
    }
    return new ClosedLoop(channels, caller, stats, schedule(), calls, slots());
  }

  /** An unmeasured run of {@code length} at this plan's first target. */
  Plan warmup(Duration length) {
    if (stages.isEmpty()) {
      return new Plan(concurrency, rps, List.of(), length, null);
    }
    double first = stages.get(0).target();
    return open()
        ? new Plan(null, first, List.of(), length, null)
        : new Plan((int) first, null, List.of(), length, null);
  }

  private int closedConcurrency() {
    return concurrency != null ? concurrency : BenchCommand.DEFAULT_CONCURRENCY;
  }

  /** The closed loop's slots: the largest concurrency the run reaches. */
  private int slots() {
    double most = stages.isEmpty() || concurrency != null ? closedConcurrency() : 1;
    for (Stage stage : stages) {
      most = Math.max(most, stage.target());
    }
    return (int) most;
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new CliException(ExitCode.USAGE, message);
    }
  }
}
