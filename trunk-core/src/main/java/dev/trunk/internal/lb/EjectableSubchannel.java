package dev.trunk.internal.lb;

import dev.trunk.ConnectivityState;
import dev.trunk.Status;
import dev.trunk.spi.Endpoint;
import dev.trunk.spi.Subchannel;
import org.jspecify.annotations.Nullable;

/**
 * gRFC A50's subchannel wrapper: what {@code outlier_detection_experimental} hands its child
 * policy. It passes the real subchannel's states through, except while its endpoint is ejected:
 * then it reports TRANSIENT_FAILURE, so the child stops picking it, and on un-ejection it reports
 * the real state again. Pickers never give it to the channel: the outlier picker unwraps it.
 *
 * <p>Threads: the control context, like the subchannel it wraps.
 */
final class EjectableSubchannel implements Subchannel {
  final Subchannel delegate;

  /** The counters of this subchannel's endpoint, or null if the endpoint is not tracked. */
  final OutlierDetectionLoadBalancer.@Nullable EndpointStats stats;

  private @Nullable StateListener listener;
  private ConnectivityState lastState = ConnectivityState.IDLE;
  private Status lastStatus = Status.OK;
  private boolean ejected;

  EjectableSubchannel(
      Subchannel delegate, OutlierDetectionLoadBalancer.@Nullable EndpointStats stats) {
    this.delegate = delegate;
    this.stats = stats;
  }

  @Override
  public Endpoint endpoint() {
    return delegate.endpoint();
  }

  @Override
  public void start(StateListener listener) {
    this.listener = listener;
    delegate.start(this::onDelegateState);
    if (ejected) {
      listener.onStateChange(ConnectivityState.TRANSIENT_FAILURE, ejectionStatus());
    }
  }

  private void onDelegateState(ConnectivityState state, Status status) {
    lastState = state;
    lastStatus = status;
    StateListener current = listener;
    if (!ejected && current != null) {
      current.onStateChange(state, status);
    }
  }

  @Override
  public void requestConnection() {
    delegate.requestConnection();
  }

  @Override
  public void close() {
    if (stats != null) {
      stats.subchannels.remove(this);
    }
    delegate.close();
  }

  /** Reports TRANSIENT_FAILURE to the child and holds back the real states. */
  void eject() {
    if (ejected) {
      return;
    }
    ejected = true;
    StateListener current = listener;
    if (current != null) {
      current.onStateChange(ConnectivityState.TRANSIENT_FAILURE, ejectionStatus());
    }
  }

  /** Reports the real state again and passes further states through. */
  void uneject() {
    if (!ejected) {
      return;
    }
    ejected = false;
    StateListener current = listener;
    if (current != null) {
      current.onStateChange(lastState, lastStatus);
    }
  }

  private Status ejectionStatus() {
    return Status.UNAVAILABLE.withDescription(
        "endpoint "
            + delegate.endpoint()
            + " is ejected by outlier detection: too many of its calls failed");
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
