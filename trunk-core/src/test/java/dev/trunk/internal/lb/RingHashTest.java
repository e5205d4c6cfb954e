package dev.trunk.internal.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trunk.ConnectivityState;
import dev.trunk.Metadata;
import dev.trunk.Status;
import dev.trunk.spi.Endpoint;
import dev.trunk.spi.LoadBalancer;
import dev.trunk.spi.PickResult;
import dev.trunk.spi.Subchannel;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RingHashTest {
  private static final String HEADER = "x-user-id";
  private static final int KEYS = 2000;

  private final RingHashProvider provider = new RingHashProvider();
  private final FakeHelper helper = new FakeHelper();
  private final LoadBalancer balancer = provider.newLoadBalancer(helper);
  private final Object config = provider.parseConfig(Map.of("requestHashHeader", HEADER));

  @Test
  void registeredUnderItsName() {
    assertThat(LoadBalancer.Choice.provider("ring_hash_experimental"))
        .isInstanceOf(RingHashProvider.class);
  }

  @Test
  void connectsOnlyTheEndpointAPickLandsOn() {
    List<Endpoint> endpoints = FakeHelper.endpoints(3);
    balancer.update(endpoints, config);

    assertThat(helper.state()).isEqualTo(ConnectivityState.IDLE);
    assertThat(helper.subchannels.values()).allMatch(made -> made.get(0).connectionRequests == 0);

    assertThat(pick("user-1")).isEqualTo(PickResult.waiting());
    helper.runDue();

    List<FakeSubchannel> connecting =
        endpoints.stream()
            .map(helper::subchannel)
            .filter(subchannel -> subchannel.state == ConnectivityState.CONNECTING)
            .toList();
    assertThat(connecting).hasSize(1);
    assertThat(helper.state()).isEqualTo(ConnectivityState.CONNECTING);

    connecting.get(0).ready();

    assertThat(helper.state()).isEqualTo(ConnectivityState.READY);
    assertThat(pick("user-1").subchannel()).isSameAs(connecting.get(0));
  }

  @Test
  void keepsEachKeyOnOneEndpointAcrossPickers() {
    List<Endpoint> endpoints = FakeHelper.endpoints(5);
    balancer.update(endpoints, config);
    endpoints.forEach(endpoint -> helper.subchannel(endpoint).ready());
    Map<String, Subchannel> before = placeKeys();

    balancer.update(endpoints, config);
    helper.subchannel(endpoints.get(0)).report(ConnectivityState.READY, Status.OK);

    assertThat(placeKeys()).isEqualTo(before);
    // And the keys spread over every endpoint.
    assertThat(new HashSet<>(before.values())).hasSize(5);
  }

  @Test
  void removingOneOfFiveEndpointsMovesOnlyItsKeysAndFewOthers() {
    List<Endpoint> endpoints = FakeHelper.endpoints(5);
    balancer.update(endpoints, config);
    endpoints.forEach(endpoint -> helper.subchannel(endpoint).ready());
    Map<String, Subchannel> before = placeKeys();
    FakeSubchannel removed = helper.subchannel(endpoints.get(2));

    balancer.update(
        List.of(endpoints.get(0), endpoints.get(1), endpoints.get(3), endpoints.get(4)), config);
    Map<String, Subchannel> after = placeKeys();

    int moved = 0;
    for (String key : before.keySet()) {
      if (before.get(key) == removed) {
        assertThat(after.get(key)).isNotSameAs(removed);
      }
      if (before.get(key) != after.get(key)) {
        moved++;
      }
    }
    // About 1/5 must move (the removed endpoint's share); the ring's rescaling (Envoy's: 205
    // points per endpoint for five, 256 for four) moves some more. Hashing modulo N would move
    // about 4/5. Measured: 600 of 2000 keys (0.30).
    assertThat((double) moved / KEYS).isBetween(0.15, 0.4);
  }

  @Test
  void sameHeaderValueSameEndpointAndMissingHeaderSpreads() {
    List<Endpoint> endpoints = FakeHelper.endpoints(4);
    balancer.update(endpoints, config);
    endpoints.forEach(endpoint -> helper.subchannel(endpoint).ready());
    Subchannel first = pick("user-7").subchannel();

    for (int i = 0; i < 100; i++) {
      assertThat(pick("user-7").subchannel()).isSameAs(first);
    }
    Set<Subchannel> withoutHeader = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      withoutHeader.add(helper.pick(new Metadata(), 0).subchannel());
    }
    // A76: no header means a random hash, so calls land everywhere (not on PickInfo.hash 0).
    assertThat(withoutHeader).hasSize(4);
  }

  @Test
  void withoutHeaderConfigUsesTheChannelsHash() {
    List<Endpoint> endpoints = FakeHelper.endpoints(4);
    balancer.update(endpoints, provider.parseConfig(Map.of()));
    endpoints.forEach(endpoint -> helper.subchannel(endpoint).ready());
    Metadata metadata = new Metadata();
    metadata.add(HEADER, "ignored");

    Set<Subchannel> forOneHash = new HashSet<>();
    Set<Subchannel> forManyHashes = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      forOneHash.add(helper.pick(metadata, 42).subchannel());
      forManyHashes.add(helper.pick(metadata, XxHash64.hash("k" + i)).subchannel());
    }

    assertThat(forOneHash).hasSize(1);
    assertThat(forManyHashes).hasSize(4);
  }

  @Test
  void failedNearestEndpointSendsTheCallOnAndReconnectsAfterBackoff() {
    List<Endpoint> endpoints = FakeHelper.endpoints(3);
    balancer.update(endpoints, config);
    FakeSubchannel nearest = (FakeSubchannel) readyAllAndPick("user-9");
    nearest.fail();

    PickResult result = pick("user-9");
    helper.runDue();

    assertThat(result.subchannel()).isNotNull().isNotSameAs(nearest);
    // A42: the failed one is asked to reconnect once its backoff ends.
    int requests = nearest.connectionRequests;
    nearest.report(ConnectivityState.IDLE, Status.OK);
    assertThat(nearest.connectionRequests).isEqualTo(requests + 1);
    assertThat(nearest.state).isEqualTo(ConnectivityState.CONNECTING);
    // While it reconnects it still counts as failed: calls keep going elsewhere.
    assertThat(pick("user-9").subchannel()).isSameAs(result.subchannel());
  }

  @Test
  void aggregatesAsA42Says() {
    List<Endpoint> endpoints = FakeHelper.endpoints(3);
    balancer.update(endpoints, config);
    FakeSubchannel first = helper.subchannel(endpoints.get(0));
    first.fail();

    // One failure among several: CONNECTING, and the policy connects the next endpoint itself.
    assertThat(helper.state()).isEqualTo(ConnectivityState.CONNECTING);
    FakeSubchannel second = helper.subchannel(endpoints.get(1));
    assertThat(second.state).isEqualTo(ConnectivityState.CONNECTING);

    second.fail();

    assertThat(helper.state()).isEqualTo(ConnectivityState.TRANSIENT_FAILURE);
    assertThat(helper.subchannel(endpoints.get(2)).state).isEqualTo(ConnectivityState.CONNECTING);
    assertThat(helper.refreshes).isEqualTo(2);

    helper.subchannel(endpoints.get(2)).ready();

    assertThat(helper.state()).isEqualTo(ConnectivityState.READY);
  }

  @Test
  void everyEndpointFailedFailsTheCall() {
    List<Endpoint> endpoints = FakeHelper.endpoints(2);
    balancer.update(endpoints, config);
    endpoints.forEach(endpoint -> helper.subchannel(endpoint).fail());

    PickResult result = pick("user-3");

    assertThat(result.status().code()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(result.status().description())
        .contains("ring_hash_experimental", "connection refused");
  }

  @Test
  void parsesAndChecksItsConfig() {
    assertThat(provider.parseConfig(Map.of()))
        .isEqualTo(new RingHashLoadBalancer.Config(1024, 4096, null));
    assertThat(
            provider.parseConfig(
                Map.of("minRingSize", 10.0, "maxRingSize", 20.0, "requestHashHeader", "X-Key")))
        .isEqualTo(new RingHashLoadBalancer.Config(10, 20, "x-key"));
    assertThatThrownBy(() -> provider.parseConfig(Map.of("minRingSize", 5000.0)))
        .hasMessageContaining("minRingSize")
        .hasMessageContaining("maxRingSize");
    assertThatThrownBy(() -> provider.parseConfig(Map.of("maxRingSize", 9e6)))
        .hasMessageContaining("'maxRingSize' must be between 1 and 8388608");
    assertThatThrownBy(() -> provider.parseConfig(Map.of("requestHashHeader", "trace-bin")))
        .hasMessageContaining("requestHashHeader")
        .hasMessageContaining("-bin");
    assertThatThrownBy(() -> provider.parseConfig(Map.of("requestHashHeader", "user id")))
        .hasMessageContaining("'requestHashHeader' 'user id' is not a header name");
  }

  @Test
  void ringHasEnoughPointsForTheLightestEndpoint() {
    Ring ring = Ring.build(List.of("a:1", "b:1", "c:1"), new int[] {1, 1, 2}, 1024, 4096);

    // Envoy's sizing: the lightest has 1/4 of the weight, so ceil(1024 / 4) / (1/4) points.
    assertThat(ring.size()).isEqualTo(1024);
    Map<Integer, Integer> points = new HashMap<>();
    for (int i = 0; i < ring.size(); i++) {
      points.merge(ring.owner(i), 1, Integer::sum);
    }
    assertThat(points).containsEntry(0, 256).containsEntry(1, 256).containsEntry(2, 512);
  }

  private Subchannel readyAllAndPick(String key) {
    helper.subchannels.values().forEach(made -> made.get(0).ready());
    return pick(key).subchannel();
  }

  private Map<String, Subchannel> placeKeys() {
    Map<String, Subchannel> placed = new HashMap<>();
    for (int i = 0; i < KEYS; i++) {
      String key = "key-" + i;
      placed.put(key, pick(key).subchannel());
    }
    return placed;
  }

  private PickResult pick(String key) {
    Metadata metadata = new Metadata();
    metadata.add(HEADER, key);
    return helper.pick(metadata, 0);
  }
}
