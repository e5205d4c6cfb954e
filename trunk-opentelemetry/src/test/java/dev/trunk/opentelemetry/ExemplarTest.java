package dev.trunk.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import dev.trunk.CallOptions;
import dev.trunk.Channel;
import dev.trunk.Server;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.metrics.data.DoubleExemplarData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
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
  private final Traced traced = new Traced();
  private final Server server = EchoService.serve(traced.telemetry().server());
  private final Channel channel = Channel.forAddress("127.0.0.1", server.port()).build();

  @AfterEach
  void close() throws Exception {
    channel.close();
    server.close();
    traced.close();
  }

  @Test
  void aTracedCallsDurationAndQueueTimeHaveItsServerSpanAsExemplar() throws Exception {
    channel.unaryCall(EchoService.ECHO, StringValue.of("x"), CallOptions.DEFAULT);
    SpanContext serverSpan = Traced.only(traced.awaitSpans(1), SpanKind.SERVER).getSpanContext();

    // One collection: a collection hands each exemplar out once.
    Collection<MetricData> collected = traced.collectMetrics();
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
