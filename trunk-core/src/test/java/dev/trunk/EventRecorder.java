package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trunk.EventListener.CallEvents;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * An event listener for tests: records every event, with the thread it came on, per call and per
 * connection, and checks on each event that nothing follows a call's {@code closed}.
 */
final class EventRecorder implements EventListener {
  /** One event: its text (name and arguments) and the thread that reported it. */
  record Event(String text, String thread) {}

  /** The events of one call, in order. */
  static final class Call implements CallEvents {
    final String method;
    final List<Event> events = new CopyOnWriteArrayList<>();
    final List<String> errors = new CopyOnWriteArrayList<>();
    // Each ended attempt's wire bytes: "number sent received".
    final List<String> attemptBytes = new CopyOnWriteArrayList<>();
    // The length of each flow-control stall, in nanoseconds.
    final List<Long> stalls = new CopyOnWriteArrayList<>();
    volatile boolean closed;

    Call(String method) {
      this.method = method;
    }

    private void add(String text) {
      if (closed) {
        errors.add(text + " after closed");
      }
      events.add(new Event(text, Thread.currentThread().getName()));
    }

    List<String> texts() {
      return events.stream().map(Event::text).toList();
    }

    List<String> named(String prefix) {
      return texts().stream().filter(text -> text.startsWith(prefix)).toList();
    }

    @Override
    public void handlerStarted() {
      add("handlerStarted");
    }

    @Override
    public void responseHeaders(Metadata headers) {
      add("responseHeaders");
    }

    @Override
    public void messageSent(long wireSize, long size) {
      add("messageSent " + wireSize + " " + size);
    }

    @Override
    public void messageReceived(long wireSize, long size) {
      add("messageReceived " + wireSize + " " + size);
    }

    @Override
    public void flowControlStalled() {
      add("flowControlStalled");
    }

    @Override
    public void flowControlResumed(long stalledNanos) {
      stalls.add(stalledNanos);
      add("flowControlResumed " + (stalledNanos > 0 ? "after a wait" : "at once"));
    }

    @Override
    public void attemptStarted(Attempt attempt) {
      add("attemptStarted " + attempt.number() + " " + attempt.kind());
    }

    @Override
    public void attemptEnded(Attempt attempt, Status status, long sent, long received) {
      attemptBytes.add(attempt.number() + " " + sent + " " + received);
      add("attemptEnded " + attempt.number() + " " + status.code());
    }

    @Override
    public void aborted(AbortReason reason) {
      add("aborted " + reason);
    }

    @Override
    public void closed(Status status, Metadata trailers) {
      add("closed " + status.code());
      closed = true;
    }
  }

  final List<Call> calls = new CopyOnWriteArrayList<>();
  final List<String> connections = new CopyOnWriteArrayList<>();
  final List<String> rejected = new CopyOnWriteArrayList<>();
  final List<Throwable> handshakeFailures = new CopyOnWriteArrayList<>();
  // Whether each reported connection event was a server's.
  final List<Boolean> serverSide = new CopyOnWriteArrayList<>();

  @Override
  public CallEvents callStarted(CallInfo<?, ?> call, Metadata requestHeaders) {
    Call recorded = new Call(call.method().fullName());
    calls.add(recorded);
    return recorded;
  }

  @Override
  public void connectionOpened(Connection connection) {
    serverSide.add(connection.isServer());
    connections.add("opened " + connection.httpVersion() + " " + connection.tls().isPresent());
  }

  @Override
  public void connectionClosed(Connection connection) {
    serverSide.add(connection.isServer());
    connections.add("closed " + connection.httpVersion() + " " + connection.tls().isPresent());
  }

  @Override
  public void requestRejected(String path, Status status) {
    rejected.add(path + " " + status.code());
  }

  @Override
  public void tlsHandshakeFailed(@Nullable SocketAddress peer, Throwable cause) {
    handshakeFailures.add(cause);
  }

  /** The only call recorded, once it has closed: closed exactly once, last, nothing after. */
  Call onlyCall() throws InterruptedException {
    awaitClosed(1);
    assertThat(calls).hasSize(1);
    return calls.get(0);
  }

  /** Waits until {@code count} calls have closed, then checks every call's closing rules. */
  List<Call> awaitClosed(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (calls.stream().filter(call -> call.closed).count() < count
        && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    Thread.sleep(50); // anything late would arrive now, and be caught
    List<Call> closed = new ArrayList<>(calls);
    for (Call call : closed) {
      assertThat(call.named("closed")).as(call.method + ": " + call.texts()).hasSize(1);
      assertThat(call.texts().get(call.texts().size() - 1)).startsWith("closed");
      assertThat(call.errors).isEmpty();
    }
    return closed;
  }
}
