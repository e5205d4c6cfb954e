package dev.trunk.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trunk.Status;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CallWindowTest {
  private static final long START = 1_000_000_000_000L;

  private static long millis(long ms) {
    return TimeUnit.MILLISECONDS.toNanos(ms);
  }

  @Test
  void countsCallsAndErrorsOfTheLastMinuteAsRateAndRatio() {
    CallWindow window = new CallWindow();
    for (int i = 0; i < 90; i++) {
      window.record(START + i * 100, Status.Code.OK, millis(1));
    }
    for (int i = 0; i < 30; i++) {
      window.record(START + i * 100, Status.Code.UNAVAILABLE, millis(1));
    }

    CallWindow.Snapshot snapshot = window.snapshot(START + 10_000);

    assertThat(snapshot.calls()).isEqualTo(120);
    assertThat(snapshot.errors()).isEqualTo(30);
    assertThat(snapshot.errorRatio()).isEqualTo(0.25);
    assertThat(snapshot.callsPerSecond()).isEqualTo(2.0);
    assertThat(snapshot.statuses())
        .containsEntry(Status.Code.OK, 90L)
        .containsEntry(Status.Code.UNAVAILABLE, 30L);
  }

  @Test
  void callsOlderThanTheWindowDropOutWhileTheCountsSinceStartStay() {
    CallWindow window = new CallWindow();
    window.record(START, Status.Code.INTERNAL, millis(1));
    window.record(START + 30_000, Status.Code.OK, millis(1));

    CallWindow.Snapshot bothIn = window.snapshot(START + 59_000);
    CallWindow.Snapshot firstOut = window.snapshot(START + 60_000);
    CallWindow.Snapshot bothOut = window.snapshot(START + 90_000);

    assertThat(bothIn.calls()).isEqualTo(2);
    assertThat(firstOut.calls()).isEqualTo(1);
    assertThat(firstOut.errors()).isZero();
    assertThat(bothOut.calls()).isZero();
    assertThat(bothOut.p50Millis()).isZero();
    assertThat(bothOut.statuses())
        .containsEntry(Status.Code.INTERNAL, 1L)
        .containsEntry(Status.Code.OK, 1L);
  }

  @Test
  void aSlotReusedAMinuteLaterForgetsItsOldCalls() {
    CallWindow window = new CallWindow();
    window.record(START, Status.Code.OK, millis(1));
    window.record(START + 60_000, Status.Code.OK, millis(1));

    assertThat(window.snapshot(START + 60_000).calls()).isEqualTo(1);
  }

  @Test
  void percentilesAreTheBoundsOfTheBucketsTheyFallIn() {
    CallWindow window = new CallWindow();
    for (int i = 0; i < 98; i++) {
      window.record(START, Status.Code.OK, millis(3)); // bucket (2 ms, 5 ms]
    }
    window.record(START, Status.Code.OK, millis(150)); // (100 ms, 200 ms]
    window.record(START, Status.Code.OK, millis(150));

    CallWindow.Snapshot snapshot = window.snapshot(START);

    assertThat(snapshot.p50Millis()).isEqualTo(5.0);
    assertThat(snapshot.p99Millis()).isEqualTo(200.0);
  }

  @Test
  void latenciesBeyondTheLastBucketAreReportedAsInfinite() {
    CallWindow window = new CallWindow();
    window.record(START, Status.Code.OK, TimeUnit.SECONDS.toNanos(101));

    assertThat(window.snapshot(START).p99Millis()).isInfinite();
    assertThat(LatencyBuckets.percentileMillis(new long[LatencyBuckets.COUNT], 0.5)).isZero();
  }

  @Test
  void theBucketsGoFromATenthOfAMillisecondToAHundredSecondsInOneTwoFiveSteps() {
    assertThat(LatencyBuckets.index(TimeUnit.MICROSECONDS.toNanos(100))).isZero();
    assertThat(LatencyBuckets.index(TimeUnit.MICROSECONDS.toNanos(101))).isEqualTo(1);
    assertThat(LatencyBuckets.index(TimeUnit.SECONDS.toNanos(100)))
        .isEqualTo(LatencyBuckets.COUNT - 2);
    assertThat(LatencyBuckets.COUNT).isEqualTo(20);
  }
}
