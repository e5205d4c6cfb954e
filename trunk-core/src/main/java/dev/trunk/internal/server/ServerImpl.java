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
  private final ServerConfig config;
  private final NettyServerTransport transport;
  private final HealthService health;
  private volatile int port = -1;
  private boolean started;

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
      List<ServiceDefinition> reflection = ReflectionService.definitions(() -> served);
      served.addAll(reflection);
      services.addAll(reflection);
    }
    this.transport =
        new NettyServerTransport(
            config, new MethodRegistry(services, config.nonBlockingServices()));
  }

  private static List<String> serviceNames(ServerConfig config) {
    List<String> names = new ArrayList<>();
    config.services().forEach(service -> names.add(service.name()));
    config.nonBlockingServices().forEach(service -> names.add(service.name()));
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
    // health-checking.md: report NOT_SERVING before the listener closes, so probes see the drain.
    health.enterShutdown();
    transport.shutdown();
  }

  @Override
  public void shutdownNow() {
    health.enterShutdown();
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
