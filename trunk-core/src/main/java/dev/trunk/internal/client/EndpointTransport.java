package dev.trunk.internal.client;

import dev.trunk.Status;
import java.net.SocketAddress;

/**
 * The connections of one subchannel to its endpoint: opens streams on the current connection and
 * reports each connection's life to the subchannel, which keeps the state and the backoff.
 */
public interface EndpointTransport extends ClientTransport {
  /**
   * Starts connecting to {@code address}, which is also where a lost connection is remade, unless a
   * usable connection is open (then a ready one is reported ready again). Returns the connection,
   * whose events go to the transport's {@link Events}.
   */
  Object connect(SocketAddress address);

  /**
   * What a transport tells its subchannel, from transport threads. {@code connection} identifies
   * the connection, so that news of one that was replaced can be told apart.
   */
  interface Events {
    /** {@code connection} is up: the server's SETTINGS arrived. */
    void onReady(Object connection);

    /**
     * {@code connection} takes no new streams any more: it failed to connect, was lost, or the
     * server sent GOAWAY (then its open streams may still finish). {@code status} says why.
     */
    void onClosed(Object connection, Status status);
  }

  /** Makes a channel's endpoint transports; holds what they share (TLS, keepalive, headers). */
  interface Factory {
    EndpointTransport newTransport(Events events);

    /** Stops what the transports share (the TLS reload timer). */
    void close();
  }
}
