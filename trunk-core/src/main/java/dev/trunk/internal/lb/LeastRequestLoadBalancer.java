package dev.trunk.internal.lb;

import dev.trunk.spi.PickInfo;
import dev.trunk.spi.PickResult;
import dev.trunk.spi.Picker;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code least_request_experimental} (gRFC A48): connects to every endpoint; each call samples
 * {@code choiceCount} READY subchannels at random and goes to the one with the fewest calls
 * outstanding. Threads: see {@link EndpointListBalancer}.
 */
final class LeastRequestLoadBalancer extends EndpointListBalancer {
  static final String NAME = "least_request_experimental";

  /**
   * The parsed config.
   *
   * @param choiceCount how many READY subchannels each pick compares
   */
  record Config(int choiceCount) {}

  private int choiceCount = LeastRequestProvider.DEFAULT_CHOICE_COUNT;

  LeastRequestLoadBalancer(Helper helper) {
    super(helper, NAME);
  }

  @Override
  void configure(Object config) {
    choiceCount = ((Config) config).choiceCount();
  }

  @Override
  Picker readyPicker(List<Tracked> ready) {
    return new LeastLoadedPicker(ready, choiceCount);
  }

  /**
   * A48's picker: samples with replacement (as Envoy does), so a subchannel may be compared with
   * itself. Counts a call at the pick and uncounts it when the call's attempt ends. Thread-safe.
   */
  record LeastLoadedPicker(List<Tracked> ready, int choiceCount) implements Picker {
    @Override
    public PickResult pick(PickInfo info) {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      Tracked best = ready.get(random.nextInt(ready.size()));
      for (int i = 1; i < choiceCount; i++) {
        Tracked sampled = ready.get(random.nextInt(ready.size()));
        if (sampled.outstanding.get() < best.outstanding.get()) {
          best = sampled;
        }
      }
      Tracked chosen = best;
      chosen.outstanding.incrementAndGet();
      return PickResult.of(chosen.subchannel)
          .onDone(status -> chosen.outstanding.decrementAndGet());
    }
  }
}
