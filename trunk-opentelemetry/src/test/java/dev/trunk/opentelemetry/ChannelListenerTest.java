package dev.trunk.opentelemetry;

import static dev.trunk.opentelemetry.Labels.ABORT_REASON;
import static dev.trunk.opentelemetry.Labels.ATTEMPT_KIND;
import static dev.trunk.opentelemetry.Labels.ERROR_TYPE;
import static dev.trunk.opentelemetry.Labels.METHOD;
import static dev.trunk.opentelemetry.Labels.PROTOCOL_VERSION;
import static dev.trunk.opentelemetry.Labels.STATUS;
import static dev.trunk.opentelemetry.Labels.TARGET;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trunk.EventListener;
import dev.trunk.EventListener.AbortReason;
import dev.trunk.EventListener.Attempt;
import dev.trunk.EventListener.AttemptKind;
import dev.trunk.EventListener.CallEvents;
import dev.trunk.EventListener.Connection;
import dev.trunk.Metadata;
import dev.trunk.Status;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ChannelListenerTest {
  private static final String TARGET_NAME = "dns:///backend:8080";
  private static final String GET = "pkg.Svc/Get";
  private static final Attributes GET_AT_TARGET = Attributes.of(METHOD, GET, TARGET, TARGET_NAME);

  private final Recorded recorded = new Recorded();
  private final EventListener listener =
      TrunkTelemetry.create(recorded.openTelemetry()).channelListener(TARGET_NAME);

  @AfterEach
  void close() {
    recorded.close();
  }

  private static Attributes with(Attributes base, String key, String value) {
    return base.toBuilder().put(key, value).build();
  }

  @Test
  void eachAttemptIsCountedTimedAndSizedAndTheCallTimedOnce() {
    CallEvents call = listener.callStarted(Fakes.unary(GET), new Metadata());
    Attempt first = new Attempt(1, AttemptKind.FIRST);
    Attempt retry = new Attempt(2, AttemptKind.RETRY);
    call.attemptStarted(first);
    call.attemptEnded(first, Status.UNAVAILABLE, 5, 0);
    call.attemptStarted(retry);
    call.attemptEnded(retry, Status.OK, 5, 12);
    call.closed(Status.OK, new Metadata());

    Attributes ok = with(GET_AT_TARGET, STATUS.getKey(), "OK");
    Attributes unavailable = with(GET_AT_TARGET, STATUS.getKey(), "UNAVAILABLE");
    assertThat(recorded.counter("grpc.client.attempt.started", "{attempt}", GET_AT_TARGET))
        .isEqualTo(2);
    assertThat(recorded.histogram("grpc.client.attempt.duration", "s", ok).getCount()).isEqualTo(1);
    assertThat(recorded.histogram("grpc.client.attempt.duration", "s", unavailable).getCount())
        .isEqualTo(1);
    assertThat(
            recorded
                .histogram("grpc.client.attempt.rcvd_total_compressed_message_size", "By", ok)
                .getSum())
        .isEqualTo(12);
    assertThat(
            recorded
                .histogram(
                    "grpc.client.attempt.sent_total_compressed_message_size", "By", unavailable)
                .getSum())
        .isEqualTo(5);
    HistogramPointData callDuration = recorded.histogram("grpc.client.call.duration", "s", ok);
    assertThat(callDuration.getCount()).isEqualTo(1);
    assertThat(callDuration.getBoundaries()).isEqualTo(Buckets.LATENCY_SECONDS);
  }

  @Test
  void attemptsBeyondTheFirstAreCountedAsRetriesByKind() {
    CallEvents call = listener.callStarted(Fakes.unary(GET), new Metadata());
    call.attemptStarted(new Attempt(1, AttemptKind.FIRST));
    call.attemptStarted(new Attempt(2, AttemptKind.RETRY));
    call.attemptStarted(new Attempt(3, AttemptKind.HEDGE));
    call.attemptStarted(new Attempt(4, AttemptKind.TRANSPARENT));

    for (String kind : new String[] {"retry", "hedge", "transparent"}) {
      assertThat(
              recorded.counter(
                  "trunk.client.call.retries",
                  "{attempt}",
                  with(GET_AT_TARGET, ATTEMPT_KIND.getKey(), kind)))
          .as(kind)
          .isEqualTo(1);
    }
    assertThat(
            recorded
                .metric(
                    "trunk.client.call.retries",
                    io.opentelemetry.sdk.metrics.data.MetricDataType.LONG_SUM,
                    "{attempt}")
                .getLongSumData()
                .getPoints())
        .hasSize(3);
  }

  @Test
  void stallsAndAbortsCarryTheMethodAndTarget() {
    CallEvents call = listener.callStarted(Fakes.unary(GET), new Metadata());
    call.flowControlStalled();
    call.flowControlResumed(1_000);
    call.aborted(AbortReason.CONNECTION_CLOSED);

    assertThat(recorded.counter("trunk.client.flow_control.stalls", "{stall}", GET_AT_TARGET))
        .isEqualTo(1);
    assertThat(
            recorded
                .histogram("trunk.client.flow_control.stall.duration", "s", GET_AT_TARGET)
                .getCount())
        .isEqualTo(1);
    assertThat(
            recorded.counter(
                "trunk.client.stream.aborted",
                "{stream}",
                with(GET_AT_TARGET, ABORT_REASON.getKey(), "connection_closed")))
        .isEqualTo(1);
  }

  @Test
  void connectionsAndTlsFailuresCarryTheTarget() {
    Connection connection = Fakes.connection(false, "h2");
    listener.connectionOpened(connection);
    listener.connectionOpened(Fakes.connection(false, "h2"));
    listener.connectionClosed(connection);
    listener.tlsHandshakeFailed(Fakes.PEER, new SSLHandshakeException("Received fatal alert"));

    Attributes target = Attributes.of(TARGET, TARGET_NAME);
    assertThat(
            recorded.counter(
                "trunk.client.connection.opened",
                "{connection}",
                with(target, PROTOCOL_VERSION.getKey(), "2")))
        .isEqualTo(2);
    assertThat(recorded.upDown("trunk.client.connection.open", "{connection}", target))
        .isEqualTo(1);
    assertThat(
            recorded.counter(
                "trunk.client.tls.handshake.failures",
                "{handshake}",
                with(target, ERROR_TYPE.getKey(), "protocol")))
        .isEqualTo(1);
  }
}
