package dev.trunk.benchpeer;

import io.grpc.ServerBuilder;
import io.grpc.opentelemetry.GrpcOpenTelemetry;
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
 * grpc-java's own OpenTelemetry plugin ({@code grpc-opentelemetry}: gRFC A66 metrics, and its
 * tracing when asked) on the SDK exactly as Trunk's bench server sets it up ({@code BenchTelemetry}
 * in the bench module, which this module cannot share: the two run on different Netty versions):
 * metrics collected every 15 s, cumulative; spans sampled at a ratio for calls without a sampled
 * parent and batched by the SDK's {@link BatchSpanProcessor}; both exporters drop what they get.
 */
final class PeerTelemetry {
  /** grpc-java's switch for its experimental tracing (gRFC A72), read once at class loading. */
  private static final String TRACING_FLAG = "GRPC_EXPERIMENTAL_ENABLE_OTEL_TRACING";

  private PeerTelemetry() {}

  /**
   * Installs grpc-java's metrics on {@code builder}, and its tracing when {@code traced}. Call
   * before anything loads {@link GrpcOpenTelemetry}: the tracing flag is read then.
   */
  static void install(ServerBuilder<?> builder, boolean traced, double samplingRatio) {
    if (traced) {
      System.setProperty(TRACING_FLAG, "true");
    }
    OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder()
            .setMeterProvider(
                SdkMeterProvider.builder()
                    .registerMetricReader(
                        PeriodicMetricReader.builder(new DroppingMetrics())
                            .setInterval(Duration.ofSeconds(15))
                            .build())
                    .build())
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(samplingRatio)))
                    .addSpanProcessor(BatchSpanProcessor.builder(SpanExporter.composite()).build())
                    .build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    GrpcOpenTelemetry.newBuilder().sdk(sdk).build().configureServerBuilder(builder);
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
