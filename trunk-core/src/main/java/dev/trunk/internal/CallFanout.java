package dev.trunk.internal;

import dev.trunk.EventListener.AbortReason;
import dev.trunk.EventListener.Attempt;
import dev.trunk.EventListener.CallEvents;
import dev.trunk.Metadata;
import dev.trunk.Status;
import java.util.function.Consumer;

/**
 * The events of one call for the several listeners that wanted them: each event goes to each
 * listener in turn, and one listener's exception is logged and ignored without keeping the event
 * from the others. It takes no lock and keeps no state: a {@link SerialEvents} around it delivers
 * the events one at a time and none after {@code closed}.
 */
final class CallFanout implements CallEvents {
  private final CallEvents[] targets;

  CallFanout(CallEvents[] targets) {
    this.targets = targets;
  }

  private void each(String event, Consumer<CallEvents> delivery) {
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

  @Override
  public void handlerThreadExited() {
    each("handlerThreadExited", CallEvents::handlerThreadExited);
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
  public void closed(Status status, Metadata trailers) {
    each("closed", target -> target.closed(status, trailers));
  }
}
