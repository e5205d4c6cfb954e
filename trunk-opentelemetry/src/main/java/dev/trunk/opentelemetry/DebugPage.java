package dev.trunk.opentelemetry;

import static java.util.Objects.requireNonNull;

import dev.trunk.CallInfo;
import dev.trunk.Channel;
import dev.trunk.EventListener;
import dev.trunk.Metadata;
import dev.trunk.MethodDescriptor;
import dev.trunk.Status;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * A server's debug page, served by an {@link AdminServer} at {@code /debug}: per method the call
 * rate, error rate and p50/p99 latency of the last minute, the recent slow and failed calls with
 * their status and trace id, the open connections and calls, and a form that calls a unary method
 * with a JSON request, found by the server's reflection. Plain Java: it needs no OpenTelemetry.
 *
 * <pre>{@code
 * DebugPage debug = DebugPage.create();
 * AdminServer admin = AdminServer.builder().port(9464).debugPage(debug).start();
 * Server server = Server.builder().port(8080).service(new MyService()).reflection()
 *     .eventListener(debug.serverListener()).build().start();
 * debug.callThrough(Channel.forAddress("127.0.0.1", server.port()).plaintext().build());
 * }</pre>
 *
 * <p>The form makes real calls with whatever the person at the page types: keep the admin port on
 * the loopback address (its default) or behind access control, never open to the service's clients.
 * Memory stays bounded: methods as {@code grpc.method} labels are (a thousand at most, then {@code
 * other}), a minute of counts per method, the last {@value RecentCalls#CAPACITY} slow and failed
 * calls.
 */
public final class DebugPage {
  /**
   * A unary call that took longer than this is listed as slow (the guide's p95 target is 200 ms).
   */
  static final long SLOW_CALL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /** Characters of a status message kept for the failed-calls list; longer ones are cut. */
  static final int MAX_MESSAGE_CHARS = 300;

  private final LongSupplier clockMillis;
  private final LongSupplier clockNanos;
  private final MethodNames names = new MethodNames();
  private final Map<String, CallWindow> windows = new ConcurrentHashMap<>();
  private final RecentCalls slow = new RecentCalls();
  private final RecentCalls failed = new RecentCalls();
  private final Map<EventListener.Connection, Long> connections = new ConcurrentHashMap<>();
  private final Set<OpenCall> openCalls = ConcurrentHashMap.newKeySet();
  private volatile @Nullable Channel channel;

  DebugPage(LongSupplier clockMillis, LongSupplier clockNanos) {
    this.clockMillis = clockMillis;
    this.clockNanos = clockNanos;
  }

  /** An empty debug page; give its {@link #serverListener()} to the server it shows. */
  public static DebugPage create() {
    return new DebugPage(System::currentTimeMillis, System::nanoTime);
  }

  /**
   * The listener for {@code Server.Builder.eventListener} that records what the page shows. One
   * server per page.
   */
  public EventListener serverListener() {
    return new Listener();
  }

  /**
   * The channel the page's form calls the server through (and asks its reflection service for the
   * methods): a channel to the server's own address, with its TLS settings if it has TLS. The page
   * does not close it. Without one the form says it is off.
   */
  public void callThrough(Channel channel) {
    this.channel = requireNonNull(channel, "channel");
  }

  Optional<Channel> channel() {
    return Optional.ofNullable(channel);
  }

  long nowMillis() {
    return clockMillis.getAsLong();
  }

  /** Each method's last minute, by method name. */
  Map<String, CallWindow.Snapshot> methods() {
    long now = nowMillis();
    Map<String, CallWindow.Snapshot> snapshots = new TreeMap<>();
    windows.forEach((method, window) -> snapshots.put(method, window.snapshot(now)));
    return snapshots;
  }

  List<RecentCalls.Ended> slowCalls() {
    return slow.newestFirst();
  }

  List<RecentCalls.Ended> failedCalls() {
    return failed.newestFirst();
  }

  /** The open connections with when each opened, oldest first. */
  List<Map.Entry<EventListener.Connection, Long>> connections() {
    List<Map.Entry<EventListener.Connection, Long>> open = new ArrayList<>(connections.entrySet());
    open.sort(Map.Entry.comparingByValue());
    return open;
  }

  /** The calls started and not yet ended, oldest first. */
  List<OpenCall> openCalls() {
    List<OpenCall> open = new ArrayList<>(openCalls);
    open.sort(Comparator.comparingLong(OpenCall::startedAtMillis));
    return open;
  }

  private void ended(OpenCall call, Status status) {
    openCalls.remove(call);
    long nanos = clockNanos.getAsLong() - call.startNanos;
    long now = nowMillis();
    windows
        .computeIfAbsent(call.method, name -> new CallWindow())
        .record(now, status.code(), nanos);
    boolean isFailed = !status.isOk();
    boolean isSlow = call.unary && nanos > SLOW_CALL_NANOS;
    if (!isFailed && !isSlow) {
      return;
    }
    RecentCalls.Ended ended =
        new RecentCalls.Ended(
            call.method,
            status.code().name(),
            message(status),
            nanos / 1e6,
            call.peer,
            call.traceId,
            now);
    if (isFailed) {
      failed.add(ended);
    }
    if (isSlow) {
      slow.add(ended);
    }
  }

  private static String message(Status status) {
    String description = status.description();
    if (description == null) {
      return "";
    }
    return description.length() <= MAX_MESSAGE_CHARS
        ? description
        : description.substring(0, MAX_MESSAGE_CHARS) + "…";
  }

  /** A call started and not yet ended: its listener, and what the page shows of it. */
  final class OpenCall implements EventListener.CallEvents {
    private final String method;
    private final boolean unary;
    private final String peer;
    private final @Nullable String traceId;
    private final long startNanos = clockNanos.getAsLong();
    private final long startedAtMillis = nowMillis();

    OpenCall(String method, boolean unary, String peer, @Nullable String traceId) {
      this.method = method;
      this.unary = unary;
      this.peer = peer;
      this.traceId = traceId;
    }

    String method() {
      return method;
    }

    String peer() {
      return peer;
    }

    long startedAtMillis() {
      return startedAtMillis;
    }

    @Override
    public void closed(Status status, Metadata trailers) {
      ended(this, status);
    }
  }

  private final class Listener implements EventListener {
    @Override
    public CallEvents callStarted(CallInfo<?, ?> call, Metadata requestHeaders) {
      MethodDescriptor<?, ?> method = call.method();
      OpenCall open =
          new OpenCall(
              names.label(method.fullName()),
              method.type() == MethodDescriptor.Type.UNARY,
              call.peer().map(String::valueOf).orElse(""),
              TraceParent.traceId(requestHeaders.get(TraceParent.HEADER)));
      openCalls.add(open);
      return open;
    }

    @Override
    public void connectionOpened(Connection connection) {
      connections.put(connection, nowMillis());
    }

    @Override
    public void connectionClosed(Connection connection) {
      connections.remove(connection);
    }
  }
}
