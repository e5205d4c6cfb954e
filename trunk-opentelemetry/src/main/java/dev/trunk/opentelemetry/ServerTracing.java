package dev.trunk.opentelemetry;

import dev.trunk.CallInfo;
import dev.trunk.EventListener;
import dev.trunk.Metadata;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Traces a server's calls: a SERVER span per call, child of the trace context the request metadata
 * carries (a new root when it carries none, or a malformed one), current while the interceptors and
 * the handler run.
 */
final class ServerTracing implements EventListener {
  private final Tracer tracer;
  private final TextMapPropagator propagator;

  ServerTracing(Tracer tracer, TextMapPropagator propagator) {
    this.tracer = tracer;
    this.propagator = propagator;
  }

  @Override
  public CallEvents callStarted(CallInfo<?, ?> call, Metadata requestHeaders) {
    return start(call, requestHeaders);
  }

  /** Starts {@code call}'s span. */
  ServerSpan start(CallInfo<?, ?> call, Metadata requestHeaders) {
    Context parent = propagator.extract(Context.root(), requestHeaders, MetadataCarrier.INSTANCE);
    Span span =
        tracer
            .spanBuilder(call.method().fullName())
            .setSpanKind(SpanKind.SERVER)
            .setParent(parent)
            .startSpan();
    if (SpanAttributes.describe(span, call).isRecording()) {
      call.peer().ifPresent(peer -> describePeer(span, peer));
    }
    return new ServerSpan(span, parent.with(span));
  }

  private static void describePeer(Span span, SocketAddress peer) {
    if (peer instanceof InetSocketAddress inet) {
      span.setAttribute(SpanAttributes.PEER_ADDRESS, inet.getHostString());
      span.setAttribute(SpanAttributes.PEER_PORT, inet.getPort());
    }
  }
}
