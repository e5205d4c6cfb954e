package dev.trunk.internal.lb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trunk.ConnectivityState;
import dev.trunk.Status;
import dev.trunk.spi.Endpoint;
import dev.trunk.spi.LoadBalancer;
import dev.trunk.spi.PickResult;
import dev.trunk.spi.Subchannel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoundRobinTest {
  private final FakeHelper helper = new FakeHelper();
  private final LoadBalancer balancer = new RoundRobinLoadBalancer(helper);

  @Test
  void registeredUnderItsName() {
    LoadBalancer.Choice choice =
        LoadBalancer.Choice.select(List.of(Map.of("round_robin", Map.of())));

    assertThat(choice.provider()).isInstanceOf(RoundRobinProvider.class);
  }

  @Test
  void connectsEveryEndpointWithHealthChecking() {
    List<Endpoint> endpoints = FakeHelper.endpoints(3);

    balancer.update(endpoints, Map.of());

    for (Endpoint endpoint : endpoints) {
      FakeSubchannel subchannel = helper.subchannel(endpoint);
      assertThat(subchannel.healthChecked).isTrue();
      assertThat(subchannel.state).isEqualTo(ConnectivityState.CONNECTING);
    }
    assertThat(helper.state()).isEqualTo(ConnectivityState.CONNECTING);
    assertThat(helper.pick()).isEqualTo(PickResult.waiting());
  }

  @Test
  void spreadsCallsEvenlyOverReadySubchannelsOnly() {
    List<Endpoint> endpoints = FakeHelper.endpoints(3);
    balancer.update(endpoints, Map.of());
    helper.subchannel(endpoints.get(0)).ready();
    helper.subchannel(endpoints.get(2)).ready();

    assertThat(helper.state()).isEqualTo(ConnectivityState.READY);
    assertThat(countPicks(3000))
        .containsOnlyKeys(helper.subchannel(endpoints.get(0)), helper.subchannel(endpoints.get(2)))
        .containsValues(1500, 1500);

    helper.subchannel(endpoints.get(1)).ready();

    assertThat(countPicks(3000)).hasSize(3).containsValues(1000, 1000, 1000);
  }

  @Test
  void failsWithTheLastErrorWhenEveryEndpointFails() {
    List<Endpoint> endpoints = FakeHelper.endpoints(2);
    balancer.update(endpoints, Map.of());
    helper.subchannel(endpoints.get(0)).fail();

    assertThat(helper.state()).isEqualTo(ConnectivityState.CONNECTING);

    helper.subchannel(endpoints.get(1)).fail();

    assertThat(helper.state()).isEqualTo(ConnectivityState.TRANSIENT_FAILURE);
    PickResult result = helper.pick();
    assertThat(result.status().code()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(result.status().description())
        .contains("round_robin", "test:///backends", "connection refused by " + endpoints.get(1));
    assertThat(helper.refreshes).isEqualTo(2);
  }

  @Test
  void reconnectsAfterBackoffAndStaysFailedUntilReady() {
    Endpoint endpoint = FakeHelper.endpoint(1000);
    balancer.update(List.of(endpoint), Map.of());
    FakeSubchannel subchannel = helper.subchannel(endpoint);
    subchannel.fail();

    // The backoff ends: the subchannel is IDLE again and the policy connects it at once.
    subchannel.report(ConnectivityState.IDLE, Status.OK);

    assertThat(subchannel.connectionRequests).isEqualTo(2);
    assertThat(subchannel.state).isEqualTo(ConnectivityState.CONNECTING);
    assertThat(helper.state()).isEqualTo(ConnectivityState.TRANSIENT_FAILURE);

    subchannel.ready();

    assertThat(helper.state()).isEqualTo(ConnectivityState.READY);
  }

  @Test
  void lostConnectionRefreshesResolutionAndReconnects() {
    Endpoint endpoint = FakeHelper.endpoint(1000);
    balancer.update(List.of(endpoint), Map.of());
    FakeSubchannel subchannel = helper.subchannel(endpoint);
    subchannel.ready();

    subchannel.report(ConnectivityState.IDLE, Status.OK);

    assertThat(helper.refreshes).isEqualTo(1);
    assertThat(subchannel.state).isEqualTo(ConnectivityState.CONNECTING);
    assertThat(helper.state()).isEqualTo(ConnectivityState.CONNECTING);
  }

  @Test
  void updateKeepsSubchannelsOfRemainingEndpointsAndClosesRemovedOnes() {
    List<Endpoint> endpoints = FakeHelper.endpoints(4);
    balancer.update(endpoints.subList(0, 3), Map.of());
    FakeSubchannel removed = helper.subchannel(endpoints.get(0));
    FakeSubchannel kept = helper.subchannel(endpoints.get(1));
    kept.ready();

    balancer.update(endpoints.subList(1, 4), Map.of());

    assertThat(removed.closed).isTrue();
    assertThat(helper.subchannels.get(endpoints.get(1))).containsExactly(kept);
    assertThat(kept.closed).isFalse();
    assertThat(helper.subchannel(endpoints.get(3)).state).isEqualTo(ConnectivityState.CONNECTING);
    assertThat(countPicks(10)).containsOnlyKeys(kept);
  }

  @Test
  void resolutionErrorBeforeAnyEndpointFailsCalls() {
    balancer.onResolutionError(Status.UNAVAILABLE.withDescription("no such host"));

    assertThat(helper.state()).isEqualTo(ConnectivityState.TRANSIENT_FAILURE);
    assertThat(helper.pick().status().description()).isEqualTo("no such host");
  }

  @Test
  void closeClosesEverySubchannel() {
    List<Endpoint> endpoints = FakeHelper.endpoints(2);
    balancer.update(endpoints, Map.of());

    balancer.close();

    assertThat(helper.subchannel(endpoints.get(0)).closed).isTrue();
    assertThat(helper.subchannel(endpoints.get(1)).closed).isTrue();
  }

  private Map<Subchannel, Integer> countPicks(int picks) {
    Map<Subchannel, Integer> counts = new HashMap<>();
    for (int i = 0; i < picks; i++) {
      counts.merge(helper.pickAndEnd(Status.OK), 1, Integer::sum);
    }
    return counts;
  }
}
