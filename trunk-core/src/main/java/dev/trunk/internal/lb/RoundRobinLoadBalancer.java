package dev.trunk.internal.lb;

import dev.trunk.spi.PickInfo;
import dev.trunk.spi.PickResult;
import dev.trunk.spi.Picker;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code round_robin}: connects to every endpoint and sends each call to the next READY one in
 * turn. Threads: see {@link EndpointListBalancer}.
 */
final class RoundRobinLoadBalancer extends EndpointListBalancer {
  static final String NAME = "round_robin";

  RoundRobinLoadBalancer(Helper helper) {
    super(helper, NAME);
  }

  @Override
  void configure(Object config) {}

  @Override
  Picker readyPicker(List<Tracked> ready) {
    return new RotatingPicker(ready);
  }

  /**
   * Rotates over a fixed list, starting at a random offset so that many clients given the same list
   * do not all hit its first entry at once. Thread-safe.
   */
  static final class RotatingPicker implements Picker {
    private final List<Tracked> ready;
    private final AtomicInteger next;

    RotatingPicker(List<Tracked> ready) {
      this.ready = ready;
      this.next = new AtomicInteger(ThreadLocalRandom.current().nextInt(ready.size()));
    }

    @Override
    public PickResult pick(PickInfo info) {
      int index = Math.floorMod(next.getAndIncrement(), ready.size());
      return PickResult.of(ready.get(index).subchannel);
    }
  }
}
