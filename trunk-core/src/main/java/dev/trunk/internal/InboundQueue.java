package dev.trunk.internal;

import dev.trunk.Metadata;
import dev.trunk.Status;
import dev.trunk.StatusException;
import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The messages a stream has received but the application has not taken yet, and how the stream
 * ended.
 *
 * <p>The transport thread {@link #add}s messages and {@link #finish}es the queue; one application
 * thread {@link #take}s them, blocking while the queue is empty. The queue holds at most {@link
 * #BUFFER_LIMIT} bytes before the transport stops returning flow-control credit (see {@link #add}):
 * so a slow consumer holds back the sender instead of filling the heap. Queued bytes stay reserved
 * in the connection's {@link InboundBudget} until taken; while that budget is under pressure, any
 * stream with unread messages stops getting credit too.
 */
public final class InboundQueue {
  /** Bytes of received messages buffered per stream before flow-control credit is withheld. */
  public static final int BUFFER_LIMIT = 1024 * 1024;

  /** Returns withheld flow-control credit once the application has drained the queue. */
  public interface CreditReturner {
    /** Called on an application thread; must hand the work to the transport thread. */
    void returnCredit();
  }

  private final ReentrantLock lock;
  // The thread parked in take(), if any: it is woken with LockSupport rather than a Condition,
  // which would cost a condition object per queue and a node plus deeper frames per parked
  // thread; an idle stream's handler is parked here, so this is memory per idle stream.
  private @Nullable Thread waiter;
  // ByteBufs, or a Compressed wrapper for a message that arrived compressed.
  private final ArrayDeque<Object> messages = new ArrayDeque<>(2);
  private final CreditReturner returner;
  private InboundBudget budget = InboundBudget.UNLIMITED;
  private long queuedBytes;
  private boolean creditWithheld;
  private @Nullable Status end;
  private @Nullable Metadata endTrailers;
  private boolean lastTakenCompressed;

  /**
   * A queue guarded by {@code lock}, which the call may share with its {@link OutboundWindow} (one
   * lock per call instead of two: less memory per idle stream).
   */
  public InboundQueue(CreditReturner returner, ReentrantLock lock) {
    this.returner = returner;
    this.lock = lock;
  }

  /**
   * Sets the budget the queued messages' bytes are reserved in (see {@link
   * dev.trunk.internal.wire.MessageDeframer}); they are released there as they are taken or
   * discarded. Call before the first {@link #add}.
   */
  public void useBudget(InboundBudget inboundBudget) {
    lock.lock();
    try {
      budget = inboundBudget;
    } finally {
      lock.unlock();
    }
  }

  /** A queued message that arrived compressed on the wire. */
  private record Compressed(ByteBuf message) {}

  /**
   * Queues a message, noting whether it arrived compressed; takes ownership. Returns whether
   * flow-control credit for it may be returned now; if false, {@link CreditReturner#returnCredit()}
   * is called once the queue drains.
   */
  public boolean add(ByteBuf message, boolean compressed) {
    lock.lock();
    try {
      if (end != null && !end.isOk()) {
        budget.release(message.readableBytes());
        message.release();
        return true;
      }
      messages.add(compressed ? new Compressed(message) : message);
      queuedBytes += message.readableBytes();
      wakeWaiter();
      if (queuedBytes > BUFFER_LIMIT || budget.isUnderPressure()) {
        creditWithheld = true;
      }
      return !creditWithheld;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Whether flow-control credit is currently withheld; the transport then keeps received bytes
   * unreturned until {@link CreditReturner#returnCredit()}.
   */
  public boolean isCreditWithheld() {
    lock.lock();
    try {
      return creditWithheld;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Ends the queue: with OK after the peer finished sending, or with an error status that the next
   * {@link #take} throws once the messages still queued are taken, or at once with {@code
   * discardQueued}. An error replaces an earlier OK end; later ends are ignored.
   */
  public void finish(Status status, @Nullable Metadata trailers, boolean discardQueued) {
    lock.lock();
    try {
      if (end != null && (!end.isOk() || status.isOk())) {
        return;
      }
      end = status;
      endTrailers = trailers;
      if (discardQueued) {
        releaseAll();
      }
      wakeWaiter();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The next message, or null once the peer finished sending; blocks until one is available.
   *
   * @throws StatusException if the stream failed; CANCELLED if this thread is interrupted
   */
  public @Nullable ByteBuf take() {
    lock.lock();
    try {
      while (messages.isEmpty() && end == null) {
        awaitChange();
      }
      return poll();
    } finally {
      lock.unlock();
    }
  }

  private @Nullable ByteBuf poll() {
    Object head = messages.poll();
    if (head != null) {
      lastTakenCompressed = head instanceof Compressed;
      ByteBuf message = head instanceof Compressed c ? c.message() : (ByteBuf) head;
      queuedBytes -= message.readableBytes();
      budget.release(message.readableBytes());
      maybeReturnCredit();
      return message;
    }
    Status status = end;
    if (status != null && !status.isOk()) {
      Metadata trailers = endTrailers;
      throw status.asException(trailers == null ? new Metadata() : trailers);
    }
    return null;
  }

  /** Whether the message last returned by {@link #take} arrived compressed on the wire. */
  public boolean lastTakenCompressed() {
    lock.lock();
    try {
      return lastTakenCompressed;
    } finally {
      lock.unlock();
    }
  }

  /** The status the queue ended with, or null while still open. */
  public @Nullable Status endStatus() {
    lock.lock();
    try {
      return end;
    } finally {
      lock.unlock();
    }
  }

  /** Releases every queued message; used when the call is over. */
  public void discard() {
    lock.lock();
    try {
      releaseAll();
    } finally {
      lock.unlock();
    }
  }

  private void maybeReturnCredit() {
    if (creditWithheld && queuedBytes <= BUFFER_LIMIT / 2) {
      creditWithheld = false;
      returner.returnCredit();
    }
  }

  /** Parks the taking thread until add or finish wakes it; the lock is held on entry and exit. */
  private void awaitChange() {
    waiter = Thread.currentThread();
    lock.unlock();
    try {
      // No timeout: a timed park would arm a timer per parked receive; cancellation interrupts.
      LockSupport.park(this);
    } finally {
      lock.lock();
      waiter = null;
    }
    if (Thread.interrupted()) {
      Thread.currentThread().interrupt();
      throw Status.CANCELLED.withDescription("interrupted while receiving").asException();
    }
  }

  private void wakeWaiter() {
    Thread parked = waiter;
    if (parked != null) {
      LockSupport.unpark(parked);
    }
  }

  private void releaseAll() {
    Object head;
    while ((head = messages.poll()) != null) {
      (head instanceof Compressed c ? c.message() : (ByteBuf) head).release();
    }
    budget.release(queuedBytes);
    queuedBytes = 0;
  }
}
