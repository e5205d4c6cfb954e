package dev.trunk.internal.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trunk.ConnectivityState;
import dev.trunk.Status;
import dev.trunk.spi.Endpoint;
import dev.trunk.spi.LoadBalancer;
import dev.trunk.spi.PickResult;
import dev.trunk.spi.Subchannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeastRequestTest {
  private final LeastRequestProvider provider = new LeastRequestProvider();
  private final FakeHelper helper = new FakeHelper();
  private final LoadBalancer balancer = provider.newLoadBalancer(helper);
  private final List<Endpoint> endpoints = FakeHelper.endpoints(2);

  @Test
  void registeredUnderItsName() {
    assertThat(LoadBalancer.Choice.provider("least_request_experimental"))
        .isInstanceOf(LeastRequestProvider.class);
  }

  @Test
  void picksTheLessLoadedSubchannelAndCountsDownWhenCallsEnd() {
    balancer.update(endpoints, provider.parseConfig(Map.of("choiceCount", 10.0)));
    FakeSubchannel busy = helper.subchannel(endpoints.get(0));
    FakeSubchannel quiet = helper.subchannel(endpoints.get(1));
    busy.ready();
    List<PickResult> onBusy = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      onBusy.add(helper.pick());
    }
    assertThat(onBusy).allMatch(result -> result.subchannel() == busy);
    quiet.ready();

    // 50 calls outstanding on one, none on the other: each pick compares 10 random samples, so
    // it goes to the busy one only if all 10 samples were the busy one (2^-10).
    List<Subchannel> picked = pickWithoutEnding(40);

    assertThat(picked).filteredOn(subchannel -> subchannel == quiet).hasSizeGreaterThan(37);

    onBusy.forEach(result -> result.onDone().accept(Status.OK));

    // Now the first has none outstanding and the second about 40.
    assertThat(pickWithoutEnding(20))
        .filteredOn(subchannel -> subchannel == busy)
        .hasSizeGreaterThan(17);
  }

  @Test
  void sharesTheSubchannelStateHandlingOfRoundRobin() {
    balancer.update(endpoints, provider.parseConfig(Map.of()));
    helper.subchannel(endpoints.get(0)).fail();
    helper.subchannel(endpoints.get(1)).fail();

    assertThat(helper.state()).isEqualTo(ConnectivityState.TRANSIENT_FAILURE);
    assertThat(helper.pick().status().description()).contains("least_request_experimental");
  }

  @Test
  void choiceCountDefaultsToTwoIsCappedAtTenAndRejectsLessThanTwo() {
    assertThat(provider.parseConfig(Map.of())).isEqualTo(new LeastRequestLoadBalancer.Config(2));
    assertThat(provider.parseConfig(Map.of("choiceCount", 25.0)))
        .isEqualTo(new LeastRequestLoadBalancer.Config(10));
    assertThatThrownBy(() -> provider.parseConfig(Map.of("choiceCount", 1.0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("choiceCount");
    assertThatThrownBy(() -> provider.parseConfig(Map.of("choiceCount", 2.5)))
        .hasMessageContaining("'choiceCount' must be a whole number");
    assertThatThrownBy(() -> provider.parseConfig(Map.of("choiceCount", "3")))
        .hasMessageContaining("choiceCount");
  }

  private List<Subchannel> pickWithoutEnding(int picks) {
    List<Subchannel> picked = new ArrayList<>();
    for (int i = 0; i < picks; i++) {
      picked.add(helper.pick().subchannel());
    }
    return picked;
  }
}
