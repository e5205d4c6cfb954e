package dev.trunk.opentelemetry;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import dev.trunk.Server;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.instrumentation.grpc.v1_6.GrpcTelemetry;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A trace started by an independent instrumentation continues in Trunk: a grpc-java client traced
 * by OpenTelemetry's grpc-java instrumentation calls a traced Trunk server.
 */
class GrpcJavaClientTracingTest {
  private static final MethodDescriptor<StringValue, StringValue> ECHO =
      MethodDescriptor.<StringValue, StringValue>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName(EchoService.ECHO.fullName())
          .setRequestMarshaller(ProtoUtils.marshaller(StringValue.getDefaultInstance()))
          .setResponseMarshaller(ProtoUtils.marshaller(StringValue.getDefaultInstance()))
          .build();

  @Test
  void theTrunkServerSpanIsAChildOfTheGrpcJavaClientSpan() throws Exception {
    try (Traced traced = new Traced();
        Server server =
            Server.builder()
                .address("127.0.0.1", 0)
                .service(new EchoService().definition())
                .eventListener(traced.telemetry().serverTracing())
                .build()
                .start()) {
      ManagedChannel channel =
          Grpc.newChannelBuilderForAddress(
                  "127.0.0.1", server.port(), InsecureChannelCredentials.create())
              .intercept(GrpcTelemetry.create(traced.openTelemetry()).createClientInterceptor())
              .build();
      try {
        StringValue answer =
            ClientCalls.blockingUnaryCall(channel, ECHO, CallOptions.DEFAULT, StringValue.of("x"));
        assertThat(answer.getValue()).isEqualTo("x");
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      List<SpanData> spans = traced.awaitSpans(2);
      SpanData grpcJava = Traced.only(spans, SpanKind.CLIENT);
      SpanData trunk = Traced.only(spans, SpanKind.SERVER);
      assertThat(grpcJava.getInstrumentationScopeInfo().getName()).contains("grpc");
      assertThat(trunk.getInstrumentationScopeInfo().getName()).isEqualTo(TrunkTelemetry.SCOPE);
      assertThat(trunk)
          .hasTraceId(grpcJava.getTraceId())
          .hasParentSpanId(grpcJava.getSpanId())
          .hasName(EchoService.ECHO.fullName())
          .hasAttribute(Labels.STATUS, "OK");
      assertThat(trunk.getParentSpanContext().isRemote()).isTrue();
    }
  }
}
