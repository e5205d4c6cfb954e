package dev.trunk.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.StringValue;
import dev.trunk.CallOptions;
import dev.trunk.Channel;
import dev.trunk.Server;
import dev.trunk.StatusException;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/** The access log on a traced Trunk server, over real sockets. */
class AccessLogTest {
  private final Traced traced = new Traced();
  private final EchoService service = new EchoService();
  private final RecordingLogger logger = new RecordingLogger(true);
  private @Nullable Server server;
  private @Nullable Channel channel;

  private void start(AccessLog accessLog) throws Exception {
    server =
        Server.builder()
            .address("127.0.0.1", 0)
            .service(service.definition())
            .eventListener(traced.telemetry().serverTracing())
            .intercept(accessLog)
            .build()
            .start();
    channel = Channel.forAddress("127.0.0.1", server.port()).build();
  }

  @AfterEach
  void close() throws Exception {
    if (channel != null) {
      channel.close();
      server.close();
    }
    traced.close();
  }

  @Test
  void aCallIsOneInfoLineWithItsFieldsAndTheServerSpansIds() throws Exception {
    start(AccessLog.to(logger));

    channel.unaryCall(EchoService.ECHO, StringValue.of("hello"), CallOptions.DEFAULT);

    SpanData serverSpan = Traced.only(traced.awaitSpans(1), SpanKind.SERVER);
    RecordingLogger.Line line = awaitLine();
    assertThat(line.level()).isEqualTo(Level.INFO);
    assertThat(line.message()).startsWith(EchoService.ECHO.fullName() + " OK in ");
    assertThat(line.fields())
        .containsEntry("grpc.method", EchoService.ECHO.fullName())
        .containsEntry("grpc.status", "OK")
        .containsEntry("side", "server")
        .containsEntry("requests", "1")
        .containsEntry("request_bytes", String.valueOf(StringValue.of("hello").getSerializedSize()))
        .containsEntry("responses", "1")
        .containsEntry("trace_id", serverSpan.getTraceId())
        .containsEntry("span_id", serverSpan.getSpanId());
    assertThat(line.fields().get("peer")).contains("127.0.0.1");
    assertThat(Double.parseDouble(line.fields().get("duration_ms"))).isPositive();
  }

  @Test
  void aFailedCallIsAWarningWithItsStatusAndMessage() throws Exception {
    start(AccessLog.to(logger));

    assertThatThrownBy(
            () ->
                channel.unaryCall(
                    EchoService.FAIL, StringValue.of("NOT_FOUND"), CallOptions.DEFAULT))
        .isInstanceOf(StatusException.class);

    RecordingLogger.Line line = awaitLine();
    assertThat(line.level()).isEqualTo(Level.WARN);
    assertThat(line.fields()).containsEntry("grpc.status", "NOT_FOUND");
    assertThat(line.message())
        .startsWith(EchoService.FAIL.fullName() + " NOT_FOUND in ")
        .endsWith(" ms: as asked");
  }

  @Test
  void payloadsAreLoggedOnlyForTheNamedMethodsAndCutToTheLimit() throws Exception {
    start(AccessLog.to(logger).withPayloads(8, EchoService.ECHO.fullName()));

    channel.unaryCall(EchoService.ECHO, StringValue.of("a long request text"), CallOptions.DEFAULT);
    assertThatThrownBy(
            () ->
                channel.unaryCall(
                    EchoService.FAIL, StringValue.of("INTERNAL"), CallOptions.DEFAULT))
        .isInstanceOf(StatusException.class);

    awaitLines(2);
    List<RecordingLogger.Line> debug =
        logger.lines().stream().filter(l -> l.level() == Level.DEBUG).toList();
    assertThat(debug).hasSize(2);
    assertThat(debug.get(0).message())
        .isEqualTo(EchoService.ECHO.fullName() + " request: \"a long …(21 chars)");
    assertThat(debug.get(1).message()).startsWith(EchoService.ECHO.fullName() + " response: ");
  }

  @Test
  void aPayloadLimitMustBePositive() {
    assertThatThrownBy(() -> AccessLog.create().withPayloads(0, "a/b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("positive");
  }

  private RecordingLogger.Line awaitLine() throws InterruptedException {
    return awaitLines(1).get(0);
  }

  /** The call lines (INFO or WARN), once there are {@code count}: the server logs them last. */
  private List<RecordingLogger.Line> awaitLines(int count) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      List<RecordingLogger.Line> calls =
          logger.lines().stream().filter(l -> l.level() != Level.DEBUG).toList();
      if (calls.size() >= count) {
        return calls;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no access log line within 10 s: " + logger.lines());
  }
}
