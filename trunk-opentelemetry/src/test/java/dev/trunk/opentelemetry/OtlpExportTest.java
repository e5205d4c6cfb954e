package dev.trunk.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import dev.trunk.CallOptions;
import dev.trunk.Channel;
import dev.trunk.Codec;
import dev.trunk.MethodDescriptor;
import dev.trunk.Server;
import dev.trunk.ServiceDefinition;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Spans go out over OTLP/gRPC with the SDK's exporter, to a trace receiver the test runs: a Trunk
 * server serving the collector's {@code TraceService/Export}.
 */
class OtlpExportTest {
  private static final String TRACE_SERVICE = "opentelemetry.proto.collector.trace.v1.TraceService";
  private static final MethodDescriptor<ExportTraceServiceRequest, ExportTraceServiceResponse>
      EXPORT =
          MethodDescriptor.of(
              TRACE_SERVICE,
              "Export",
              MethodDescriptor.Type.UNARY,
              Codec.protobuf(ExportTraceServiceRequest.getDefaultInstance()),
              Codec.protobuf(ExportTraceServiceResponse.getDefaultInstance()));

  /** How long the test waits for the batch processor to hand the spans over. */
  private static final long FLUSH_SECONDS = 10;

  private final Queue<Span> received = new ConcurrentLinkedQueue<>();

  private ExportTraceServiceResponse export(ExportTraceServiceRequest request) {
    for (ResourceSpans resource : request.getResourceSpansList()) {
      for (ScopeSpans scope : resource.getScopeSpansList()) {
        received.addAll(scope.getSpansList());
      }
    }
    return ExportTraceServiceResponse.getDefaultInstance();
  }

  @Test
  void spansOfATracedCallArriveAtTheOtlpReceiverWithTheirNamesAndKinds() throws Exception {
    ServiceDefinition receiver =
        ServiceDefinition.builder(TRACE_SERVICE).unary(EXPORT, this::export).build();
    try (Server collector = Server.builder().address("127.0.0.1", 0).service(receiver).build();
        OpenTelemetrySdk sdk = sdkExportingTo(collector.start().port())) {
      TrunkTelemetry telemetry = TrunkTelemetry.create(sdk);
      try (Server server =
              Server.builder()
                  .address("127.0.0.1", 0)
                  .service(new EchoService().definition())
                  .eventListener(telemetry.server())
                  .build()
                  .start();
          Channel channel =
              Channel.forAddress("127.0.0.1", server.port())
                  .eventListener(telemetry.channel("127.0.0.1:" + server.port()))
                  .build()) {
        channel.unaryCall(EchoService.ECHO, StringValue.of("x"), CallOptions.DEFAULT);
      }
      sdk.getSdkTracerProvider().forceFlush().join(FLUSH_SECONDS, TimeUnit.SECONDS);
    }
    List<String> spans =
        received.stream().map(span -> span.getName() + " " + span.getKind()).toList();
    String echo = EchoService.ECHO.fullName();
    assertThat(spans)
        .containsExactlyInAnyOrder(
            echo + " SPAN_KIND_CLIENT", echo + " SPAN_KIND_CLIENT", echo + " SPAN_KIND_SERVER");
  }

  private static OpenTelemetrySdk sdkExportingTo(int port) {
    OtlpGrpcSpanExporter exporter =
        OtlpGrpcSpanExporter.builder().setEndpoint("http://127.0.0.1:" + port).build();
    return OpenTelemetrySdk.builder()
        .setTracerProvider(
            SdkTracerProvider.builder()
                .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
                .build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
  }
}
