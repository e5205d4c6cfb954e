package dev.trunk.internal.lb;

import dev.trunk.ConnectivityState;
import dev.trunk.Status;
import dev.trunk.spi.Endpoint;
import dev.trunk.spi.Subchannel;
import org.jspecify.annotations.Nullable;

/**
 * A subchannel without a connection, for testing policy logic: the test moves it between states.
 * Like the real one it reports its current state on start, and requestConnection moves IDLE to
 * CONNECTING. Single-threaded, as the control context is.
 */
final class FakeSubchannel implements Subchannel {
  final Endpoint endpoint;
  final boolean healthChecked;
  private @Nullable StateListener listener;
  ConnectivityState state = ConnectivityState.IDLE;
  int connectionRequests;
  boolean closed;

  FakeSubchannel(Endpoint endpoint, boolean healthChecked) {
    this.endpoint = endpoint;
    this.healthChecked = healthChecked;
  }

  @Override
  public Endpoint endpoint() {
    return endpoint;
  }

  @Override
  public void start(StateListener listener) {
    if (this.listener != null) {
      throw new IllegalStateException("started twice");
    }
    this.listener = listener;
    listener.onStateChange(state, Status.OK);
  }

  @Override
  public void requestConnection() {
    if (listener == null) {
      throw new IllegalStateException("requestConnection before start");
    }
    connectionRequests++;
    if (state == ConnectivityState.IDLE) {
      report(ConnectivityState.CONNECTING, Status.OK);
    }
  }

  @Override
  public void close() {
    closed = true;
  }

  /** Moves to {@code next} and tells the policy (as the channel would, in the control context). */
  void report(ConnectivityState next, Status status) {
    state = next;
    if (listener != null && !closed) {
      listener.onStateChange(next, status);
    }
  }

  void ready() {
    report(ConnectivityState.READY, Status.OK);
  }

  void fail() {
    report(
        ConnectivityState.TRANSIENT_FAILURE,
        Status.UNAVAILABLE.withDescription("connection refused by " + endpoint));
  }

  @Override
  public String toString() {
    return "FakeSubchannel(" + endpoint + ")";
  }
}
