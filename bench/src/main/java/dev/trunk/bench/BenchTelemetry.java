package dev.trunk.bench;

import dev.trunk.EventListener;
import dev.trunk.opentelemetry.TrunkTelemetry;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Duration;
import java.util.Collection;

/**
 * The bench server's telemetry when {@code --telemetry=on}: Trunk's metrics and traces on the
 * OpenTelemetry SDK, set up as a production server would have them, so that the comparison measures
 * what they cost per call.
 *
 * <p>Metrics are collected every {@link #COLLECT_INTERVAL} (cumulative, as a Prometheus scrape at a
 * common interval collects them). Spans are sampled at the given ratio for calls that arrive
 * without a sampled parent (the load generators send none) and batched by the SDK's {@link
 * BatchSpanProcessor} with its defaults. Both go to exporters that drop what they are given: the
 * cost measured is recording, aggregating and batching, not an exporter's encoding and network.
 */
public final class BenchTelemetry {
  /** How often the metrics are collected, as a Prometheus server scraping every 15 s would. */
  static final Duration COLLECT_INTERVAL = Duration.ofSeconds(15);

  private final OpenTelemetrySdk sdk;

  public BenchTelemetry(double samplingRatio) {
    SdkTracerProvider tracing =
        SdkTracerProvider.builder()
            .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(samplingRatio)))
            // An empty composite exporter takes every batch and keeps none.
            .addSpanProcessor(BatchSpanProcessor.builder(SpanExporter.composite()).build())
            .build();
    SdkMeterProvider metrics =
        SdkMeterProvider.builder()
            .registerMetricReader(
                PeriodicMetricReader.builder(new DroppingMetrics())
                    .setInterval(COLLECT_INTERVAL)
                    .build())
            .build();
    this.sdk =
        OpenTelemetrySdk.builder()
            .setMeterProvider(metrics)
            .setTracerProvider(tracing)
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
  }

  /** The server's listener: metrics and tracing together, as {@code TrunkTelemetry.server()}. */
  public EventListener serverListener() {
    return TrunkTelemetry.create(sdk).server();
  }

  /** The server's metrics alone, as {@code TrunkTelemetry.serverListener()}. */
  public EventListener metricsListener() {
    return TrunkTelemetry.create(sdk).serverListener();
  }

  /** Takes every collection, cumulative as Prometheus's, and keeps none. */
  private static final class DroppingMetrics implements MetricExporter {
    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType type) {
      return AggregationTemporality.CUMULATIVE;
    }

    @Override
    public CompletableResultCode export(Collection<MetricData> metrics) {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
