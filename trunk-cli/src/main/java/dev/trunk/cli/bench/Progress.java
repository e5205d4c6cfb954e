package dev.trunk.cli.bench;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The live progress line, once a second on standard error: the last second's calls/s, the errors so
 * far, and the p50 and p99 latency so far. On a terminal the line is rewritten in place with a
 * carriage return; elsewhere each second gets its own line, without control characters.
 */
final class Progress implements AutoCloseable {
  /** How often the line is printed. */
  static final long PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Stats stats;
  private final PrintWriter err;
  private final boolean terminal;
  private final Thread thread;
  private final long start = System.nanoTime();
  private int lastLength;

  private Progress(Stats stats, PrintWriter err, boolean terminal) {
    this.stats = stats;
    this.err = err;
    this.terminal = terminal;
    this.thread = Thread.ofPlatform().daemon().name("trunk-bench-progress").unstarted(this::loop);
  }

  /** Starts printing the progress of {@code stats} to {@code err}. */
  static Progress start(Stats stats, PrintWriter err, boolean terminal) {
    Progress progress = new Progress(stats, err, terminal);
    progress.thread.start();
    return progress;
  }

  private void loop() {
    long next = start + PERIOD_NANOS;
    while (!Thread.currentThread().isInterrupted()) {
      try {
        TimeUnit.NANOSECONDS.sleep(next - System.nanoTime());
      } catch (InterruptedException e) {
        return;
      }
      next += PERIOD_NANOS;
      print(line());
    }
  }

  private String line() {
    long calls = stats.interval().getTotalCount();
    Histogram all = stats.cumulative();
    return String.format(
        Locale.ROOT,
        "[%4ds] %9d calls/s  errors %d  p50 %s ms  p99 %s ms",
        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start),
        calls,
        stats.failed() + stats.notStartedCount(),
        Durations.millis(all.getValueAtPercentile(50)),
        Durations.millis(all.getValueAtPercentile(99)));
  }

  private synchronized void print(String line) {
    if (terminal) {
      err.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
      lastLength = line.length();
    } else {
      err.println(line);
    }
    err.flush();
  }

  /** Stops the line (ending it on a terminal). */
  @Override
  public void close() {
    thread.interrupt();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      if (terminal && lastLength > 0) {
        err.println();
        err.flush();
      }
    }
  }
}
