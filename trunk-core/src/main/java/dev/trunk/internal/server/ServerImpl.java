package dev.trunk.internal.server;

import dev.trunk.Health;
import dev.trunk.Server;
import dev.trunk.ServiceDefinition;
import dev.trunk.internal.health.HealthService;
import dev.trunk.internal.netty.NettyServerTransport;
import dev.trunk.internal.reflection.ReflectionService;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The {@link Server} behind {@code Server.builder()}: a method registry over a transport. */
public final class ServerImpl implements Server {
  /** How much longer than the grace period {@link #close()} waits, and again after shutdownNow. */
  static final Duration CLOSE_SLACK = Duration.ofSeconds(5);

  private final ServerConfig config;
  private final NettyServerTransport transport;
  private final MethodRegistry registry;
  private final HealthService health;
  private volatile int port = -1;
  private boolean started;
  private volatile boolean shutDown;

  public ServerImpl(ServerConfig config) {
    this.config = config;
    this.health = new HealthService(serviceNames(config));
    List<ServiceDefinition> services = new ArrayList<>(config.services());
    if (config.health()) {
      services.add(health.definition());
    }
    if (config.reflection()) {
      List<ServiceDefinition> served = new ArrayList<>(services);
      served.addAll(config.nonBlockingServices());
      served.addAll(config.interruptibleServices());
      List<ServiceDefinition> reflection = ReflectionService.definitions(() -> served);
      served.addAll(reflection);
      services.addAll(reflection);
    }
    this.registry =
        new MethodRegistry(
            config.interceptors(),
            services,
            config.nonBlockingServices(),
            config.interruptibleServices(),
            config.ignoreUnknownJsonFields(),
            config.events());
    this.transport = new NettyServerTransport(config, registry);
  }

  private static List<String> serviceNames(ServerConfig config) {
    List<String> names = new ArrayList<>();
    config.services().forEach(service -> names.add(service.name()));
    config.nonBlockingServices().forEach(service -> names.add(service.name()));
    config.interruptibleServices().forEach(service -> names.add(service.name()));
    if (config.health()) {
      names.add(HealthService.SERVICE_NAME);
    }
    return names;
  }

  @Override
  public Health health() {
    return health;
  }

  @Override
  public synchronized Server start() throws IOException {
    if (started) {
      throw new IllegalStateException(
          "start() was already called on this server; a server starts once (build a new one)");
    }
    if (shutDown) {
      throw new IllegalStateException(
          "the server was shut down before it started; build a new one to start");
    }
    started = true;
    port = transport.start();
    return this;
  }

  @Override
  public int port() {
    if (port < 0) {
      throw new IllegalStateException(
          "the server has not started: its port is known once start() has returned");
    }
    return port;
  }

  @Override
  public void shutdown() {
    // health-checking.md: report NOT_SERVING before the listener closes, so probes see the drain.
    shutDown = true;
    health.enterShutdown();
    transport.shutdown();
  }

  @Override
  public void shutdownNow() {
    shutDown = true;
    health.enterShutdown();
    transport.shutdownNow();
  }

  /** Connections closed and handlers returned: handlers may outlive their call's stream. */
  @Override
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    return transport.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS)
        && registry.running().awaitIdle(deadline - System.nanoTime());
  }

  @Override
  public void awaitTermination() throws InterruptedException {
    while (!awaitTermination(Duration.ofHours(1))) {
      // Keep waiting: the caller asked for no time limit.
    }
  }

  @Override
  public void close() {
    shutdown();
    try {
      if (!awaitTermination(config.shutdownGracePeriod().plus(CLOSE_SLACK))) {
        shutdownNow();
        awaitTermination(CLOSE_SLACK);
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
