package dev.trunk.internal.netty;

import dev.trunk.EventListener;
import dev.trunk.TlsInfo;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import java.net.SocketAddress;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Tells the event listeners of a connection ready for calls (added to the pipeline once the TLS
 * handshake and the HTTP version choice are done) and of its close. Added only when a listener is
 * installed, so a server without one pays nothing per connection.
 */
final class ConnectionReporter extends ChannelInboundHandlerAdapter {
  /** One connection as the listeners see it: the same instance for both of its events. */
  private record Info(
      boolean isServer,
      SocketAddress remoteAddress,
      SocketAddress localAddress,
      String httpVersion,
      Optional<TlsInfo> tls)
      implements EventListener.Connection {}

  private final EventListener events;
  private final boolean isServer;
  private final String httpVersion;
  // Set when the connection was reported open (event loop only).
  private @Nullable Info info;

  private ConnectionReporter(EventListener events, boolean isServer, String httpVersion) {
    this.events = events;
    this.isServer = isServer;
    this.httpVersion = httpVersion;
  }

  /** Adds a reporter to {@code pipeline}, unless no listener is installed. */
  static void addTo(
      ChannelPipeline pipeline, EventListener events, boolean isServer, String httpVersion) {
    if (events != EventListener.NONE) {
      pipeline.addFirst(new ConnectionReporter(events, isServer, httpVersion));
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    Channel channel = ctx.channel();
    if (!channel.isActive()) {
      return;
    }
    Info opened =
        new Info(
            isServer,
            channel.remoteAddress(),
            channel.localAddress(),
            httpVersion,
            Optional.ofNullable(channel.attr(TlsHandshake.TLS_INFO).get()));
    info = opened;
    events.connectionOpened(opened);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    Info opened = info;
    if (opened != null) {
      info = null;
      events.connectionClosed(opened);
    }
    super.channelInactive(ctx);
  }
}
