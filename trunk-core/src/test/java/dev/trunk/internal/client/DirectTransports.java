package dev.trunk.internal.client;

import dev.trunk.Channel;
import dev.trunk.Status;
import dev.trunk.internal.netty.NettyConnector;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Channel settings with the builder's defaults and a transport connected straight to one server,
 * for tests that wrap or replace the channel's own layers.
 */
final class DirectTransports {
  private DirectTransports() {}

  /** The builder's defaults, for a channel to 127.0.0.1:{@code port}. */
  static ChannelConfig config(int port) {
    return new ChannelConfig(
        "127.0.0.1:" + port,
        "127.0.0.1:" + port,
        null,
        List.of(),
        Channel.Builder.DEFAULT_MAX_INBOUND_MESSAGE_SIZE,
        Channel.Builder.DEFAULT_MAX_HEADER_LIST_SIZE,
        null,
        null,
        Channel.Builder.DEFAULT_CONNECT_TIMEOUT,
        Channel.Builder.DEFAULT_MAX_WAITING_CALLS,
        Channel.Builder.DEFAULT_MAX_BUFFERED_BYTES_PER_CONNECTION,
        KeepAliveConfig.OFF,
        null,
        Channel.Builder.DEFAULT_IDLE_TIMEOUT,
        ConnectionBackoff.INITIAL_BACKOFF,
        Channel.Builder.DEFAULT_LOAD_BALANCING_POLICY);
  }

  /** A transport connected to 127.0.0.1:{@code port}, with no subchannel above it. */
  static EndpointTransport connected(ChannelConfig config, int port) {
    EndpointTransport transport =
        new NettyConnector(config)
            .newTransport(
                new EndpointTransport.Events() {
                  @Override
                  public void onReady(Object connection) {}

                  @Override
                  public void onClosed(Object connection, Status status) {}
                });
    transport.connect(new InetSocketAddress("127.0.0.1", port));
    return transport;
  }
}
