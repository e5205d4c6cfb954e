package dev.trunk.opentelemetry;

import static dev.trunk.opentelemetry.Labels.ABORT_REASON;
import static dev.trunk.opentelemetry.Labels.ERROR_TYPE;
import static dev.trunk.opentelemetry.Labels.METHOD;
import static dev.trunk.opentelemetry.Labels.PROTOCOL_VERSION;
import static dev.trunk.opentelemetry.Labels.STATUS;
import static dev.trunk.opentelemetry.Labels.TRACE_PARENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.trunk.EventListener;
import dev.trunk.EventListener.AbortReason;
import dev.trunk.EventListener.CallEvents;
import dev.trunk.EventListener.Connection;
import dev.trunk.Metadata;
import dev.trunk.MethodDescriptor;
import dev.trunk.Status;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import java.security.cert.CertificateException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ServerListenerTest {
  private static final String GET = "pkg.Svc/Get";
  private static final String WATCH = "pkg.Svc/Watch";
  private static final Attributes GET_METHOD = Attributes.of(METHOD, GET);
  private static final String VALID_PARENT =
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  private final Recorded recorded = new Recorded();
  private final EventListener listener =
      TrunkTelemetry.create(recorded.openTelemetry()).serverListener();

  @AfterEach
  void close() {
    recorded.close();
  }

  @Test
  void aUnaryCallIsCountedTimedSizedAndNoLongerActiveOnceClosed() {
    CallEvents call = listener.callStarted(Fakes.unary(GET), new Metadata());
    call.messageReceived(10, 20);
    call.handlerStarted();
    call.messageSent(7, 9);
    call.closed(Status.OK, new Metadata());

    Attributes ok = GET_METHOD.toBuilder().put(STATUS, "OK").build();
    assertThat(recorded.counter("grpc.server.call.started", "{call}", GET_METHOD)).isEqualTo(1);
    HistogramPointData duration = recorded.histogram("grpc.server.call.duration", "s", ok);
    assertThat(duration.getCount()).isEqualTo(1);
    assertThat(duration.getBoundaries()).isEqualTo(Buckets.LATENCY_SECONDS);
    HistogramPointData sent =
        recorded.histogram("grpc.server.call.sent_total_compressed_message_size", "By", ok);
    assertThat(sent.getSum()).isEqualTo(7);
    assertThat(sent.getBoundaries()).hasSize(Buckets.SIZE_BYTES.size());
    assertThat(
            recorded
                .histogram("grpc.server.call.rcvd_total_compressed_message_size", "By", ok)
                .getSum())
        .isEqualTo(10);
    assertThat(recorded.upDown("trunk.server.call.active", "{call}", GET_METHOD)).isZero();
    assertThat(recorded.histogram("trunk.server.call.queue.duration", "s", GET_METHOD).getCount())
        .isEqualTo(1);
    assertThat(recorded.has("trunk.server.stream.opened")).isFalse();
    assertThat(recorded.has("trunk.server.stream.duration")).isFalse();
  }

  @Test
  void serversOfTwoTelemetriesOnOneOpenTelemetryCountEachCallOnce() {
    EventListener second = TrunkTelemetry.create(recorded.openTelemetry()).serverListener();

    listener.callStarted(Fakes.unary(GET), new Metadata());
    second.callStarted(Fakes.unary(GET), new Metadata());

    assertThat(recorded.counter("grpc.server.call.started", "{call}", GET_METHOD)).isEqualTo(2);
    assertThat(recorded.upDown("trunk.server.call.active", "{call}", GET_METHOD)).isEqualTo(2);
  }

  @Test
  void aRunningCallIsActive() {
    listener.callStarted(Fakes.unary(GET), new Metadata());

    assertThat(recorded.upDown("trunk.server.call.active", "{call}", GET_METHOD)).isEqualTo(1);
  }

  @Test
  void aFailedCallCarriesItsStatusCodeName() {
    listener
        .callStarted(Fakes.unary(GET), new Metadata())
        .closed(Status.DEADLINE_EXCEEDED.withDescription("late"), new Metadata());

    Attributes late = GET_METHOD.toBuilder().put(STATUS, "DEADLINE_EXCEEDED").build();
    assertThat(recorded.histogram("grpc.server.call.duration", "s", late).getCount()).isEqualTo(1);
  }

  @Test
  void aStreamingCallIsCountedAsAStreamWithLongStreamBuckets() {
    listener
        .callStarted(Fakes.call(WATCH, MethodDescriptor.Type.BIDI_STREAMING), new Metadata())
        .closed(Status.CANCELLED, new Metadata());

    Attributes watch = Attributes.of(METHOD, WATCH);
    assertThat(recorded.counter("trunk.server.stream.opened", "{stream}", watch)).isEqualTo(1);
    HistogramPointData lifetime =
        recorded.histogram(
            "trunk.server.stream.duration",
            "s",
            watch.toBuilder().put(STATUS, "CANCELLED").build());
    assertThat(lifetime.getCount()).isEqualTo(1);
    assertThat(lifetime.getBoundaries()).isEqualTo(Buckets.STREAM_SECONDS);
    assertThat(lifetime.getBoundaries().get(lifetime.getBoundaries().size() - 1))
        .isEqualTo(24 * 3600.0);
  }

  @Test
  void aCallWithAValidTraceparentCountsAsTracedRemotely() {
    listener.callStarted(Fakes.unary(GET), new Metadata().add(TraceParent.HEADER, VALID_PARENT));
    listener.callStarted(Fakes.unary(GET), new Metadata());
    listener.callStarted(
        Fakes.unary(GET), new Metadata().add(TraceParent.HEADER, "00-not-a-trace-01"));

    assertThat(
            recorded.counter(
                "trunk.server.call.traced",
                "{call}",
                GET_METHOD.toBuilder().put(TRACE_PARENT, "remote").build()))
        .isEqualTo(1);
    assertThat(
            recorded.counter(
                "trunk.server.call.traced",
                "{call}",
                GET_METHOD.toBuilder().put(TRACE_PARENT, "none").build()))
        .isEqualTo(2);
  }

  @Test
  void stallsAreCountedAndTimed() {
    CallEvents call = listener.callStarted(Fakes.unary(GET), new Metadata());
    call.flowControlStalled();
    call.flowControlResumed(5_000_000);

    assertThat(recorded.counter("trunk.server.flow_control.stalls", "{stall}", GET_METHOD))
        .isEqualTo(1);
    assertThat(
            recorded
                .histogram("trunk.server.flow_control.stall.duration", "s", GET_METHOD)
                .getSum())
        .isCloseTo(0.005, within(1e-9));
  }

  @Test
  void abortedStreamsAreCountedByReason() {
    CallEvents call = listener.callStarted(Fakes.unary(GET), new Metadata());
    call.aborted(AbortReason.RESET_BY_PEER);
    call.closed(Status.CANCELLED, new Metadata());
    listener.callStarted(Fakes.unary(GET), new Metadata()).aborted(AbortReason.DEADLINE_EXCEEDED);

    assertThat(
            recorded.counter(
                "trunk.server.stream.aborted",
                "{stream}",
                GET_METHOD.toBuilder().put(ABORT_REASON, "reset_by_peer").build()))
        .isEqualTo(1);
    assertThat(
            recorded.counter(
                "trunk.server.stream.aborted",
                "{stream}",
                GET_METHOD.toBuilder().put(ABORT_REASON, "deadline_exceeded").build()))
        .isEqualTo(1);
  }

  @Test
  void connectionsAreCountedByHttpVersionAndOpenOnesGauged() {
    Connection h2 = Fakes.connection(true, "h2");
    Connection http1 = Fakes.connection(true, "http/1.1");
    listener.connectionOpened(h2);
    listener.connectionOpened(http1);
    listener.connectionClosed(h2);

    assertThat(
            recorded.counter(
                "trunk.server.connection.opened",
                "{connection}",
                Attributes.of(PROTOCOL_VERSION, "2")))
        .isEqualTo(1);
    assertThat(
            recorded.counter(
                "trunk.server.connection.opened",
                "{connection}",
                Attributes.of(PROTOCOL_VERSION, "1.1")))
        .isEqualTo(1);
    assertThat(recorded.upDown("trunk.server.connection.open", "{connection}", Attributes.empty()))
        .isEqualTo(1);
  }

  @Test
  void tlsHandshakeFailuresAreCountedByKind() {
    listener.tlsHandshakeFailed(
        Fakes.PEER, new SSLHandshakeException("no cipher suites in common"));
    SSLHandshakeException untrusted = new SSLHandshakeException("PKIX path building failed");
    untrusted.initCause(new CertificateException("unable to find valid certification path"));
    listener.tlsHandshakeFailed(Fakes.PEER, untrusted);
    listener.tlsHandshakeFailed(null, new TimeoutException("handshake timed out after 10000ms"));
    listener.tlsHandshakeFailed(null, new IllegalStateException("closed"));

    for (String kind : new String[] {"protocol", "certificate", "timeout", "other"}) {
      assertThat(
              recorded.counter(
                  "trunk.server.tls.handshake.failures",
                  "{handshake}",
                  Attributes.of(ERROR_TYPE, kind)))
          .as(kind)
          .isEqualTo(1);
    }
  }

  @Test
  void methodsBeyondTheBoundAreLabelledOther() {
    for (int i = 0; i < MethodNames.MAX_NAMES; i++) {
      listener.callStarted(Fakes.unary("pkg.Svc/M" + i), new Metadata());
    }
    listener.callStarted(Fakes.unary("pkg.Svc/OneTooMany"), new Metadata());
    listener.callStarted(Fakes.unary("pkg.Svc/M0"), new Metadata());

    assertThat(
            recorded.counter(
                "grpc.server.call.started", "{call}", Attributes.of(METHOD, MethodNames.OTHER)))
        .isEqualTo(1);
    assertThat(
            recorded.counter(
                "grpc.server.call.started", "{call}", Attributes.of(METHOD, "pkg.Svc/M0")))
        .isEqualTo(2);
  }
}
