package dev.trunk.internal.client;

import dev.trunk.internal.Log;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * A channel's control context: runs resolver results, balancer calls and subchannel state changes
 * one at a time, in submission order, on a virtual thread (never on an I/O thread, never on the
 * submitter's). So a balancer needs no locks, and a slow one holds up no I/O. A task that throws is
 * logged and the next runs.
 */
final class ControlContext implements Executor {
  private static final Log log = Log.of(ControlContext.class);
  private static final ThreadFactory THREADS = Thread.ofVirtual().name("trunk-control").factory();

  private final ScheduledExecutorService scheduler;
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>(); // guarded by this
  private boolean draining; // guarded by this

  ControlContext(ScheduledExecutorService scheduler) {
    this.scheduler = scheduler;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (this) {
      tasks.add(task);
      if (draining) {
        return;
      }
      draining = true;
    }
    THREADS.newThread(this::drain).start();
  }

  /** Runs {@code task} in this context after {@code delay}. */
  ScheduledFuture<?> schedule(Runnable task, Duration delay) {
    return scheduler.schedule(
        () -> execute(task), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
  }

  private void drain() {
    while (true) {
      Runnable task;
      synchronized (this) {
        task = tasks.poll();
        if (task == null) {
          draining = false;
          return;
        }
      }
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        log.warn("a load balancer or name resolver task failed; the channel goes on", e);
      }
    }
  }
}
