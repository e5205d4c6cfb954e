package dev.trunk.internal.client;

import dev.trunk.ConnectivityState;
import dev.trunk.Status;
import dev.trunk.spi.Endpoint;
import dev.trunk.spi.Subchannel;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

/**
 * The channel's {@link Subchannel}: the state machine of connectivity-semantics-and-api.md over one
 * {@link EndpointTransport}. IDLE → CONNECTING on request; CONNECTING → READY when a connection is
 * up, or to the endpoint's next address when one fails, or TRANSIENT_FAILURE when all failed;
 * TRANSIENT_FAILURE → IDLE after the backoff (gRFC A62: the balancer decides when to connect
 * again); READY → IDLE when the connection is lost or the server sends GOAWAY. State lives in the
 * control context; transport events are posted there.
 */
final class SubchannelImpl implements Subchannel, EndpointTransport.Events {
  private final Endpoint endpoint;
  private final ControlContext control;
  private final EndpointTransport transport;
  private final ConnectionBackoff backoff;
  private final Runnable onShutdown;

  // Control context only.
  private ConnectivityState state = ConnectivityState.IDLE;
  private @Nullable StateListener listener;
  private @Nullable Object connection;
  private int addressIndex;
  private @Nullable Status lastFailure;
  private @Nullable ScheduledFuture<?> backoffTimer;

  SubchannelImpl(
      Endpoint endpoint,
      ControlContext control,
      EndpointTransport.Factory factory,
      ConnectionBackoff backoff,
      Runnable onShutdown) {
    this.endpoint = endpoint;
    this.control = control;
    this.transport = factory.newTransport(this);
    this.backoff = backoff;
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
          if (ready == connection) {
            backoff.reset();
            lastFailure = null;
            moveTo(ConnectivityState.READY, Status.OK);
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
    if (state == ConnectivityState.READY) {
      moveTo(ConnectivityState.IDLE, Status.OK);
      return;
    }
    lastFailure = status;
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

  /** The last connection failure, for the status of calls that cannot be placed. */
  @Nullable Status lastFailure() {
    return lastFailure;
  }

  @Override
  public String toString() {
    return "Subchannel(" + endpoint + ", " + state + ")";
  }
}
