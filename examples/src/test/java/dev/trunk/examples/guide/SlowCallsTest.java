package dev.trunk.examples.guide;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trunk.Channel;
import dev.trunk.Server;
import dev.trunk.testing.LeakCheck;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The guide's slow-call logger reports the calls over its threshold, on both sides, and no other.
 */
@ExtendWith(LeakCheck.class)
class SlowCallsTest {
  private static final Duration THRESHOLD = Duration.ofMillis(100);

  private final List<String> reported = new CopyOnWriteArrayList<>();

  @Test
  void aCallOverTheThresholdIsReportedOnTheServerAndTheClient() throws Exception {
    try (Server server =
            SlowCalls.pricingServer(
                new PricingService(250, Duration.ofMillis(300)), THRESHOLD, reported::add);
        Channel channel =
            Channel.forAddress("127.0.0.1", server.port())
                .eventListener(SlowCalls.logger(THRESHOLD, reported::add))
                .build()) {
      Price price = PricingClient.create(channel).getPrice(ItemRequest.getDefaultInstance());
      assertThat(price.getCents()).isEqualTo(250);
      // "cents: 250" is 3 bytes on the wire; the empty request none.
      awaitSize(2);
      assertThat(reported)
          .anyMatch(
              line -> line.matches("server slow call .*/GetPrice OK in \\d+ ms, bytes in 0, out 3"))
          .anyMatch(
              line ->
                  line.matches("client slow call .*/GetPrice OK in \\d+ ms, bytes in 3, out 0"));
    }
  }

  @Test
  void aCallUnderTheThresholdIsNotReported() throws Exception {
    try (Server server =
            SlowCalls.pricingServer(
                new PricingService(250, Duration.ZERO), Duration.ofSeconds(5), reported::add);
        Channel channel = Channel.forAddress("127.0.0.1", server.port()).build()) {
      PricingClient.create(channel).getPrice(ItemRequest.getDefaultInstance());
    }
    assertThat(reported).isEmpty();
  }

  private void awaitSize(int size) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (reported.size() < size && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }
}
