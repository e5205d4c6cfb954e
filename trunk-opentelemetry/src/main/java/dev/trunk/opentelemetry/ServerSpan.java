package dev.trunk.opentelemetry;

import dev.trunk.Metadata;
import dev.trunk.Status;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import org.jspecify.annotations.Nullable;

/** One server call's span: message events, the abort reason, the status at the end. */
final class ServerSpan extends CallSpan {
  private final Context context;
  // The handler's thread only: the scope that makes the span current there.
  private @Nullable Scope scope;

  ServerSpan(Span span, Context context) {
    super(span);
    this.context = context;
  }

  /** The trace context with this span in it. */
  Context context() {
    return context;
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
  public void closed(Status status, Metadata trailers) {
    SpanAttributes.end(span, status, true);
  }
}
