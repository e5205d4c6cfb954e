package dev.trunk.internal;

import dev.trunk.EventListener.CallEvents;
import dev.trunk.Status;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Bounds the bytes a stream's sender has handed to the transport but that are not yet written to
 * the socket (they wait for the peer's HTTP/2 flow-control window or a writable socket).
 *
 * <p>The application thread {@link #acquire}s before handing a message over and blocks while more
 * than {@link #LIMIT} bytes are pending; the transport thread {@link #release}s as writes complete.
 * A thread that must not block (the event loop) passes {@code mayBlock=false} and is let through.
 */
public final class OutboundWindow {
  /** Bytes per stream that may wait to be written before {@code send} blocks. */
  public static final int LIMIT = 256 * 1024;

  private final ReentrantLock lock;
  private final Condition drained;
  private long pending;
  private @Nullable Status failure;

  /** A window guarded by {@code lock}, which the call may share with its {@link InboundQueue}. */
  public OutboundWindow(ReentrantLock lock) {
    this.lock = lock;
    this.drained = lock.newCondition();
  }

  /**
   * Waits until the pending bytes are under the limit, then adds {@code bytes}. A wait is reported
   * to {@code events} (stalled before, resumed with its length after), outside the lock.
   *
   * @throws dev.trunk.StatusException if the stream failed, or CANCELLED when interrupted
   */
  public void acquire(int bytes, boolean mayBlock, CallEvents events) {
    lock.lock();
    try {
      if (!mustWait(bytes, mayBlock)) {
        add(bytes);
        return;
      }
    } finally {
      lock.unlock();
    }
    events.flowControlStalled();
    long start = System.nanoTime();
    try {
      awaitRoom(bytes);
    } finally {
      events.flowControlResumed(System.nanoTime() - start);
    }
  }

  private boolean mustWait(int bytes, boolean mayBlock) {
    return mayBlock && failure == null && pending > 0 && pending + bytes > LIMIT;
  }

  private void awaitRoom(int bytes) {
    lock.lock();
    try {
      while (mustWait(bytes, true)) {
        try {
          drained.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw Status.CANCELLED.withDescription("interrupted while sending").asException();
        }
      }
      add(bytes);
    } finally {
      lock.unlock();
    }
  }

  private void add(int bytes) {
    if (failure != null) {
      throw failure.asException();
    }
    pending += bytes;
  }

  /** Whether a sender may add bytes without exceeding the limit: fewer than it wait. */
  public boolean isReady() {
    lock.lock();
    try {
      return failure == null && pending < LIMIT;
    } finally {
      lock.unlock();
    }
  }

  /** Records that {@code bytes} were written (or dropped) by the transport. */
  public void release(int bytes) {
    lock.lock();
    try {
      pending -= bytes;
      if (pending <= LIMIT) {
        drained.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Fails current and future {@link #acquire} calls with {@code status}. */
  public void fail(Status status) {
    lock.lock();
    try {
      if (failure == null) {
        failure = status;
      }
      drained.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
