package dev.trunk.examples.guide;

import dev.trunk.HealthStatus;
import dev.trunk.Server;
import java.io.IOException;
import java.time.Duration;

/** The guide's sections "Health and reflection" and "Shutdown". */
public final class Operations {
  private Operations() {}

  /** A server for {@code inventory} with reflection and a 20-second grace period. */
  public static Server start(Inventory inventory, String host, int port) throws IOException {
    // tag::start[]
    Server server =
        Server.builder()
            .address(host, port) // or .port(port): every interface
            .interruptibleService(inventory)
            .reflection() // grpcurl and buf curl can list and call methods
            .shutdownGracePeriod(Duration.ofSeconds(20)) // default 30 s
            .build()
            .start();
    // end::start[]
    return server;
  }

  /** Reports the inventory as not serving while its database is down. */
  public static void databaseDown(Server server) {
    // tag::health[]
    server.health().setStatus(Inventory.Methods.SERVICE_NAME, HealthStatus.NOT_SERVING);
    // end::health[]
  }

  /** Stops {@code server} the long way, step by step. */
  public static void stop(Server server) throws InterruptedException {
    // tag::shutdown[]
    server.shutdown(); // health NOT_SERVING, GOAWAY: no new calls; returns at once
    if (!server.awaitTermination(Duration.ofSeconds(25))) { // running handlers may finish
      server.shutdownNow(); // cancel the rest: their send and receive throw CANCELLED
      server.awaitTermination(Duration.ofSeconds(5));
    }
    // end::shutdown[]
  }
}
