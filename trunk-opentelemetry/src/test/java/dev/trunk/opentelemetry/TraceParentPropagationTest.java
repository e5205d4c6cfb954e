package dev.trunk.opentelemetry;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import dev.trunk.CallOptions;
import dev.trunk.Channel;
import dev.trunk.Metadata;
import dev.trunk.Server;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What a traced server makes of the traceparent a peer sends: valid, malformed or none. */
class TraceParentPropagationTest {
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String PARENT_ID = "00f067aa0ba902b7";

  private final Traced traced = new Traced();
  private final Server server = EchoService.serve(traced.telemetry().serverTracing());
  private final Channel untraced = Channel.forAddress("127.0.0.1", server.port()).build();

  @AfterEach
  void close() throws Exception {
    untraced.close();
    server.close();
    traced.close();
  }

  private SpanData serverSpanOfACallWith(Metadata headers) throws Exception {
    StringValue answer =
        untraced.unaryCall(
            EchoService.ECHO, StringValue.of("x"), CallOptions.DEFAULT.withMetadata(headers));
    assertThat(answer.getValue()).isEqualTo("x");
    return Traced.only(traced.awaitSpans(1), SpanKind.SERVER);
  }

  @Test
  void aValidTraceparentMakesTheServerSpanItsRemoteChildAndKeepsTheTracestate() throws Exception {
    Metadata headers =
        new Metadata()
            .add("traceparent", "00-" + TRACE_ID + "-" + PARENT_ID + "-01")
            .add("tracestate", "congo=t61rcWkgMzE");
    SpanData span = serverSpanOfACallWith(headers);
    assertThat(span).hasTraceId(TRACE_ID).hasParentSpanId(PARENT_ID);
    assertThat(span.getParentSpanContext().isRemote()).isTrue();
    assertThat(span.getSpanContext().getTraceState().get("congo")).isEqualTo("t61rcWkgMzE");
  }

  @Test
  void noTraceparentStartsANewTrace() throws Exception {
    SpanData span = serverSpanOfACallWith(new Metadata());
    assertThat(span.getParentSpanContext().isValid()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "00-4bf92f3577b34da6a3ce929d0e0e47zz-00f067aa0ba902b7-01", // not hex
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", // upper-case hex
        "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01", // trace id too short
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b-01", // parent id too short
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1", // flags too short
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01", // all-zero trace id
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", // all-zero parent id
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // version ff
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", // v00 with more
        "garbage",
        "",
      })
  void aMalformedTraceparentStartsANewTraceAndTheCallSucceeds(String traceparent) throws Exception {
    SpanData span = serverSpanOfACallWith(new Metadata().add("traceparent", traceparent));
    assertThat(span.getParentSpanContext().isValid()).isFalse();
    assertThat(span.getTraceId()).isNotEqualTo(TRACE_ID);
    assertThat(span).hasAttribute(Labels.STATUS, "OK");
  }
}
