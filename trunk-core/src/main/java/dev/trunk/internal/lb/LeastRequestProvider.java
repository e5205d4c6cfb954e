package dev.trunk.internal.lb;

import dev.trunk.spi.LoadBalancer;
import java.util.Map;

/**
 * Makes {@code least_request_experimental} balancers (gRFC A48); registered with {@link
 * java.util.ServiceLoader}. Config: {@code choiceCount}, default 2, at least 2; values above 10 are
 * read as 10 (A48, as Envoy). Thread-safe.
 *
 * <pre>{@code
 * {"loadBalancingConfig": [{"least_request_experimental": {"choiceCount": 3}}]}
 * }</pre>
 */
public final class LeastRequestProvider implements LoadBalancer.Provider {
  /** Subchannels compared per pick when the config names none (A48). */
  static final int DEFAULT_CHOICE_COUNT = 2;

  /** Fewer than two choices would be random picking, so A48 rejects it. */
  static final int MIN_CHOICE_COUNT = 2;

  /** Larger values are read as this (A48): more samples buy almost nothing. */
  static final int MAX_CHOICE_COUNT = 10;

  /** Called by {@link java.util.ServiceLoader}. */
  public LeastRequestProvider() {}

  @Override
  public String policyName() {
    return LeastRequestLoadBalancer.NAME;
  }

  @Override
  public Object parseConfig(Map<String, ?> json) {
    JsonFields fields = new JsonFields(LeastRequestLoadBalancer.NAME, json);
    long choiceCount =
        fields.integer("choiceCount", DEFAULT_CHOICE_COUNT, MIN_CHOICE_COUNT, Integer.MAX_VALUE);
    return new LeastRequestLoadBalancer.Config((int) Math.min(choiceCount, MAX_CHOICE_COUNT));
  }

  @Override
  public LoadBalancer newLoadBalancer(LoadBalancer.Helper helper) {
    return new LeastRequestLoadBalancer(helper);
  }
}
