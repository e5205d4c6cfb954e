package dev.trunk.opentelemetry;

import dev.trunk.EventListener.AbortReason;
import dev.trunk.EventListener.CallEvents;
import io.opentelemetry.api.trace.Span;

/**
 * What both sides' call spans record alike: a numbered {@code rpc.message} event per message each
 * way, and the abort reason. Messages come from two threads, one event at a time as Trunk delivers
 * them, so the counters are plain fields.
 */
abstract class CallSpan implements CallEvents {
  final Span span;
  // A sampled-out span stays so: its messages skip even the counting.
  private final boolean sampled;
  private long sent;
  private long received;

  CallSpan(Span span) {
    this.span = span;
    this.sampled = span.isRecording();
  }

  @Override
  public final void messageSent(long wireSize, long size) {
    if (sampled) {
      SpanAttributes.message(span, SpanAttributes.SENT, ++sent, wireSize, size);
    }
  }

  @Override
  public final void messageReceived(long wireSize, long size) {
    if (sampled) {
      SpanAttributes.message(span, SpanAttributes.RECEIVED, ++received, wireSize, size);
    }
  }

  @Override
  public final void aborted(AbortReason reason) {
    span.setAttribute(Labels.ABORT_REASON, Labels.reason(reason));
  }
}
