package dev.trunk.internal.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trunk.ConnectivityState;
import dev.trunk.Status;
import dev.trunk.spi.Endpoint;
import dev.trunk.spi.LoadBalancer;
import dev.trunk.spi.PickResult;
import dev.trunk.spi.Subchannel;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class OutlierDetectionTest {
  private static final Duration INTERVAL = Duration.ofSeconds(10);

  private final OutlierDetectionProvider provider = new OutlierDetectionProvider();
  private final FakeHelper helper = new FakeHelper();
  private final LoadBalancer balancer =
      new OutlierDetectionLoadBalancer(helper, () -> helper.nanos);

  @Test
  void registeredUnderItsName() {
    assertThat(LoadBalancer.Choice.provider("outlier_detection_experimental"))
        .isInstanceOf(OutlierDetectionProvider.class);
  }

  @Test
  void ejectsAFailingEndpointAfterAnIntervalAndBringsItBackAfterBaseEjectionTime() {
    List<Endpoint> endpoints = startReady(5, failurePercentage(Map.of()));
    FakeSubchannel failing = helper.subchannel(endpoints.get(0));

    callFor(INTERVAL, Set.of(failing));

    // Ejected at 10 s: the child (round_robin) sees TRANSIENT_FAILURE and stops picking it,
    // though its connection is still up.
    assertThat(picked(100)).hasSize(4).doesNotContain(failing);
    assertThat(failing.state).isEqualTo(ConnectivityState.READY);

    callFor(Duration.ofSeconds(20), Set.of());
    assertThat(picked(100)).doesNotContain(failing);

    // baseEjectionTime (30 s) after the ejection, the sweep at 40 s un-ejects it.
    callFor(INTERVAL, Set.of());
    assertThat(picked(100)).hasSize(5).contains(failing);
  }

  @Test
  void picksHandTheChannelTheRealSubchannel() {
    startReady(5, failurePercentage(Map.of()));

    assertThat(helper.pick().subchannel()).isInstanceOf(FakeSubchannel.class);
  }

  @Test
  void ejectsNoMoreThanMaxEjectionPercent() {
    List<Endpoint> endpoints =
        startReady(10, failurePercentage(Map.of("maxEjectionPercent", 20.0)));
    Set<Subchannel> failing =
        Set.of(
            helper.subchannel(endpoints.get(0)),
            helper.subchannel(endpoints.get(1)),
            helper.subchannel(endpoints.get(2)));

    callFor(INTERVAL, failing);

    Set<Subchannel> stillPicked = picked(200);
    assertThat(stillPicked).hasSize(8);
    assertThat(failing.stream().filter(stillPicked::contains)).hasSize(1);
  }

  @Test
  void defaultMaxEjectionPercentStillEjectsOne() {
    List<Endpoint> endpoints = startReady(5, failurePercentage(Map.of()));
    Set<Subchannel> failing =
        Set.of(helper.subchannel(endpoints.get(0)), helper.subchannel(endpoints.get(1)));

    callFor(INTERVAL, failing);

    assertThat(picked(100)).hasSize(4);
  }

  @Test
  void successRateEjectsTheStatisticalOutlier() {
    Object config =
        provider.parseConfig(
            Map.of(
                "successRateEjection", Map.of("requestVolume", 10.0),
                "childPolicy", List.of(Map.of("round_robin", Map.of()))));
    List<Endpoint> endpoints = startReady(5, config);
    FakeSubchannel failing = helper.subchannel(endpoints.get(3));

    callFor(INTERVAL, Set.of(failing));

    assertThat(picked(100)).hasSize(4).doesNotContain(failing);
  }

  @Test
  void withoutAnAlgorithmNothingIsEjected() {
    Object config =
        provider.parseConfig(Map.of("childPolicy", List.of(Map.of("round_robin", Map.of()))));
    List<Endpoint> endpoints = startReady(5, config);

    callFor(INTERVAL, Set.of(helper.subchannel(endpoints.get(0))));

    assertThat(picked(100)).hasSize(5);
  }

  @Test
  void parsesAndChecksItsConfig() {
    List<Map<String, Object>> child = List.of(Map.of("round_robin", Map.of()));
    OutlierDetectionLoadBalancer.Config parsed =
        (OutlierDetectionLoadBalancer.Config)
            provider.parseConfig(
                Map.of(
                    "interval",
                    "0.5s",
                    "successRateEjection",
                    Map.of(),
                    "failurePercentageEjection",
                    Map.of(),
                    "childPolicy",
                    child));

    assertThat(parsed.interval()).isEqualTo(Duration.ofMillis(500));
    assertThat(parsed.baseEjectionTime()).isEqualTo(Duration.ofSeconds(30));
    assertThat(parsed.maxEjectionTime()).isEqualTo(Duration.ofSeconds(300));
    assertThat(parsed.maxEjectionPercent()).isEqualTo(10);
    assertThat(parsed.successRate())
        .isEqualTo(new OutlierDetectionLoadBalancer.SuccessRate(1900, 100, 5, 100));
    assertThat(parsed.failurePercentage())
        .isEqualTo(new OutlierDetectionLoadBalancer.FailurePercentage(85, 100, 5, 50));
    assertThat(parsed.child().provider()).isInstanceOf(RoundRobinProvider.class);

    assertThatThrownBy(() -> provider.parseConfig(Map.of("interval", "10", "childPolicy", child)))
        .hasMessageContaining("'interval' must be a non-negative duration string");
    assertThatThrownBy(() -> provider.parseConfig(Map.of("interval", "0s", "childPolicy", child)))
        .hasMessageContaining("'interval' must be longer than zero");
    assertThatThrownBy(
            () -> provider.parseConfig(Map.of("maxEjectionPercent", 101.0, "childPolicy", child)))
        .hasMessageContaining("maxEjectionPercent");
    assertThatThrownBy(
            () ->
                provider.parseConfig(
                    Map.of(
                        "failurePercentageEjection",
                        Map.of("threshold", 150.0),
                        "childPolicy",
                        child)))
        .hasMessageContaining("failurePercentageEjection")
        .hasMessageContaining("threshold");
    assertThatThrownBy(() -> provider.parseConfig(Map.of()))
        .hasMessageContaining("'childPolicy' is required");
    assertThatThrownBy(
            () -> provider.parseConfig(Map.of("childPolicy", List.of(Map.of("no_such", Map.of())))))
        .hasMessageContaining("'childPolicy' is invalid")
        .hasMessageContaining("no_such");
  }

  private Object failurePercentage(Map<String, Object> extra) {
    Map<String, Object> json = new HashMap<>(extra);
    json.put("interval", "10s");
    json.put("baseEjectionTime", "30s");
    json.put("failurePercentageEjection", Map.of("threshold", 50.0, "requestVolume", 10.0));
    json.put("childPolicy", List.of(Map.of("round_robin", Map.of())));
    return provider.parseConfig(json);
  }

  private List<Endpoint> startReady(int count, Object config) {
    List<Endpoint> endpoints = FakeHelper.endpoints(count);
    balancer.update(endpoints, config);
    endpoints.forEach(endpoint -> helper.subchannel(endpoint).ready());
    return endpoints;
  }

  /**
   * Makes calls for {@code duration}, one interval at a time: 100 spread by the child policy,
   * failing those on {@code failing}, then lets the clock run to the end of the interval (the sweep
   * runs there).
   */
  private void callFor(Duration duration, Set<Subchannel> failing) {
    for (long done = 0; done < duration.toNanos(); done += INTERVAL.toNanos()) {
      for (int i = 0; i < 100; i++) {
        pickAndEnd(failing);
      }
      helper.advance(INTERVAL);
    }
  }

  private Set<Subchannel> picked(int picks) {
    Set<Subchannel> picked = new HashSet<>();
    for (int i = 0; i < picks; i++) {
      picked.add(helper.pickAndEnd(Status.OK));
    }
    return picked;
  }

  /** Picks, and ends the call with UNAVAILABLE if it went to a failing subchannel, else OK. */
  private void pickAndEnd(Set<Subchannel> failing) {
    PickResult result = helper.pick();
    Subchannel chosen = result.subchannel();
    Consumer<Status> onDone = result.onDone();
    if (chosen == null || onDone == null) {
      throw new AssertionError("expected a counted pick, got " + result);
    }
    onDone.accept(failing.contains(chosen) ? Status.UNAVAILABLE : Status.OK);
  }
}
