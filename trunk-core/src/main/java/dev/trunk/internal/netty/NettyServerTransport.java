package dev.trunk.internal.netty;

import dev.trunk.TlsConfig;
import dev.trunk.internal.InboundBudget;
import dev.trunk.internal.server.MethodRegistry;
import dev.trunk.internal.server.ServerConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** Listens on a TCP port and runs one {@link ServerHandler} per accepted connection. */
public final class NettyServerTransport {
  private final ServerConfig config;
  private final MethodRegistry registry;
  private final InboundBudget budget;
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final CountDownLatch terminated = new CountDownLatch(1);
  private final EventLoopGroup group;
  private @Nullable Channel listener;
  private volatile @Nullable TlsSource tls;

  public NettyServerTransport(ServerConfig config, MethodRegistry registry) {
    this.config = config;
    this.registry = registry;
    this.budget = InboundBudget.of("the server (maxBufferedBytes)", config.maxBufferedBytes());
    this.group = EventLoops.newGroup("trunk-server", false);
  }

  /** Binds and starts accepting connections; returns the bound port. */
  public int start() throws IOException {
    TlsConfig tlsConfig = config.tls();
    TlsSource tls = tlsConfig == null ? null : TlsSource.forServer(tlsConfig);
    this.tls = tls;
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(group)
            .channel(EventLoops.serverChannelType())
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel channel) {
                    connections.add(channel);
                    if (tls != null) {
                      channel.pipeline().addLast(tls.current().newHandler(channel.alloc()));
                      channel.pipeline().addLast(new TlsHandshake.Server());
                    }
                    channel.pipeline().addLast(ServerHandler.create(config, registry, budget));
                  }
                });
    try {
      Channel bound = bootstrap.bind(config.address()).syncUninterruptibly().channel();
      listener = bound;
      return ((InetSocketAddress) bound.localAddress()).getPort();
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      stopTlsReload();
      terminated.countDown();
      throw new IOException("cannot listen on " + config.address() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Stops accepting, sends GOAWAY on every connection and closes each once its streams are done or
   * the grace period has passed (Netty's graceful close of an HTTP/2 connection).
   */
  public void shutdown() {
    Channel bound = listener;
    if (bound != null) {
      bound.close();
    }
    stopTlsReload(); // no new connection will need it
    connections.close().addListener(done -> terminate());
  }

  /** Closes the listener and every connection at once; calls in progress see CANCELLED. */
  public void shutdownNow() {
    Channel bound = listener;
    if (bound != null) {
      bound.close();
    }
    stopTlsReload();
    for (Channel connection : connections) {
      if (connection.eventLoop().isShuttingDown()) {
        continue; // the server has already stopped: nothing is left to cut
      }
      // Unsafe close skips the HTTP/2 handler's graceful close (GOAWAY, wait for streams).
      connection.eventLoop().execute(() -> connection.unsafe().close(connection.voidPromise()));
    }
    connections.close().addListener(done -> terminate());
  }

  private void terminate() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).addListener(done -> terminated.countDown());
  }

  private void stopTlsReload() {
    TlsSource source = tls;
    if (source != null) {
      source.close();
    }
  }

  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return terminated.await(timeout, unit);
  }
}
