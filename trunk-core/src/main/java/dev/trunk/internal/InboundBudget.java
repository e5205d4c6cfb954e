package dev.trunk.internal;

import dev.trunk.Status;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A bound on the bytes of received messages held in memory: by the streams of one connection, and
 * (through its parent) by every connection of a server. Bytes are reserved as DATA arrives, before
 * they are buffered, and released when the application takes the message or the call ends.
 *
 * <p>The budget feeds flow control in two steps: past half of it, streams that hold unread messages
 * stop getting HTTP/2 credit ({@link #isUnderPressure}), so senders slow down; at the limit, data
 * that does not fit fails its call with RESOURCE_EXHAUSTED instead of being buffered. Nothing ever
 * waits for the budget, so it cannot deadlock streams that need credit to finish a message.
 *
 * <p>Thread-safe: reserved on the transport thread, released on the application's.
 */
public final class InboundBudget {
  /** No bound: for transports that buffer nothing of their own (in-process). */
  public static final InboundBudget UNLIMITED = new InboundBudget("", Long.MAX_VALUE, null);

  private final String name;
  private final long limit;
  private final @Nullable InboundBudget parent;
  private final AtomicLong used = new AtomicLong();

  private InboundBudget(String name, long limit, @Nullable InboundBudget parent) {
    this.name = name;
    this.limit = limit;
    this.parent = parent;
  }

  /** A budget of {@code limit} bytes; {@code name} says whose it is in error messages. */
  public static InboundBudget of(String name, long limit) {
    return new InboundBudget(name, limit, null);
  }

  /** A budget of {@code limit} bytes within this one (a connection's within its server's). */
  public InboundBudget child(String childName, long childLimit) {
    return new InboundBudget(childName, childLimit, this);
  }

  /**
   * Reserves {@code bytes} here and in the parent.
   *
   * @return null if reserved, else the budget that had no room (nothing is reserved then)
   */
  public @Nullable InboundBudget tryReserve(long bytes) {
    if (this == UNLIMITED || bytes == 0) {
      return null;
    }
    if (used.addAndGet(bytes) > limit) {
      used.addAndGet(-bytes);
      return this;
    }
    InboundBudget full = parent == null ? null : parent.tryReserve(bytes);
    if (full != null) {
      used.addAndGet(-bytes);
    }
    return full;
  }

  /** Returns {@code bytes} reserved earlier, here and in the parent. */
  public void release(long bytes) {
    if (this == UNLIMITED || bytes == 0) {
      return;
    }
    used.addAndGet(-bytes);
    if (parent != null) {
      parent.release(bytes);
    }
  }

  /** Whether this budget or its parent is more than half used: time to slow senders down. */
  public boolean isUnderPressure() {
    return used.get() > limit / 2 || (parent != null && parent.isUnderPressure());
  }

  /** Bytes reserved now. */
  public long used() {
    return used.get();
  }

  /** The RESOURCE_EXHAUSTED status for {@code bytes} that did not fit in this budget. */
  public Status exhausted(long bytes, String direction) {
    return Status.RESOURCE_EXHAUSTED.withDescription(
        "cannot buffer "
            + bytes
            + " more bytes of the "
            + direction
            + ": "
            + name
            + " already holds "
            + used.get()
            + " bytes of received messages, its limit is "
            + limit);
  }
}
