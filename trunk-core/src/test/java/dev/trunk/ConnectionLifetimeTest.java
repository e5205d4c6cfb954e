package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Max connection idle and max connection age (gRFC A9), seen from {@link FrameClient}: the graceful
 * two-step GOAWAY with debug data "max_idle" or "max_age", and the calls cancelled once the age
 * grace period is over.
 */
class ConnectionLifetimeTest {

  private final HoldService holds = new HoldService();

  private Server server;

  private void start(Server.Builder builder) throws Exception {
    ServiceDefinition service = holds.addTo(ServiceDefinition.builder(TestService.NAME)).build();
    server = builder.address("127.0.0.1", 0).service(service).build().start();
  }

  @AfterEach
  void stop() {
    holds.release.countDown();
    if (server != null) {
      server.shutdownNow();
    }
  }

  @Test
  void aConnectionWithoutCallsForMaxConnectionIdleIsClosedGracefully() throws Exception {
    start(Server.builder().maxConnectionIdle(Duration.ofMillis(300)));
    try (FrameClient client = new FrameClient(server.port())) {
      assertThat(client.goAways.poll(10, TimeUnit.SECONDS))
          .isEqualTo(new FrameClient.GoAway(Integer.MAX_VALUE, 0, "max_idle"));
      // The client answers the PING that follows, and gets the final GOAWAY.
      assertThat(client.goAways.poll(10, TimeUnit.SECONDS))
          .isEqualTo(new FrameClient.GoAway(0, 0, "max_idle"));
      client.disconnected.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aConnectionIsNotIdleWhileACallIsInProgress() throws Exception {
    start(Server.builder().maxConnectionIdle(Duration.ofMillis(300)));
    try (FrameClient client = new FrameClient(server.port())) {
      FrameClient.Stream held = holds.open(client);
      assertThat(client.goAways.poll(1, TimeUnit.SECONDS)).isNull();

      holds.release.countDown();
      held.awaitEnd();
      assertThat(client.goAways.poll(10, TimeUnit.SECONDS))
          .isEqualTo(new FrameClient.GoAway(Integer.MAX_VALUE, 0, "max_idle"));
    }
  }

  @Test
  void aConnectionPastItsMaxAgeIsClosedGracefullyAndItsCallsCancelledAfterTheGrace()
      throws Exception {
    start(
        Server.builder()
            .maxConnectionAge(Duration.ofMillis(500))
            .maxConnectionAgeGrace(Duration.ofSeconds(2)));
    long connected = System.nanoTime();
    try (FrameClient client = new FrameClient(server.port())) {
      FrameClient.Stream held = holds.open(client);
      assertThat(client.goAways.poll(10, TimeUnit.SECONDS))
          .isEqualTo(new FrameClient.GoAway(Integer.MAX_VALUE, 0, "max_age"));
      // A9: the age has a jitter of at most 10 %, and timers never fire early.
      assertThat(System.nanoTime() - connected)
          .isGreaterThanOrEqualTo(Duration.ofMillis(450).toNanos());
      assertThat(client.goAways.poll(10, TimeUnit.SECONDS))
          .isEqualTo(new FrameClient.GoAway(held.id, 0, "max_age"));
      assertThat(holds.outcome).isNotDone(); // the call may still finish within the grace period

      assertThat(holds.outcome.get(10, TimeUnit.SECONDS)).isEqualTo("cancelled");
      client.disconnected.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aShutdownDuringAMaxAgeCloseCancelsCallsAfterTheShutdownGracePeriod() throws Exception {
    // The age grace is infinite: only the shutdown's grace period can end the call.
    start(
        Server.builder()
            .maxConnectionAge(Duration.ofMillis(300))
            .shutdownGracePeriod(Duration.ofMillis(300)));
    try (FrameClient client = new FrameClient(server.port())) {
      holds.open(client);
      assertThat(client.goAways.poll(10, TimeUnit.SECONDS))
          .isEqualTo(new FrameClient.GoAway(Integer.MAX_VALUE, 0, "max_age"));
      assertThat(client.goAways.poll(10, TimeUnit.SECONDS)).isNotNull();

      server.shutdown();
      assertThat(holds.outcome.get(10, TimeUnit.SECONDS)).isEqualTo("cancelled");
      assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
    }
  }

  @Test
  void connectionLifetimeOptionsAreChecked() {
    assertThatThrownBy(() -> Server.builder().maxConnectionIdle(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxConnectionIdle");
    assertThatThrownBy(() -> Server.builder().maxConnectionAge(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxConnectionAge");
    assertThatThrownBy(() -> Server.builder().maxConnectionAgeGrace(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxConnectionAgeGrace");
  }
}
