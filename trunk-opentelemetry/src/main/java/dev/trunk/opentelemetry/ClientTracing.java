package dev.trunk.opentelemetry;

import dev.trunk.CallInfo;
import dev.trunk.EventListener;
import dev.trunk.Metadata;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;

/**
 * Traces a channel's calls: a CLIENT span per call, child of the OpenTelemetry context current when
 * the call starts, and a CLIENT span per attempt under it, whose context each attempt's request
 * metadata carries to the server.
 */
final class ClientTracing implements EventListener {
  private final Tracer tracer;
  private final TextMapPropagator propagator;
  private final String target;

  ClientTracing(Tracer tracer, TextMapPropagator propagator, String target) {
    this.tracer = tracer;
    this.propagator = propagator;
    this.target = target;
  }

  @Override
  public CallEvents callStarted(CallInfo<?, ?> call, Metadata requestHeaders) {
    Context parent = Context.current();
    Span span =
        tracer
            .spanBuilder(call.method().fullName())
            .setSpanKind(SpanKind.CLIENT)
            .setParent(parent)
            .startSpan();
    if (SpanAttributes.describe(span, call).isRecording()) {
      span.setAttribute(Labels.TARGET, target);
    }
    return new ClientSpan(tracer, propagator, call, parent.with(span), span);
  }
}
