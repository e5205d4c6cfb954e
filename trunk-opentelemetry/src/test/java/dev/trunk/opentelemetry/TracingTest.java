package dev.trunk.opentelemetry;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import dev.trunk.CallOptions;
import dev.trunk.Channel;
import dev.trunk.Server;
import dev.trunk.StatusException;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Trunk client to Trunk server, both traced: one trace, and the spans the conventions ask for. */
class TracingTest {
  private static final String RETRY_CONFIG =
      """
      {"methodConfig": [{"name": [{"service": "trunk.test.Echo", "method": "Flaky"}],
        "retryPolicy": {"maxAttempts": 3, "initialBackoff": "0.01s", "maxBackoff": "0.05s",
          "backoffMultiplier": 2, "retryableStatusCodes": ["UNAVAILABLE"]}}]}
      """;

  private final Traced traced = new Traced();
  private final EchoService service = new EchoService();
  private final Server server = start();
  private final Channel channel = channel(Channel.forAddress("127.0.0.1", server.port()));

  private Server start() {
    try {
      return Server.builder()
          .address("127.0.0.1", 0)
          .service(service.definition())
          .eventListener(traced.telemetry().server())
          .build()
          .start();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private Channel channel(Channel.Builder builder) {
    String target = "127.0.0.1:" + server.port();
    return builder.eventListener(traced.telemetry().channel(target)).build();
  }

  @AfterEach
  void close() throws Exception {
    channel.close();
    server.close();
    traced.close();
  }

  @Test
  void aCallIsOneTraceFromTheCallersSpanThroughItsAttemptToTheServerSpan() throws Exception {
    Span caller = traced.openTelemetry().getTracer("test").spanBuilder("caller").startSpan();
    Scope scope = caller.makeCurrent();
    try {
      channel.unaryCall(EchoService.ECHO, StringValue.of("hi"), CallOptions.DEFAULT);
    } finally {
      scope.close();
      caller.end();
    }
    List<SpanData> spans = traced.awaitSpans(4);
    SpanData serverSpan = Traced.only(spans, SpanKind.SERVER);
    SpanData callSpan = callSpan(spans);
    SpanData attemptSpan = attemptSpans(spans).get(0);
    String fullName = EchoService.ECHO.fullName();

    assertThat(spans)
        .allSatisfy(span -> assertThat(span).hasTraceId(caller.getSpanContext().getTraceId()));
    assertThat(callSpan)
        .hasName(fullName)
        .hasKind(SpanKind.CLIENT)
        .hasParentSpanId(caller.getSpanContext().getSpanId());
    assertThat(attemptSpan)
        .hasName(fullName)
        .hasKind(SpanKind.CLIENT)
        .hasParentSpanId(callSpan.getSpanId())
        .hasAttribute(AttributeKey.stringKey("trunk.attempt.kind"), "first")
        .hasAttribute(SpanAttributes.PREVIOUS_ATTEMPTS, 0L);
    assertThat(serverSpan)
        .hasName(fullName)
        .hasParentSpanId(attemptSpan.getSpanId())
        .hasAttribute(SpanAttributes.RPC_SYSTEM, "grpc")
        .hasAttribute(SpanAttributes.RPC_SERVICE, EchoService.NAME)
        .hasAttribute(SpanAttributes.RPC_METHOD, "Echo")
        .hasAttribute(SpanAttributes.RPC_GRPC_STATUS_CODE, 0L)
        .hasAttribute(Labels.METHOD, fullName)
        .hasAttribute(Labels.STATUS, "OK")
        .hasAttribute(SpanAttributes.SERVER_ADDRESS, "127.0.0.1")
        .hasAttribute(SpanAttributes.SERVER_PORT, (long) server.port())
        .hasAttribute(SpanAttributes.PEER_ADDRESS, "127.0.0.1")
        .hasStatus(StatusData.unset());
    assertThat(callSpan)
        .hasAttribute(Labels.STATUS, "OK")
        .hasAttribute(Labels.TARGET, "127.0.0.1:" + server.port());
    long size = StringValue.of("hi").getSerializedSize();
    assertThat(messages(serverSpan))
        .containsExactly("RECEIVED 1 " + size + " " + size, "SENT 1 " + size + " " + size);
    assertThat(messages(callSpan))
        .containsExactly("SENT 1 " + size + " " + size, "RECEIVED 1 " + size + " " + size);
  }

  @Test
  void aClientErrorIsAnErrorOnTheClientOnlyAndAServerFaultOnBothSides() throws Exception {
    expectFailure("NOT_FOUND");
    List<SpanData> notFound = traced.awaitSpans(3);
    assertThat(Traced.only(notFound, SpanKind.SERVER))
        .hasAttribute(SpanAttributes.RPC_GRPC_STATUS_CODE, 5L)
        .hasAttribute(Labels.STATUS, "NOT_FOUND")
        .hasStatus(StatusData.unset());
    assertThat(callSpan(notFound).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(callSpan(notFound).getStatus().getDescription()).isEqualTo("NOT_FOUND: as asked");

    expectFailure("INTERNAL");
    List<SpanData> internal = traced.awaitSpans(6).subList(3, 6);
    assertThat(internal)
        .allSatisfy(
            span -> assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR));
  }

  @Test
  void aRetriedCallHasAnAttemptSpanPerAttemptUnderOneCallSpan() throws Exception {
    try (Channel retrying =
        channel(
            Channel.forAddress("127.0.0.1", server.port()).defaultServiceConfig(RETRY_CONFIG))) {
      retrying.unaryCall(EchoService.FLAKY, StringValue.of("x"), CallOptions.DEFAULT);
    }
    List<SpanData> spans = traced.awaitSpans(5);
    SpanData callSpan = callSpan(spans);
    List<SpanData> attempts = attemptSpans(spans);
    List<SpanData> serverSpans =
        spans.stream().filter(s -> s.getKind() == SpanKind.SERVER).toList();

    assertThat(attempts)
        .hasSize(2)
        .allSatisfy(a -> assertThat(a).hasParentSpanId(callSpan.getSpanId()));
    assertThat(attempts.get(0))
        .hasAttribute(Labels.ATTEMPT_KIND, "first")
        .hasAttribute(SpanAttributes.PREVIOUS_ATTEMPTS, 0L)
        .hasAttribute(Labels.STATUS, "UNAVAILABLE");
    assertThat(attempts.get(1))
        .hasAttribute(Labels.ATTEMPT_KIND, "retry")
        .hasAttribute(SpanAttributes.PREVIOUS_ATTEMPTS, 1L)
        .hasAttribute(Labels.STATUS, "OK");
    assertThat(serverSpans.stream().map(SpanData::getParentSpanId))
        .containsExactlyInAnyOrder(attempts.get(0).getSpanId(), attempts.get(1).getSpanId());
    assertThat(callSpan).hasAttribute(Labels.STATUS, "OK");
  }

  @Test
  void aClientCallMadeInsideAHandlerIsAChildOfItsServerSpan() throws Exception {
    service.relayTo(channel);
    channel.unaryCall(EchoService.RELAY, StringValue.of("x"), CallOptions.DEFAULT);
    List<SpanData> spans = traced.awaitSpans(6);
    SpanData relayServer = byName(spans, EchoService.RELAY.fullName(), SpanKind.SERVER);
    SpanData echoCall =
        spans.stream()
            .filter(s -> s.getName().equals(EchoService.ECHO.fullName()))
            .filter(s -> s.getKind() == SpanKind.CLIENT)
            .min(Comparator.comparing(SpanData::getStartEpochNanos))
            .orElseThrow();
    assertThat(echoCall)
        .hasParentSpanId(relayServer.getSpanId())
        .hasTraceId(relayServer.getTraceId());
  }

  private void expectFailure(String code) {
    try {
      channel.unaryCall(EchoService.FAIL, StringValue.of(code), CallOptions.DEFAULT);
    } catch (StatusException expected) {
      assertThat(expected.status().code().name()).isEqualTo(code);
      return;
    }
    throw new AssertionError("the call did not fail");
  }

  /** The call's span: the CLIENT span that has a CLIENT child. */
  private static SpanData callSpan(List<SpanData> spans) {
    List<SpanData> attempts = attemptSpans(spans);
    String parent = attempts.get(0).getParentSpanId();
    return spans.stream().filter(s -> s.getSpanId().equals(parent)).findFirst().orElseThrow();
  }

  /** The attempts' spans, in the order they started. */
  private static List<SpanData> attemptSpans(List<SpanData> spans) {
    return spans.stream()
        .filter(s -> s.getAttributes().get(Labels.ATTEMPT_KIND) != null)
        .sorted(Comparator.comparing(SpanData::getStartEpochNanos))
        .toList();
  }

  private static SpanData byName(List<SpanData> spans, String name, SpanKind kind) {
    return spans.stream()
        .filter(s -> s.getName().equals(name) && s.getKind() == kind)
        .findFirst()
        .orElseThrow();
  }

  /** The span's message events as "TYPE id compressed uncompressed". */
  private static List<String> messages(SpanData span) {
    return span.getEvents().stream()
        .filter(e -> e.getName().equals(SpanAttributes.MESSAGE_EVENT))
        .map(TracingTest::message)
        .toList();
  }

  private static String message(EventData event) {
    return event.getAttributes().get(SpanAttributes.MESSAGE_TYPE)
        + " "
        + event.getAttributes().get(SpanAttributes.MESSAGE_ID)
        + " "
        + event.getAttributes().get(SpanAttributes.MESSAGE_COMPRESSED_SIZE)
        + " "
        + event.getAttributes().get(SpanAttributes.MESSAGE_UNCOMPRESSED_SIZE);
  }
}
