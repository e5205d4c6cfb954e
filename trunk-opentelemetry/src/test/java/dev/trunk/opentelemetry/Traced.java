package dev.trunk.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** An SDK with W3C propagation that keeps ended spans, and what its meters record, in memory. */
final class Traced implements AutoCloseable {
  /** How long a test waits for spans that end on other threads. */
  private static final long WAIT_MILLIS = 10_000;

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  private final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                  .build())
          .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
          .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
          .build();

  OpenTelemetry openTelemetry() {
    return sdk;
  }

  TrunkTelemetry telemetry() {
    return TrunkTelemetry.create(sdk);
  }

  /** Collects what was recorded since the last collection (exemplars are handed out once). */
  Collection<MetricData> collectMetrics() {
    return metrics.collectAllMetrics();
  }

  /** Waits until {@code count} spans have ended, then returns them (in the order they ended). */
  List<SpanData> awaitSpans(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
    while (exporter.getFinishedSpanItems().size() < count && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    List<SpanData> spans = exporter.getFinishedSpanItems();
    assertThat(spans).as("ended spans").hasSize(count);
    return spans;
  }

  /** The only span of {@code kind} among {@code spans}. */
  static SpanData only(List<SpanData> spans, SpanKind kind) {
    List<SpanData> found = spans.stream().filter(span -> span.getKind() == kind).toList();
    assertThat(found).as("%s spans", kind).hasSize(1);
    return found.get(0);
  }

  @Override
  public void close() {
    sdk.close();
  }
}
