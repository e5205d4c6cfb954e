package dev.trunk.internal.client;

import static dev.trunk.internal.client.RetryFixture.hedge;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.StringValue;
import dev.trunk.CallOptions;
import dev.trunk.Channel;
import dev.trunk.Status;
import dev.trunk.StatusException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hedging by a service config's hedgingPolicy (gRFC A6) against a real server: the fastest attempt
 * wins and the others are cancelled, a non-fatal status sends the next hedge at once, a fatal one
 * ends the call, and pushback saying stop sends no more hedges.
 */
class HedgingTest {
  private static final Duration SLOW = Duration.ofSeconds(RetryFixture.WAIT_SECONDS);
  private static final CallOptions TEN_SECONDS =
      CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(RetryFixture.WAIT_SECONDS));

  private RetryFixture fixture;

  @BeforeEach
  void start() throws Exception {
    fixture = new RetryFixture();
  }

  @AfterEach
  void stop() throws Exception {
    fixture.close();
  }

  private static StringValue hello() {
    return StringValue.of("hello");
  }

  private static long millisSince(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  private static Status.Code codeOf(Throwable failure) {
    return ((StatusException) failure).status().code();
  }

  @Test
  void theFastAttemptWinsAndTheSlowOneIsCancelled() throws Exception {
    fixture.delay = attempt -> attempt == 0 ? SLOW : Duration.ZERO;
    Channel channel =
        fixture.channel(hedge(3, Duration.ofMillis(100), Status.Code.UNAVAILABLE), null);
    long start = System.nanoTime();

    assertThat(channel.unaryCall(RetryFixture.UNARY, hello(), TEN_SECONDS)).isEqualTo(hello());
    assertThat(millisSince(start)).isLessThan(3_000);
    assertThat(fixture.previousAttempts).containsExactly("none", "1");
    waitUntil(() -> fixture.cancelled.contains(0));
  }

  @Test
  void aNonFatalStatusSendsTheNextHedgeAtOnce() {
    fixture.failure = attempt -> attempt == 0 ? Status.UNAVAILABLE : null;
    Channel channel = fixture.channel(hedge(3, SLOW, Status.Code.UNAVAILABLE), null);
    long start = System.nanoTime();

    assertThat(channel.unaryCall(RetryFixture.UNARY, hello(), TEN_SECONDS)).isEqualTo(hello());
    assertThat(millisSince(start)).isLessThan(3_000);
    assertThat(fixture.previousAttempts).containsExactly("none", "1");
  }

  @Test
  void aFatalStatusEndsTheCallAndCancelsTheOtherAttempts() throws Exception {
    fixture.delay = attempt -> attempt == 0 ? Duration.ofMillis(300) : SLOW;
    fixture.failure = attempt -> attempt == 0 ? Status.INVALID_ARGUMENT : null;
    Channel channel =
        fixture.channel(hedge(2, Duration.ofMillis(50), Status.Code.UNAVAILABLE), null);
    long start = System.nanoTime();

    assertThatThrownBy(() -> channel.unaryCall(RetryFixture.UNARY, hello(), TEN_SECONDS))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(Status.Code.INVALID_ARGUMENT));
    assertThat(millisSince(start)).isLessThan(3_000);
    assertThat(fixture.attempts()).isEqualTo(2);
    waitUntil(() -> fixture.cancelled.contains(1));
  }

  @Test
  void whenEveryHedgeFailsTheLastStatusSurfaces() {
    fixture.failure = attempt -> Status.UNAVAILABLE;
    Channel channel =
        fixture.channel(hedge(3, Duration.ofMillis(20), Status.Code.UNAVAILABLE), null);

    assertThatThrownBy(() -> channel.unaryCall(RetryFixture.UNARY, hello(), TEN_SECONDS))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(Status.Code.UNAVAILABLE));
    assertThat(fixture.previousAttempts).containsExactlyInAnyOrder("none", "1", "2");
  }

  @Test
  void pushbackSayingStopSendsNoMoreHedges() throws Exception {
    fixture.failure = attempt -> Status.UNAVAILABLE;
    fixture.pushback = "-1";
    Channel channel =
        fixture.channel(hedge(3, Duration.ofMillis(100), Status.Code.UNAVAILABLE), null);

    assertThatThrownBy(() -> channel.unaryCall(RetryFixture.UNARY, hello(), TEN_SECONDS))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(Status.Code.UNAVAILABLE));
    Thread.sleep(300); // two hedging delays: no hedge comes
    assertThat(fixture.attempts()).isEqualTo(1);
  }

  private static void waitUntil(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(RetryFixture.WAIT_SECONDS);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for the condition").isLessThan(deadline);
      Thread.sleep(10);
    }
  }
}
