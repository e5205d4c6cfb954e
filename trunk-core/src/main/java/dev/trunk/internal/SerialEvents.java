package dev.trunk.internal;

import dev.trunk.EventListener.AbortReason;
import dev.trunk.EventListener.Attempt;
import dev.trunk.EventListener.CallEvents;
import dev.trunk.Metadata;
import dev.trunk.Status;

/**
 * One call's events for its listener, one at a time: each method holds this monitor (a leaf lock:
 * only listener code runs inside), so an event sees what the one before it wrote even when it comes
 * on another thread, and a listener may keep a call's state in plain fields. Nothing is delivered
 * after {@link #closed}, which comes once (but {@link #handlerThreadExited}, which lets a listener
 * restore its thread's context), so {@code closed} is the last event of a call even when a sending
 * thread races the call's end. An exception the listener throws is logged and ignored.
 *
 * <p>Made only when a listener returned a {@link CallEvents} of its own; several are first joined
 * by a {@link CallFanout}. Each event costs one uncontended monitor and a direct call.
 */
final class SerialEvents implements CallEvents {
  private final CallEvents target;
  // Guarded by this.
  private boolean closed;

  SerialEvents(CallEvents target) {
    this.target = target;
  }

  private void failed(String event, RuntimeException e) {
    Events.failed(target, event, e);
  }

  @Override
  public synchronized void handlerThreadEntered() {
    if (closed) {
      return;
    }
    try {
      target.handlerThreadEntered();
    } catch (RuntimeException e) {
      failed("handlerThreadEntered", e);
    }
  }

  /** Delivered even after {@link #closed}: a listener restores its thread's context here. */
  @Override
  public synchronized void handlerThreadExited() {
    try {
      target.handlerThreadExited();
    } catch (RuntimeException e) {
      failed("handlerThreadExited", e);
    }
  }

  @Override
  public synchronized void handlerStarted() {
    if (closed) {
      return;
    }
    try {
      target.handlerStarted();
    } catch (RuntimeException e) {
      failed("handlerStarted", e);
    }
  }

  @Override
  public synchronized void responseHeaders(Metadata headers) {
    if (closed) {
      return;
    }
    try {
      target.responseHeaders(headers);
    } catch (RuntimeException e) {
      failed("responseHeaders", e);
    }
  }

  @Override
  public synchronized void messageSent(long wireSize, long size) {
    if (closed) {
      return;
    }
    try {
      target.messageSent(wireSize, size);
    } catch (RuntimeException e) {
      failed("messageSent", e);
    }
  }

  @Override
  public synchronized void messageReceived(long wireSize, long size) {
    if (closed) {
      return;
    }
    try {
      target.messageReceived(wireSize, size);
    } catch (RuntimeException e) {
      failed("messageReceived", e);
    }
  }

  @Override
  public synchronized void flowControlStalled() {
    if (closed) {
      return;
    }
    try {
      target.flowControlStalled();
    } catch (RuntimeException e) {
      failed("flowControlStalled", e);
    }
  }

  @Override
  public synchronized void flowControlResumed(long stalledNanos) {
    if (closed) {
      return;
    }
    try {
      target.flowControlResumed(stalledNanos);
    } catch (RuntimeException e) {
      failed("flowControlResumed", e);
    }
  }

  @Override
  public synchronized void attemptStarted(Attempt attempt) {
    if (closed) {
      return;
    }
    try {
      target.attemptStarted(attempt);
    } catch (RuntimeException e) {
      failed("attemptStarted", e);
    }
  }

  @Override
  public synchronized void attemptRequestHeaders(Attempt attempt, Metadata requestHeaders) {
    if (closed) {
      return;
    }
    try {
      target.attemptRequestHeaders(attempt, requestHeaders);
    } catch (RuntimeException e) {
      failed("attemptRequestHeaders", e);
    }
  }

  @Override
  public synchronized void attemptEnded(
      Attempt attempt, Status status, long wireBytesSent, long wireBytesReceived) {
    if (closed) {
      return;
    }
    try {
      target.attemptEnded(attempt, status, wireBytesSent, wireBytesReceived);
    } catch (RuntimeException e) {
      failed("attemptEnded", e);
    }
  }

  @Override
  public synchronized void aborted(AbortReason reason) {
    if (closed) {
      return;
    }
    try {
      target.aborted(reason);
    } catch (RuntimeException e) {
      failed("aborted", e);
    }
  }

  @Override
  public synchronized void closed(Status status, Metadata trailers) {
    if (closed) {
      return;
    }
    closed = true;
    try {
      target.closed(status, trailers);
    } catch (RuntimeException e) {
      failed("closed", e);
    }
  }
}
