package dev.trunk.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import dev.trunk.CallOptions;
import dev.trunk.Channel;
import dev.trunk.Server;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.DoubleExemplarData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A traced server call's measurements carry its span as their exemplar (the SDK's default,
 * trace-based exemplar filter), though {@code TrunkTelemetry.server()} records them with the call's
 * own trace context rather than the one current on the recording thread.
 */
class ExemplarTest {
  private static final long WAIT_MILLIS = 10_000;

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  private final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(spans))
                  .build())
          .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
          .build();
  private final Server server = start(TrunkTelemetry.create(sdk));
  private final Channel channel = Channel.forAddress("127.0.0.1", server.port()).build();

  private static Server start(TrunkTelemetry telemetry) {
    try {
      return Server.builder()
          .address("127.0.0.1", 0)
          .service(new EchoService().definition())
          .eventListener(telemetry.server())
          .build()
          .start();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterEach
  void close() throws Exception {
    channel.close();
    server.close();
    sdk.close();
  }

  @Test
  void aTracedCallsDurationAndQueueTimeHaveItsServerSpanAsExemplar() throws Exception {
    channel.unaryCall(EchoService.ECHO, StringValue.of("x"), CallOptions.DEFAULT);
    SpanContext serverSpan = awaitServerSpan().getSpanContext();

    // One collection: a collection hands each exemplar out once.
    Collection<MetricData> collected = metrics.collectAllMetrics();
    for (String name : List.of("grpc.server.call.duration", "trunk.server.call.queue.duration")) {
      List<DoubleExemplarData> exemplars = onlyPoint(collected, name).getExemplars();
      assertThat(exemplars).as("exemplars of %s", name).hasSize(1);
      SpanContext linked = exemplars.get(0).getSpanContext();
      assertThat(linked.getTraceId())
          .as("%s exemplar's trace", name)
          .isEqualTo(serverSpan.getTraceId());
      assertThat(linked.getSpanId())
          .as("%s exemplar's span", name)
          .isEqualTo(serverSpan.getSpanId());
    }
  }

  private SpanData awaitServerSpan() throws InterruptedException {
    long deadline = System.currentTimeMillis() + WAIT_MILLIS;
    while (System.currentTimeMillis() < deadline) {
      List<SpanData> ended =
          spans.getFinishedSpanItems().stream()
              .filter(s -> s.getKind() == SpanKind.SERVER)
              .toList();
      if (!ended.isEmpty()) {
        return ended.get(0);
      }
      Thread.sleep(10);
    }
    throw new AssertionError("the server span did not end within " + WAIT_MILLIS + " ms");
  }

  private static HistogramPointData onlyPoint(Collection<MetricData> collected, String name) {
    MetricData metric =
        collected.stream()
            .filter(m -> m.getName().equals(name))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no metric " + name));
    List<HistogramPointData> points = List.copyOf(metric.getHistogramData().getPoints());
    assertThat(points).as("points of %s", name).hasSize(1);
    return points.get(0);
  }
}
