package dev.trunk.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The delays of connection-backoff.md: 1 s, then ×1.6 per failure, ±20 %, at most 120 s. */
class ConnectionBackoffTest {
  private static final long SECOND = Duration.ofSeconds(1).toNanos();

  @Test
  void theFirstRetryWaitsTheInitialBackoffExactly() {
    assertThat(new ConnectionBackoff().nextDelayNanos()).isEqualTo(SECOND);
  }

  @Test
  void laterRetriesGrowByTheMultiplierWithinTheJitter() {
    ConnectionBackoff backoff = new ConnectionBackoff();
    backoff.nextDelayNanos();
    double expected = SECOND;
    for (int attempt = 2; attempt <= 8; attempt++) {
      expected *= ConnectionBackoff.MULTIPLIER;
      long delay = backoff.nextDelayNanos();
      assertThat((double) delay).isBetween(expected * 0.8 - 1, expected * 1.2 + 1);
    }
  }

  @Test
  void delaysStopGrowingAtTheMaximum() {
    ConnectionBackoff backoff = new ConnectionBackoff();
    long max = ConnectionBackoff.MAX_BACKOFF.toNanos();
    long last = 0;
    for (int attempt = 0; attempt < 30; attempt++) {
      last = backoff.nextDelayNanos();
      assertThat(last).isLessThanOrEqualTo((long) (max * 1.2) + 1);
    }
    assertThat((double) last).isGreaterThanOrEqualTo(max * 0.8 - 1);
  }

  @Test
  void aSuccessStartsOver() {
    ConnectionBackoff backoff = new ConnectionBackoff();
    for (int attempt = 0; attempt < 5; attempt++) {
      backoff.nextDelayNanos();
    }
    backoff.reset();
    assertThat(backoff.nextDelayNanos()).isEqualTo(SECOND);
  }
}
