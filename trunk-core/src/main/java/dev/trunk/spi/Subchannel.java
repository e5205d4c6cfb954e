package dev.trunk.spi;

import dev.trunk.ConnectivityState;
import dev.trunk.Status;

/**
 * Experimental: one logical connection to one {@link Endpoint}, made by {@link
 * LoadBalancer.Helper#newSubchannel}. It connects only when asked ({@link #requestConnection}),
 * tries the endpoint's addresses in order, and reports its state: IDLE, CONNECTING, READY, and
 * TRANSIENT_FAILURE when every address failed. After a failure it waits out a backoff
 * (connection-backoff.md: 1 s, growing 1.6 times per failure up to 120 s, jittered by 20 %) and
 * returns to IDLE; a lost READY connection returns to IDLE at once. The balancer decides when to
 * connect again. A health-checked subchannel (gRFC A17) with its connection up is CONNECTING until
 * the server's first health response, then READY while the server reports SERVING and
 * TRANSIENT_FAILURE while it does not (TRANSIENT_FAILURE → READY directly).
 *
 * <p>Threads: call it from the control context only (any method of a {@link LoadBalancer}); state
 * changes are reported there too. A picker may hand it to calls from any thread.
 */
public interface Subchannel {
  /** The endpoint this subchannel connects to. */
  Endpoint endpoint();

  /**
   * Starts reporting state changes to {@code listener}, beginning with the current state. Called
   * once, before {@link #requestConnection}.
   */
  void start(StateListener listener);

  /** Connects if IDLE; does nothing in other states. */
  void requestConnection();

  /** Closes the connection once its calls are done; the state becomes SHUTDOWN, not reported. */
  void close();

  /** Hears a subchannel's state changes, in the control context. */
  @FunctionalInterface
  interface StateListener {
    /**
     * The subchannel is now in {@code state}; {@code status} explains a TRANSIENT_FAILURE (and is
     * OK otherwise).
     */
    void onStateChange(ConnectivityState state, Status status);
  }
}
