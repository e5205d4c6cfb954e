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
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Listens on a TCP port or a Unix domain socket (epoll only) and runs one {@link ServerHandler} per
 * accepted connection.
 */
public final class NettyServerTransport {
  /** How long a failed start waits for the event loop threads it started to stop. */
  static final long STOP_AFTER_FAILED_START = TimeUnit.SECONDS.toMillis(5);

  private final ServerConfig config;
  private final MethodRegistry registry;
  private final InboundBudget budget;
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final CountDownLatch terminated = new CountDownLatch(1);
  private final EventLoopGroup group;
  private @Nullable Channel listener;
  // Set by shutdown and shutdownNow before they close the connections: a connection the listener
  // accepted just before it closed joins the group too late to be closed with it, so it closes
  // itself (a connection refused, not served past the shutdown).
  private volatile boolean stopping;
  private volatile @Nullable TlsSource tls;

  public NettyServerTransport(ServerConfig config, MethodRegistry registry) {
    this.config = config;
    this.registry = registry;
    this.budget = InboundBudget.of("the server (maxBufferedBytes)", config.maxBufferedBytes());
    this.group = EventLoops.newGroup("trunk-server", false);
  }

  /**
   * Binds and starts accepting connections; returns the bound port (0 on a Unix domain socket). A
   * failed start leaves nothing running: every thread this transport started has stopped before it
   * throws.
   *
   * @throws BindException if the address cannot be bound (in use, not local, not permitted)
   * @throws IOException if the TLS material cannot be loaded
   */
  public int start() throws IOException {
    TlsConfig tlsConfig = config.tls();
    TlsSource tls;
    try {
      tls = tlsConfig == null ? null : TlsSource.forServer(tlsConfig);
    } catch (IOException | RuntimeException e) {
      stopAfterFailedStart();
      throw e;
    }
    this.tls = tls;
    try {
      return bind(tls);
    } catch (Exception e) { // Netty's sync() rethrows checked exceptions undeclared
      stopAfterFailedStart();
      throw bindFailure(config.address(), e);
    }
  }

  private int bind(@Nullable TlsSource tls) throws IOException {
    ServerPipeline http = new ServerPipeline(config, registry, budget);
    SocketAddress address = config.address();
    if (address instanceof UnixDomainSocketAddress unix) {
      refuseToReplace(unix.getPath());
    }
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(group)
            .channel(EventLoops.serverChannelType(address))
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel channel) {
                    connections.add(channel);
                    if (stopping) {
                      channel.close();
                      return;
                    }
                    if (tls != null) {
                      channel.pipeline().addLast(tls.current().newHandler(channel.alloc()));
                      channel.pipeline().addLast(new TlsHandshake.Server(http));
                    } else {
                      channel.pipeline().addLast(new TlsHandshake.PlaintextServer());
                      channel.pipeline().addLast(new HttpVersionDetector(http));
                    }
                  }
                });
    if (address instanceof InetSocketAddress) {
      bootstrap.childOption(ChannelOption.TCP_NODELAY, true); // a Unix socket has no Nagle delay
    }
    Channel bound = bootstrap.bind(EventLoops.toNetty(address)).syncUninterruptibly().channel();
    listener = bound;
    return bound.localAddress() instanceof InetSocketAddress inet ? inet.getPort() : 0;
  }

  /**
   * Refuses a path where a file other than a socket exists: binding first unlinks the path, which
   * would delete that file. A socket left by an earlier server is replaced.
   */
  private static void refuseToReplace(Path path) throws IOException {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return;
    }
    if (!attributes.isOther()) {
      throw new IOException(
          "a file that is not a socket exists there; remove it or choose another path");
    }
  }

  private void stopAfterFailedStart() {
    group.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(STOP_AFTER_FAILED_START);
    stopTlsReload();
    terminated.countDown();
  }

  /**
   * What a failed bind throws: the address, the likely cause and its fix in words, and Netty's
   * exception (epoll's NativeIoException or NIO's BindException) as the cause.
   */
  private static BindException bindFailure(SocketAddress address, Exception failure) {
    String message = String.valueOf(failure.getMessage());
    String text = message.toLowerCase(Locale.ROOT);
    String why = address instanceof InetSocketAddress ? tcpFailure(text) : unixSocketFailure(text);
    String where =
        address instanceof InetSocketAddress inet
            ? inet.getHostString() + ":" + inet.getPort()
            : "Unix domain socket " + address;
    BindException bind =
        new BindException("cannot listen on " + where + ": " + (why == null ? message : why));
    bind.initCause(failure);
    return bind;
  }

  private static @Nullable String tcpFailure(String text) {
    if (text.contains("already in use")) {
      return "the address is already in use (another server or process listens there);"
          + " stop it, or choose another port (port 0 picks a free one)";
    }
    if (text.contains("permission denied")) {
      return "permission denied; ports below 1024 need privileges, so choose 1024 or above";
    }
    if (text.contains("cannot assign requested address")) {
      return "no interface of this machine has that address; listen on one of its own, or 0.0.0.0";
    }
    return null;
  }

  private static @Nullable String unixSocketFailure(String text) {
    if (text.contains("permission denied")) {
      return "permission denied; the server's user needs write access to the socket's directory";
    }
    if (text.contains("no such file")) {
      return "the socket's directory does not exist; create it first";
    }
    if (text.contains("name too long")) {
      return "the path is longer than a Unix socket address holds; choose a shorter one";
    }
    return null;
  }

  /**
   * Stops accepting, sends GOAWAY on every connection and closes each once its streams are done or
   * the grace period has passed (Netty's graceful close of an HTTP/2 connection).
   */
  public void shutdown() {
    stopping = true;
    Channel bound = listener;
    if (bound != null) {
      bound.close();
    }
    stopTlsReload(); // no new connection will need it
    connections.close().addListener(done -> terminate());
  }

  /** Closes the listener and every connection at once; calls in progress see CANCELLED. */
  public void shutdownNow() {
    stopping = true;
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
