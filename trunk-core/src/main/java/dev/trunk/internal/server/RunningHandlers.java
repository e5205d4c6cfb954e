package dev.trunk.internal.server;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The handlers of one server that are running, so that termination can wait for them as well as for
 * its connections: a handler may outlive its call's stream (it ignores cancellation for a while).
 * Entering and leaving cost one atomic update each; the lock is taken only when the count drops to
 * zero while someone waits.
 */
public final class RunningHandlers {
  private final AtomicInteger running = new AtomicInteger();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition idle = lock.newCondition();
  private volatile boolean awaited;

  /** A handler is about to run (counted before its thread starts). */
  void enter() {
    running.incrementAndGet();
  }

  /** A handler has returned or thrown. */
  void exit() {
    if (running.decrementAndGet() == 0 && awaited) {
      lock.lock();
      try {
        idle.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  /** The number of handlers running now. */
  public int count() {
    return running.get();
  }

  /** Waits until no handler runs; false if {@code nanos} passed first. */
  public boolean awaitIdle(long nanos) throws InterruptedException {
    lock.lock();
    try {
      awaited = true;
      long left = nanos;
      while (running.get() > 0) {
        if (left <= 0) {
          return false;
        }
        left = idle.awaitNanos(left);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    return "RunningHandlers(" + running.get() + ")";
  }
}
