package dev.trunk.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Durations, stages, schedules and thresholds as the flags write them. */
class ParsingTest {
  @Test
  void durationsTakeANumberAndAUnit() {
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(Durations.parse("0.25ms")).isEqualTo(Duration.ofNanos(250_000));
    assertThat(Durations.parse("30")).isEqualTo(Duration.ofSeconds(30));
    assertThatThrownBy(() -> Durations.parse("30x"))
        .hasMessageContaining("'30x' is not a duration");
  }

  @Test
  void stagesAreARateOrAConcurrency() {
    assertThat(Stage.parse("30s:100rps")).isEqualTo(new Stage(Duration.ofSeconds(30), 100, true));
    assertThat(Stage.parse("1m:50")).isEqualTo(new Stage(Duration.ofMinutes(1), 50, false));
    assertThatThrownBy(() -> Stage.parse("30s")).hasMessageContaining("'30s' is not a stage");
    assertThatThrownBy(() -> Stage.parse("0s:5")).hasMessageContaining("not a positive duration");
    assertThatThrownBy(() -> Stage.parse("1s:2.5")).hasMessageContaining("whole number");
  }

  @Test
  void aStagedScheduleMovesLinearlyFromTheLastTarget() {
    Schedule schedule =
        Schedule.staged(
            0,
            List.of(Stage.parse("10s:100rps"), Stage.parse("10s:100rps"), Stage.parse("10s:0rps")));
    assertThat(schedule.lengthNanos()).isEqualTo(Duration.ofSeconds(30).toNanos());
    assertThat(schedule.target(0)).isZero();
    assertThat(schedule.target(Duration.ofSeconds(5).toNanos())).isCloseTo(50, within(1e-9));
    assertThat(schedule.target(Duration.ofSeconds(15).toNanos())).isCloseTo(100, within(1e-9));
    assertThat(schedule.target(Duration.ofSeconds(25).toNanos())).isCloseTo(50, within(1e-9));
  }

  @Test
  void thresholdsNameAMetricAComparisonAndALimit() {
    assertThat(Threshold.parse("p99>500ms"))
        .isEqualTo(new Threshold("p99>500ms", "p99", ">", 500e6));
    assertThat(Threshold.parse("p99.9 >= 1s").limit()).isEqualTo(1e9);
    assertThat(Threshold.parse("error_rate>1%").limit()).isCloseTo(0.01, within(1e-12));
    assertThat(Threshold.parse("error_rate>0.05").limit()).isEqualTo(0.05);
    assertThat(Threshold.parse("rps<1000").limit()).isEqualTo(1000);
    assertThatThrownBy(() -> Threshold.parse("p99=5ms")).hasMessageContaining("not a threshold");
    assertThatThrownBy(() -> Threshold.parse("p99>fast")).hasMessageContaining("not a duration");
    assertThatThrownBy(() -> Threshold.parse("p101>5ms")).hasMessageContaining("at most p100");
  }
}
