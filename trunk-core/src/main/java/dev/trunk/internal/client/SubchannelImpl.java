package dev.trunk.internal.client;

import dev.trunk.ConnectivityState;
import dev.trunk.Status;
import dev.trunk.internal.Log;
import dev.trunk.internal.health.v1.HealthCheckResponse.ServingStatus;
import dev.trunk.spi.Endpoint;
import dev.trunk.spi.Subchannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The channel's {@link Subchannel}: the state machine of connectivity-semantics-and-api.md over one
 * {@link EndpointTransport}. IDLE → CONNECTING on request; CONNECTING → READY when a connection is
 * up, or to the endpoint's next address when one fails, or TRANSIENT_FAILURE when all failed;
 * TRANSIENT_FAILURE → IDLE after the backoff (gRFC A62: the balancer decides when to connect
 * again); READY → IDLE when the connection is lost or the server sends GOAWAY. State lives in the
 * control context; transport events are posted there.
 *
 * <p>With health checking (gRFC A17: the balancer asked for it and the service config names a
 * service when a connection comes up), a connection that is up is reported CONNECTING until the
 * server's first {@code Health/Watch} response, then READY while the latest says SERVING and
 * TRANSIENT_FAILURE otherwise.
 */
final class SubchannelImpl implements Subchannel, EndpointTransport.Events, HealthWatch.Listener {
  private static final Log log = Log.of(SubchannelImpl.class);

  private final Endpoint endpoint;
  private final ControlContext control;
  private final EndpointTransport transport;
  private final ConnectionBackoff backoff;
  private final Supplier<@Nullable String> healthService;
  private final ConnectionBackoff healthBackoff;
  private final Runnable onShutdown;

  // Control context only.
  private ConnectivityState state = ConnectivityState.IDLE;
  private @Nullable StateListener listener;
  private @Nullable Object connection;
  private int addressIndex;
  private @Nullable ScheduledFuture<?> backoffTimer;
  private boolean connected; // the connection is up, whatever its health
  private @Nullable HealthWatch watch;
  private String watchedService = "";
  private boolean watchResponded;
  private @Nullable ScheduledFuture<?> watchRetry;
  private boolean healthUnimplementedLogged;

  /**
   * A subchannel connecting with {@code factory}'s transport, waiting {@code backoff} between
   * failed connection attempts. {@code healthService} gives, when a connection comes up, the
   * service to health-check (gRFC A17), or null for none; failed health checks are retried after
   * {@code healthBackoff}.
   */
  SubchannelImpl(
      Endpoint endpoint,
      ControlContext control,
      EndpointTransport.Factory factory,
      ConnectionBackoff backoff,
      Supplier<@Nullable String> healthService,
      ConnectionBackoff healthBackoff,
      Runnable onShutdown) {
    this.endpoint = endpoint;
    this.control = control;
    this.transport = factory.newTransport(this);
    this.backoff = backoff;
    this.healthService = healthService;
    this.healthBackoff = healthBackoff;
    this.onShutdown = onShutdown;
  }

  @Override
  public Endpoint endpoint() {
    return endpoint;
  }

  /** Where calls picked for this subchannel open their streams. */
  EndpointTransport transport() {
    return transport;
  }

  @Override
  public void start(StateListener stateListener) {
    if (listener != null) {
      throw new IllegalStateException("a subchannel is started once");
    }
    listener = stateListener;
    stateListener.onStateChange(state, Status.OK);
  }

  @Override
  public void requestConnection() {
    if (state == ConnectivityState.IDLE) {
      addressIndex = 0;
      connectTo(addressIndex);
    }
  }

  private void connectTo(int index) {
    List<SocketAddress> addresses = endpoint.addresses();
    moveTo(ConnectivityState.CONNECTING, Status.OK);
    try {
      connection = transport.connect(addresses.get(index));
    } catch (RuntimeException e) {
      connection = null; // shut down meanwhile
    }
  }

  @Override
  public void close() {
    shutdown(false);
  }

  /** Closes the transport, now (calls fail) or once its calls are done. */
  void shutdown(boolean now) {
    if (state == ConnectivityState.SHUTDOWN) {
      if (now) {
        transport.shutdownNow();
      }
      return;
    }
    state = ConnectivityState.SHUTDOWN;
    connection = null;
    cancelBackoff();
    stopHealthChecking(); // first: a graceful shutdown waits for open streams, the watch too
    if (now) {
      transport.shutdownNow();
    } else {
      transport.shutdown();
    }
    onShutdown.run();
  }

  // ---- transport events, posted to the control context --------------------------------------

  @Override
  public void onReady(Object ready) {
    control.execute(
        () -> {
          if (ready == connection && !connected) {
            connected = true;
            backoff.reset();
            startHealthChecking();
          }
        });
  }

  @Override
  public void onClosed(Object closed, Status status) {
    control.execute(() -> closed(closed, status));
  }

