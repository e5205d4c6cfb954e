package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trunk.internal.health.HealthService;
import dev.trunk.internal.health.v1.HealthCheckRequest;
import dev.trunk.internal.health.v1.HealthCheckResponse;
import dev.trunk.internal.health.v1.HealthCheckResponse.ServingStatus;
import dev.trunk.internal.health.v1.HealthListRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The standard health service over a real socket: Check, Watch, List and shutdown. */
class HealthServiceTest {
  private final TestService service = new TestService();
  private Server server;
  private Channel channel;

  @BeforeEach
  void start() throws IOException {
    server =
        Server.builder()
            .address("127.0.0.1", 0)
            .service(service.definition())
            .shutdownGracePeriod(Duration.ofSeconds(2))
            .build()
            .start();
    channel = Channel.forAddress("127.0.0.1", server.port()).build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  private ServingStatus check(String name) {
    return channel
        .unaryCall(
            HealthService.CHECK,
            HealthCheckRequest.newBuilder().setService(name).build(),
            CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(5)))
        .getStatus();
  }

  @Test
  void theServerAndEveryRegisteredServiceStartServing() {
    assertThat(check("")).isEqualTo(ServingStatus.SERVING);
    assertThat(check("trunk.test.TestService")).isEqualTo(ServingStatus.SERVING);
  }

  @Test
  void checkOfAnUnknownServiceIsNotFound() {
    assertThatThrownBy(() -> check("no.Such"))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.NOT_FOUND);
              assertThat(e.status().description()).contains("no.Such");
            });
  }

  @Test
  void checkFollowsTheStatusSetThroughTheApi() {
    server.health().setStatus("trunk.test.TestService", HealthStatus.NOT_SERVING);
    assertThat(check("trunk.test.TestService")).isEqualTo(ServingStatus.NOT_SERVING);
    server.health().clearStatus("trunk.test.TestService");
    assertThatThrownBy(() -> check("trunk.test.TestService")).isInstanceOf(StatusException.class);
  }

  @Test
  void watchStreamsEveryChangeAndStartsUnknownServicesAsServiceUnknown() {
    try (ResponseStream<HealthCheckResponse> watch =
        channel.serverStreamingCall(
            HealthService.WATCH,
            HealthCheckRequest.newBuilder().setService("later.Service").build(),
            CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10)))) {
      Iterator<HealthCheckResponse> updates = watch.iterator();
      assertThat(updates.next().getStatus()).isEqualTo(ServingStatus.SERVICE_UNKNOWN);
      server.health().setStatus("later.Service", HealthStatus.SERVING);
      assertThat(updates.next().getStatus()).isEqualTo(ServingStatus.SERVING);
      server.health().setStatus("later.Service", HealthStatus.NOT_SERVING);
      assertThat(updates.next().getStatus()).isEqualTo(ServingStatus.NOT_SERVING);
    }
  }

  @Test
  void listReportsEveryService() {
    server.health().setStatus("extra.Service", HealthStatus.NOT_SERVING);
    var statuses =
        channel
            .unaryCall(
                HealthService.LIST, HealthListRequest.getDefaultInstance(), CallOptions.DEFAULT)
            .getStatusesMap();
    assertThat(statuses).containsKeys("", "trunk.test.TestService", "grpc.health.v1.Health");
    assertThat(statuses.get("extra.Service").getStatus()).isEqualTo(ServingStatus.NOT_SERVING);
  }

  @Test
  void listRefusesMoreThanAHundredServices() {
    for (int i = 0; i < 101; i++) {
      server.health().setStatus("many.Service" + i, HealthStatus.SERVING);
    }
    assertThatThrownBy(
            () ->
                channel.unaryCall(
                    HealthService.LIST,
                    HealthListRequest.getDefaultInstance(),
                    CallOptions.DEFAULT))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
  }

  @Test
  void shutdownTurnsAWatcherNotServingBeforeTheListenerCloses() {
    try (ResponseStream<HealthCheckResponse> watch =
        channel.serverStreamingCall(
            HealthService.WATCH,
            HealthCheckRequest.getDefaultInstance(),
            CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10)))) {
      Iterator<HealthCheckResponse> updates = watch.iterator();
      assertThat(updates.next().getStatus()).isEqualTo(ServingStatus.SERVING);
      server.shutdown();
      assertThat(updates.next().getStatus()).isEqualTo(ServingStatus.NOT_SERVING);
      server.health().setStatus("", HealthStatus.SERVING);
      assertThat(server.health().status("")).contains(HealthStatus.NOT_SERVING);
    }
  }

  @Test
  void shutdownEndsAWatchWithUnavailableAfterNotServingInsteadOfWaitingOutTheGracePeriod()
      throws Exception {
    try (Server patient =
            Server.builder()
                .address("127.0.0.1", 0)
                .shutdownGracePeriod(Duration.ofSeconds(30))
                .build()
                .start();
        Channel watcher = Channel.forAddress("127.0.0.1", patient.port()).build();
        ResponseStream<HealthCheckResponse> watch =
            watcher.serverStreamingCall(
                HealthService.WATCH,
                HealthCheckRequest.getDefaultInstance(),
                CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(20)))) {
      assertThat(watch.receive().getStatus()).isEqualTo(ServingStatus.SERVING);
      long start = System.nanoTime();
      CompletableFuture<Void> closed = CompletableFuture.runAsync(patient::close);
      assertThat(watch.receive().getStatus()).isEqualTo(ServingStatus.NOT_SERVING);
      assertThatThrownBy(watch::receive)
          .isInstanceOfSatisfying(
              StatusException.class,
              e -> {
                assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(e.status().description()).contains("shutting down");
              });
      closed.get(20, TimeUnit.SECONDS);
      // Far less than the 30 s grace period a watcher once held the shutdown for.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    }
  }

  @Test
  void aCancelledWatchEndsItsHandlerThoughHandlersAreNotInterrupted() throws Exception {
    try (ResponseStream<HealthCheckResponse> watch =
        channel.serverStreamingCall(
            HealthService.WATCH,
            HealthCheckRequest.getDefaultInstance(),
            CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10)))) {
      assertThat(watch.receive().getStatus()).isEqualTo(ServingStatus.SERVING);
    }
    // Termination waits for running handlers: a watch left blocked would hold it.
    server.shutdownNow();
    assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
  }
}
