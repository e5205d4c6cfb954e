package dev.trunk.opentelemetry;

import dev.trunk.EventListener.AbortReason;
import dev.trunk.EventListener.CallEvents;
import dev.trunk.Metadata;
import dev.trunk.Status;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/** One server call's span: message events, the abort reason, the status at the end. */
final class ServerSpan implements CallEvents {
  private final Span span;
  private final Context context;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong received = new AtomicLong();
  // The handler's thread only: the scope that makes the span current there.
  private @Nullable Scope scope;

  ServerSpan(Span span, Context context) {
    this.span = span;
    this.context = context;
  }

  @Override
  public void handlerThreadEntered() {
    scope = context.makeCurrent();
  }

  @Override
  public void handlerThreadExited() {
    Scope current = scope;
    if (current != null) {
      scope = null;
      current.close();
    }
  }

  @Override
  public void messageSent(long wireSize, long size) {
    SpanAttributes.message(span, SpanAttributes.SENT, sent.incrementAndGet(), wireSize, size);
  }

  @Override
  public void messageReceived(long wireSize, long size) {
    SpanAttributes.message(
        span, SpanAttributes.RECEIVED, received.incrementAndGet(), wireSize, size);
  }

  @Override
  public void aborted(AbortReason reason) {
    span.setAttribute(Labels.ABORT_REASON, Labels.reason(reason));
  }

  @Override
  public void closed(Status status, Metadata trailers) {
    SpanAttributes.end(span, status, true);
  }
}