  private void closed(Object closed, Status status) {
    if (closed != connection) {
      return;
    }
    connection = null;
    if (connected) {
      // A17: a lost connection or a GOAWAY cancels the health check.
      connected = false;
      stopHealthChecking();
      moveTo(ConnectivityState.IDLE, Status.OK);
      return;
    }
    if (++addressIndex < endpoint.addresses().size()) {
      connectTo(addressIndex);
      return;
    }
    moveTo(ConnectivityState.TRANSIENT_FAILURE, status);
    Duration delay = Duration.ofNanos(backoff.nextDelayNanos());
    backoffTimer = control.schedule(this::backoffOver, delay);
  }

  private void backoffOver() {
    backoffTimer = null;
    if (state == ConnectivityState.TRANSIENT_FAILURE) {
      moveTo(ConnectivityState.IDLE, Status.OK);
    }
  }

  private void cancelBackoff() {
    ScheduledFuture<?> timer = backoffTimer;
    if (timer != null) {
      timer.cancel(false);
      backoffTimer = null;
    }
  }

  // ---- health checking (gRFC A17), control context -------------------------------------------

  /** The connection is up: READY at once, or once the health service says SERVING. */
  private void startHealthChecking() {
    String service = healthService.get();
    if (service == null) {
      moveTo(ConnectivityState.READY, Status.OK);
      return;
    }
    watchedService = service;
    healthBackoff.reset();
    startWatch();
  }

  /** Opens the Watch call; until it answers the subchannel is CONNECTING (A17). */
  private void startWatch() {
    moveTo(ConnectivityState.CONNECTING, Status.OK);
    watchResponded = false;
    watch = HealthWatch.start(transport, watchedService, this);
  }

  private void stopHealthChecking() {
    HealthWatch current = watch;
    watch = null;
    if (current != null) {
      current.cancel();
    }
    ScheduledFuture<?> retry = watchRetry;
    watchRetry = null;
    if (retry != null) {
      retry.cancel(false);
    }
  }

  @Override
  public void onStatus(HealthWatch from, ServingStatus status) {
    control.execute(
        () -> {
          if (from != watch) {
            return;
          }
          // A17: a response resets the backoff, so the next attempt starts at once.
          watchResponded = true;
          healthBackoff.reset();
          if (status == ServingStatus.SERVING) {
            moveTo(ConnectivityState.READY, Status.OK);
          } else {
            moveTo(ConnectivityState.TRANSIENT_FAILURE, unhealthy(status.name()));
          }
        });
  }

  @Override
  public void onEnd(HealthWatch from, Status status) {
    control.execute(
        () -> {
          if (from == watch) {
            watchEnded(status);
          }
        });
  }

  /**
   * A17: UNIMPLEMENTED means the server has no health service: health checking is off for this
   * connection and the subchannel is READY. Any other end is TRANSIENT_FAILURE and the call is made
   * again: at once if it had answered, else after the backoff.
   */
  private void watchEnded(Status status) {
    watch = null;
    if (status.code() == Status.Code.UNIMPLEMENTED) {
      if (!healthUnimplementedLogged) {
        healthUnimplementedLogged = true;
        log.warn(
            "{} does not implement the health service (grpc.health.v1.Health/Watch: {}); health"
                + " checking is disabled for it and it counts as healthy",
            address(),
            status);
      }
      moveTo(ConnectivityState.READY, Status.OK);
      return;
    }
    moveTo(
        ConnectivityState.TRANSIENT_FAILURE, unhealthy("the health check call failed: " + status));
    long delay = watchResponded ? 0 : healthBackoff.nextDelayNanos();
    Object failedOn = connection;
    watchRetry =
        control.schedule(
            () -> {
              // A timer cancelled too late still runs: only for the same, still usable connection.
              if (connected && connection == failedOn && watch == null) {
                watchRetry = null;
                startWatch();
              }
            },
            Duration.ofNanos(delay));
  }

  private Status unhealthy(String why) {
    String service = watchedService.isEmpty() ? "the server" : "'" + watchedService + "'";
    return Status.UNAVAILABLE.withDescription(
        "health check of " + service + " on " + address() + ": " + why);
  }

  /** The address of the current connection, as host:port. */
  private String address() {
    SocketAddress address = endpoint.addresses().get(addressIndex);
    if (address instanceof InetSocketAddress inet) {
      String host = inet.getHostString();
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
    }
    return address.toString();
  }

  private void moveTo(ConnectivityState next, Status status) {
    if (state == ConnectivityState.SHUTDOWN
        || (state == next && next != ConnectivityState.TRANSIENT_FAILURE)) {
      return;
    }
    state = next;
    StateListener current = listener;
    if (current != null) {
      current.onStateChange(next, status);
    }
  }

  @Override
  public String toString() {
    return "Subchannel(" + endpoint + ", " + state + ")";
  }
}
