package dev.trunk.internal.server;

import dev.trunk.Server;
import dev.trunk.internal.netty.NettyServerTransport;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The {@link Server} behind {@code Server.builder()}: a method registry over a transport. */
public final class ServerImpl implements Server {
  private final ServerConfig config;
  private final NettyServerTransport transport;
  private volatile int port = -1;
  private boolean started;

  public ServerImpl(ServerConfig config) {
    this.config = config;
    this.transport =
        new NettyServerTransport(
            config, new MethodRegistry(config.services(), config.nonBlockingServices()));
  }

  @Override
  public synchronized Server start() throws IOException {
    if (started) {
      throw new IllegalStateException("the server was already started");
    }
    started = true;
    port = transport.start();
    return this;
  }

  @Override
  public int port() {
    if (port < 0) {
      throw new IllegalStateException("the server has not started");
    }
    return port;
  }

  @Override
  public void shutdown() {
    transport.shutdown();
  }

  @Override
  public void shutdownNow() {
    transport.shutdownNow();
  }

  @Override
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return transport.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public void awaitTermination() throws InterruptedException {
    while (!transport.awaitTermination(1, TimeUnit.HOURS)) {
      // Keep waiting: the caller asked for no time limit.
    }
  }

  @Override
  public void close() {
    shutdown();
    try {
      Duration wait = config.shutdownGracePeriod().plusSeconds(5);
      if (!awaitTermination(wait)) {
        shutdownNow();
        awaitTermination(Duration.ofSeconds(5));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      shutdownNow();
    }
  }

  @Override
  public String toString() {
    return "Server(" + config.address() + ", port " + port + ")";
  }
}
