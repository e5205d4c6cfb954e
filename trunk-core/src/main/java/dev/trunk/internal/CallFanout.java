package dev.trunk.internal;

import dev.trunk.EventListener.AbortReason;
import dev.trunk.EventListener.Attempt;
import dev.trunk.EventListener.CallEvents;
import dev.trunk.Metadata;
import dev.trunk.Status;
import java.util.function.Consumer;

/**
 * The events of one call for the listeners that wanted them: delivered one at a time (under this
 * monitor, a leaf lock: only listener code runs inside), each listener's exception logged and
 * ignored, and nothing after {@link #closed}, which is delivered once (but {@link
 * #handlerThreadExited}, which lets a listener restore its thread's context). Made only when a
 * listener returned a {@link CallEvents} of its own.
 */
final class CallFanout implements CallEvents {
  private final CallEvents[] targets;
  // Guarded by this.
  private boolean closed;

  CallFanout(CallEvents[] targets) {
    this.targets = targets;
  }

  private synchronized void each(String event, Consumer<CallEvents> delivery) {
    if (!closed) {
      everyTarget(event, delivery);
    }
  }

  private synchronized void everyTarget(String event, Consumer<CallEvents> delivery) {
    for (CallEvents target : targets) {
      try {
        delivery.accept(target);
      } catch (RuntimeException e) {
        Events.failed(target, event, e);
      }
    }
  }

  @Override
  public void handlerThreadEntered() {
    each("handlerThreadEntered", CallEvents::handlerThreadEntered);
  }

  /** Delivered even after {@link #closed}: a listener restores its thread's context here. */
  @Override
  public void handlerThreadExited() {
    everyTarget("handlerThreadExited", CallEvents::handlerThreadExited);
  }

  @Override
  public void handlerStarted() {
    each("handlerStarted", CallEvents::handlerStarted);
  }

  @Override
  public void responseHeaders(Metadata headers) {
    each("responseHeaders", target -> target.responseHeaders(headers));
  }

  @Override
  public void messageSent(long wireSize, long size) {
    each("messageSent", target -> target.messageSent(wireSize, size));
  }

  @Override
  public void messageReceived(long wireSize, long size) {
    each("messageReceived", target -> target.messageReceived(wireSize, size));
  }

  @Override
  public void flowControlStalled() {
    each("flowControlStalled", CallEvents::flowControlStalled);
  }

  @Override
  public void flowControlResumed(long stalledNanos) {
    each("flowControlResumed", target -> target.flowControlResumed(stalledNanos));
  }

  @Override
  public void attemptStarted(Attempt attempt) {
    each("attemptStarted", target -> target.attemptStarted(attempt));
  }

  @Override
  public void attemptRequestHeaders(Attempt attempt, Metadata requestHeaders) {
    each("attemptRequestHeaders", target -> target.attemptRequestHeaders(attempt, requestHeaders));
  }

  @Override
  public void attemptEnded(
      Attempt attempt, Status status, long wireBytesSent, long wireBytesReceived) {
    each(
        "attemptEnded",
        target -> target.attemptEnded(attempt, status, wireBytesSent, wireBytesReceived));
  }

  @Override
  public void aborted(AbortReason reason) {
    each("aborted", target -> target.aborted(reason));
  }

  @Override
  public synchronized void closed(Status status, Metadata trailers) {
    each("closed", target -> target.closed(status, trailers));
    closed = true;
  }
}
