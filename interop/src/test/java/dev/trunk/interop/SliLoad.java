package dev.trunk.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import dev.trunk.BidiStreamingCall;
import dev.trunk.CallOptions;
import dev.trunk.Channel;
import dev.trunk.Metadata;
import dev.trunk.ResponseStream;
import dev.trunk.Status;
import dev.trunk.StatusException;
import io.grpc.testing.integration.EmptyProtos.Empty;
import io.grpc.testing.integration.Messages.EchoStatus;
import io.grpc.testing.integration.Messages.Payload;
import io.grpc.testing.integration.Messages.ResponseParameters;
import io.grpc.testing.integration.Messages.SimpleRequest;
import io.grpc.testing.integration.Messages.StreamingOutputCallRequest;
import io.grpc.testing.integration.Messages.StreamingOutputCallResponse;
import java.time.Duration;

/**
 * Calls through a Trunk channel that give every SLI of docs/observability.md something to count:
 * unary calls (some traced, some failing), streams, a retried call, a flow-control stall, a
 * deadline exceeded and a cancellation. Each asserts its outcome, so a broken load fails loudly.
 */
final class SliLoad {
  /** Service config of the channel: UnaryCall retried on UNAVAILABLE, three attempts in all. */
  static final String RETRY_SERVICE_CONFIG =
      """
      {"methodConfig": [{
        "name": [{"service": "grpc.testing.TestService", "method": "UnaryCall"}],
        "retryPolicy": {"maxAttempts": 3, "initialBackoff": "0.01s", "maxBackoff": "0.05s",
          "backoffMultiplier": 2, "retryableStatusCodes": ["UNAVAILABLE"]}
      }]}
      """;

  /** A valid W3C traceparent, sent with some calls (trace coverage, M15). */
  private static final String TRACEPARENT =
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  private static final CallOptions OPTIONS =
      CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(30));
  private static final int UNARY_CALLS = 20;
  private static final int MESSAGE_BYTES = 20_000;

  /** Bytes a stalled stream sends: far beyond any HTTP/2 window the client opens. */
  private static final int STALL_MESSAGES = 32;

  private static final int STALL_MESSAGE_BYTES = 512 * 1024;

  private final Channel channel;

  SliLoad(Channel channel) {
    this.channel = channel;
  }

  /** Runs every kind of call once or more. */
  void run() throws InterruptedException {
    unaryCalls();
    failedCalls();
    retriedCall();
    streams();
    stalledStream();
    deadlineExceeded();
    cancelled();
  }

  private void unaryCalls() {
    CallOptions traced = OPTIONS.withMetadata(new Metadata().add("traceparent", TRACEPARENT));
    for (int i = 0; i < UNARY_CALLS; i++) {
      SimpleRequest request =
          SimpleRequest.newBuilder()
              .setResponseSize(MESSAGE_BYTES)
              .setPayload(payload(MESSAGE_BYTES))
              .build();
      assertThat(channel.unaryCall(TestMethods.UNARY_CALL, request, i % 2 == 0 ? traced : OPTIONS))
          .satisfies(r -> assertThat(r.getPayload().getBody().size()).isEqualTo(MESSAGE_BYTES));
      channel.unaryCall(TestMethods.EMPTY_CALL, Empty.getDefaultInstance(), OPTIONS);
    }
  }

  private void failedCalls() {
    for (Status.Code code : new Status.Code[] {Status.Code.UNKNOWN, Status.Code.INTERNAL}) {
      assertThat(echoFailure(code)).isEqualTo(code);
    }
  }

  /** UNAVAILABLE is retryable by {@link #RETRY_SERVICE_CONFIG}: two retries, then it fails. */
  private void retriedCall() {
    assertThat(echoFailure(Status.Code.UNAVAILABLE)).isEqualTo(Status.Code.UNAVAILABLE);
  }

  private Status.Code echoFailure(Status.Code code) {
    SimpleRequest request =
        SimpleRequest.newBuilder()
            .setResponseStatus(
                EchoStatus.newBuilder().setCode(code.value()).setMessage("SLI load").build())
            .build();
    StatusException e =
        catchThrowableOfType(
            StatusException.class,
            () -> channel.unaryCall(TestMethods.UNARY_CALL, request, OPTIONS));
    assertThat(e).as("%s echoed", code).isNotNull();
    return e.status().code();
  }

  private void streams() {
    StreamingOutputCallRequest request = outputRequest(5, 1000, 0);
    int received = 0;
    try (ResponseStream<StreamingOutputCallResponse> stream =
        channel.serverStreamingCall(TestMethods.STREAMING_OUTPUT_CALL, request, OPTIONS)) {
      for (StreamingOutputCallResponse ignored : stream) {
        received++;
      }
    }
    assertThat(received).isEqualTo(5);
  }

  /** The client reads late, so the server's sends wait for flow-control window (M10). */
  private void stalledStream() throws InterruptedException {
    StreamingOutputCallRequest request = outputRequest(STALL_MESSAGES, STALL_MESSAGE_BYTES, 0);
    int received = 0;
    try (ResponseStream<StreamingOutputCallResponse> stream =
        channel.serverStreamingCall(TestMethods.STREAMING_OUTPUT_CALL, request, OPTIONS)) {
      Thread.sleep(500);
      for (StreamingOutputCallResponse ignored : stream) {
        received++;
      }
    }
    assertThat(received).isEqualTo(STALL_MESSAGES);
  }

  /** A stream whose next message comes after its deadline: DEADLINE_EXCEEDED on both sides. */
  private void deadlineExceeded() {
    StreamingOutputCallRequest request = outputRequest(2, 10, 2_000_000);
    CallOptions shortDeadline = CallOptions.DEFAULT.withTimeout(Duration.ofMillis(500));
    StatusException e =
        catchThrowableOfType(
            StatusException.class,
            () -> {
              try (ResponseStream<StreamingOutputCallResponse> stream =
                  channel.serverStreamingCall(
                      TestMethods.STREAMING_OUTPUT_CALL, request, shortDeadline)) {
                stream.forEach(r -> {});
              }
            });
    assertThat(e).isNotNull();
    assertThat(e.status().code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
  }

  /** A bidi stream cancelled by the client after one exchange: CANCELLED on both sides. */
  private void cancelled() throws InterruptedException {
    try (BidiStreamingCall<StreamingOutputCallRequest, StreamingOutputCallResponse> call =
        channel.bidiStreamingCall(TestMethods.FULL_DUPLEX_CALL, OPTIONS)) {
      call.send(outputRequest(1, 10, 0));
      assertThat(call.receive()).isNotNull();
      call.cancel();
    }
    Thread.sleep(200); // the server sees the reset
  }

  private static StreamingOutputCallRequest outputRequest(int messages, int bytes, int intervalUs) {
    StreamingOutputCallRequest.Builder request = StreamingOutputCallRequest.newBuilder();
    for (int i = 0; i < messages; i++) {
      request.addResponseParameters(
          ResponseParameters.newBuilder().setSize(bytes).setIntervalUs(intervalUs));
    }
    return request.build();
  }

  private static Payload payload(int bytes) {
    return Payload.newBuilder().setBody(ByteString.copyFrom(new byte[bytes])).build();
  }
}
