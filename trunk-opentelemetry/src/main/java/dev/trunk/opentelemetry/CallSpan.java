package dev.trunk.opentelemetry;

import dev.trunk.EventListener.AbortReason;
import dev.trunk.EventListener.CallEvents;
import io.opentelemetry.api.trace.Span;
import java.lang.invoke.VarHandle;

/**
 * What both sides' call spans record alike: a numbered {@code rpc.message} event per message each
 * way, and the abort reason. Messages come from two threads at once, hence the atomic counters.
 */
abstract class CallSpan implements CallEvents {
  private static final VarHandle SENT = LongFields.of(CallSpan.class, "sent");
  private static final VarHandle RECEIVED = LongFields.of(CallSpan.class, "received");

  final Span span;
  // A sampled-out span stays so: its messages skip even the counting.
  private final boolean sampled;
  // Counted through SENT and RECEIVED (no AtomicLong objects per call).
  private volatile long sent;
  private volatile long received;

  CallSpan(Span span) {
    this.span = span;
    this.sampled = span.isRecording();
  }

  @Override
  public final void messageSent(long wireSize, long size) {
    if (sampled) {
      SpanAttributes.message(
          span, SpanAttributes.SENT, (long) SENT.getAndAdd(this, 1L) + 1, wireSize, size);
    }
  }

  @Override
  public final void messageReceived(long wireSize, long size) {
    if (sampled) {
      SpanAttributes.message(
          span, SpanAttributes.RECEIVED, (long) RECEIVED.getAndAdd(this, 1L) + 1, wireSize, size);
    }
  }

  @Override
  public final void aborted(AbortReason reason) {
    span.setAttribute(Labels.ABORT_REASON, Labels.reason(reason));
  }
}
