package dev.trunk.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trunk.EventListener;
import dev.trunk.Metadata;
import dev.trunk.MethodDescriptor;
import dev.trunk.Status;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DebugPageTest {
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String TRACEPARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";

  private final AtomicLong millis = new AtomicLong(1_000_000_000_000L);
  private final AtomicLong nanos = new AtomicLong();
  private final DebugPage page = new DebugPage(millis::get, nanos::get);
  private final EventListener listener = page.serverListener();

  private EventListener.CallEvents start(
      String method, MethodDescriptor.Type type, Metadata headers) {
    return listener.callStarted(Fakes.call(method, type), headers);
  }

  private void call(String method, Status status, long durationMillis) {
    EventListener.CallEvents call = start(method, MethodDescriptor.Type.UNARY, new Metadata());
    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(durationMillis));
    call.closed(status, new Metadata());
  }

  @Test
  void aFailedCallIsListedWithItsStatusMessagePeerAndTheTraceIdOfItsTraceparent() {
    EventListener.CallEvents call =
        start(
            "pkg.Svc/Get",
            MethodDescriptor.Type.UNARY,
            new Metadata().add(TraceParent.HEADER, TRACEPARENT));
    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(3));
    call.closed(Status.NOT_FOUND.withDescription("no such <thing>"), new Metadata());

    assertThat(page.failedCalls())
        .singleElement()
        .satisfies(
            failed -> {
              assertThat(failed.method()).isEqualTo("pkg.Svc/Get");
              assertThat(failed.status()).isEqualTo("NOT_FOUND");
              assertThat(failed.message()).isEqualTo("no such <thing>");
              assertThat(failed.durationMillis()).isEqualTo(3.0);
              assertThat(failed.peer()).isEqualTo(Fakes.PEER.toString());
              assertThat(failed.traceId()).isEqualTo(TRACE_ID);
            });
    assertThat(page.slowCalls()).isEmpty();
    assertThat(page.methods().get("pkg.Svc/Get").errors()).isEqualTo(1);
  }

  @Test
  void aMalformedTraceparentGivesNoTraceId() {
    assertThat(TraceParent.traceId("00-" + TRACE_ID + "-00f067aa0ba902b7")).isNull();
    assertThat(TraceParent.traceId(null)).isNull();
    assertThat(TraceParent.traceId(TRACEPARENT)).isEqualTo(TRACE_ID);
  }

  @Test
  void onlyUnaryCallsOverTheThresholdAreListedAsSlow() {
    call("pkg.Svc/Fast", Status.OK, 100);
    call("pkg.Svc/Slow", Status.OK, 101);
    EventListener.CallEvents stream =
        start("pkg.Svc/Watch", MethodDescriptor.Type.SERVER_STREAMING, new Metadata());
    nanos.addAndGet(TimeUnit.SECONDS.toNanos(30));
    stream.closed(Status.OK, new Metadata());

    assertThat(page.slowCalls())
        .extracting(RecentCalls.Ended::method)
        .containsExactly("pkg.Svc/Slow");
  }

  @Test
  void theRecentCallListsKeepTheNewestFiftyNewestFirst() {
    for (int i = 0; i < RecentCalls.CAPACITY + 10; i++) {
      call("pkg.Svc/Get", Status.INTERNAL.withDescription("failure " + i), 1);
    }

    assertThat(page.failedCalls()).hasSize(RecentCalls.CAPACITY);
    assertThat(page.failedCalls().get(0).message()).isEqualTo("failure 59");
    assertThat(page.failedCalls().get(RecentCalls.CAPACITY - 1).message()).isEqualTo("failure 10");
  }

  @Test
  void longStatusMessagesAreCut() {
    call("pkg.Svc/Get", Status.INTERNAL.withDescription("x".repeat(1000)), 1);

    assertThat(page.failedCalls().get(0).message()).hasSize(DebugPage.MAX_MESSAGE_CHARS + 1);
  }

  @Test
  void methodsBeyondTheBoundAreCountedAsOther() {
    for (int i = 0; i < MethodNames.MAX_NAMES + 5; i++) {
      call("pkg.Svc/M" + i, Status.OK, 1);
    }

    assertThat(page.methods()).hasSize(MethodNames.MAX_NAMES + 1);
    assertThat(page.methods().get(MethodNames.OTHER).calls()).isEqualTo(5);
    assertThat(page.methods().get("pkg.Svc/M0").calls()).isEqualTo(1);
  }

  @Test
  void callsAndConnectionsAreOpenFromStartToEnd() {
    EventListener.Connection connection = Fakes.connection(true, "h2");
    listener.connectionOpened(connection);
    EventListener.CallEvents call =
        start("pkg.Svc/Chat", MethodDescriptor.Type.BIDI_STREAMING, new Metadata());
    millis.addAndGet(5_000);

    assertThat(page.openCalls())
        .singleElement()
        .satisfies(
            open -> {
              assertThat(open.method()).isEqualTo("pkg.Svc/Chat");
              assertThat(page.nowMillis() - open.startedAtMillis()).isEqualTo(5_000);
            });
    assertThat(page.connections()).extracting(entry -> entry.getKey()).containsExactly(connection);

    call.closed(Status.CANCELLED, new Metadata());
    listener.connectionClosed(connection);

    assertThat(page.openCalls()).isEmpty();
    assertThat(page.connections()).isEmpty();
  }

  @Test
  void theStatsDocumentEscapesWhatClientsChose() {
    call("pkg.Svc/Get", Status.INTERNAL.withDescription("<img src=x onerror=alert(1)>"), 1);

    String json = DebugJson.stats(page);

    assertThat(json)
        .contains("\\u003cimg src=x onerror=alert(1)\\u003e")
        .doesNotContain("<img")
        .contains("\"method\":\"pkg.Svc/Get\",\"calls\":1,")
        .contains("\"connections\":{\"open\":0,\"oldest\":[]}");
  }
}
