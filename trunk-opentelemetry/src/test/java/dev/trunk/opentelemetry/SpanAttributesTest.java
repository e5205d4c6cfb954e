package dev.trunk.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanLimits;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.Test;

class SpanAttributesTest {
  @Test
  void aSpanKeepsMessageEventsUpToTheBoundInEachDirection() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    SpanData stream;
    try (SdkTracerProvider tracing =
        SdkTracerProvider.builder()
            // Far above ours, so that only our bound decides.
            .setSpanLimits(SpanLimits.builder().setMaxNumberOfEvents(10_000).build())
            .addSpanProcessor(SimpleSpanProcessor.create(exporter))
            .build()) {
      Span span = tracing.get("test").spanBuilder("stream").startSpan();
      for (long id = 1; id <= SpanAttributes.MAX_MESSAGE_EVENTS + 10; id++) {
        SpanAttributes.message(span, SpanAttributes.SENT, id, 5, 5);
        SpanAttributes.message(span, SpanAttributes.RECEIVED, id, 5, 5);
      }
      span.end();
      // Read before the provider closes: shutting the exporter down clears what it holds.
      stream = exporter.getFinishedSpanItems().get(0);
    }
    assertThat(stream.getEvents()).hasSize(2 * (int) SpanAttributes.MAX_MESSAGE_EVENTS);
    assertThat(
            stream
                .getEvents()
                .get(stream.getEvents().size() - 1)
                .getAttributes()
                .get(SpanAttributes.MESSAGE_ID))
        .isEqualTo(SpanAttributes.MAX_MESSAGE_EVENTS);
  }
}
