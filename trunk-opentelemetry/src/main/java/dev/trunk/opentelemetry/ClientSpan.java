package dev.trunk.opentelemetry;

import dev.trunk.CallInfo;
import dev.trunk.EventListener.Attempt;
import dev.trunk.Metadata;
import dev.trunk.Status;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One client call's span and its attempts' spans. Messages are events of the call's span: a message
 * goes to every attempt in flight, so it belongs to the call.
 */
final class ClientSpan extends CallSpan {
  private final Tracer tracer;
  private final TextMapPropagator propagator;
  private final CallInfo<?, ?> call;
  private final Context context;
  private final Map<Integer, Span> attempts = new ConcurrentHashMap<>();

  ClientSpan(
      Tracer tracer,
      TextMapPropagator propagator,
      CallInfo<?, ?> call,
      Context context,
      Span span) {
    super(span);
    this.tracer = tracer;
    this.propagator = propagator;
    this.call = call;
    this.context = context;
  }

  @Override
  public void attemptStarted(Attempt attempt) {
    Span span =
        tracer
            .spanBuilder(call.method().fullName())
            .setSpanKind(SpanKind.CLIENT)
            .setParent(context)
            .startSpan();
    if (SpanAttributes.describe(span, call).isRecording()) {
      span.setAttribute(Labels.ATTEMPT_KIND, Labels.kind(attempt.kind()));
      span.setAttribute(SpanAttributes.PREVIOUS_ATTEMPTS, attempt.number() - 1L);
    }
    attempts.put(attempt.number(), span);
  }

  @Override
  public void attemptRequestHeaders(Attempt attempt, Metadata requestHeaders) {
    Span attemptSpan = attempts.get(attempt.number());
    Context carried = attemptSpan == null ? context : context.with(attemptSpan);
    propagator.inject(carried, requestHeaders, MetadataCarrier.INSTANCE);
  }

  @Override
  public void attemptEnded(
      Attempt attempt, Status status, long wireBytesSent, long wireBytesReceived) {
    Span attemptSpan = attempts.remove(attempt.number());
    if (attemptSpan != null) {
      SpanAttributes.end(attemptSpan, status, false);
    }
  }

  /** Ends the call's span, and any attempt's that did not report its end (ended with the call). */
  @Override
  public void closed(Status status, Metadata trailers) {
    attempts.values().forEach(attemptSpan -> SpanAttributes.end(attemptSpan, status, false));
    attempts.clear();
    SpanAttributes.end(span, status, false);
  }
}
