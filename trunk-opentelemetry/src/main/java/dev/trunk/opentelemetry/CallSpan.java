package dev.trunk.opentelemetry;

import dev.trunk.EventListener.AbortReason;
import dev.trunk.EventListener.CallEvents;
import io.opentelemetry.api.trace.Span;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What both sides' call spans record alike: a numbered {@code rpc.message} event per message each
 * way, and the abort reason. Messages come from two threads at once, hence the atomic counters.
 */
abstract class CallSpan implements CallEvents {
  final Span span;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong received = new AtomicLong();

  CallSpan(Span span) {
    this.span = span;
  }

  @Override
  public final void messageSent(long wireSize, long size) {
    SpanAttributes.message(span, SpanAttributes.SENT, sent.incrementAndGet(), wireSize, size);
  }

  @Override
  public final void messageReceived(long wireSize, long size) {
    SpanAttributes.message(
        span, SpanAttributes.RECEIVED, received.incrementAndGet(), wireSize, size);
  }

  @Override
  public final void aborted(AbortReason reason) {
    span.setAttribute(Labels.ABORT_REASON, Labels.reason(reason));
  }
}
