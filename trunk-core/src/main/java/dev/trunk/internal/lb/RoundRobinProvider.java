package dev.trunk.internal.lb;

import dev.trunk.spi.LoadBalancer;
import java.util.Map;

/**
 * Makes {@code round_robin} balancers; registered with {@link java.util.ServiceLoader}. The policy
 * takes no config fields. Thread-safe.
 *
 * <pre>{@code
 * {"loadBalancingConfig": [{"round_robin": {}}]}
 * }</pre>
 */
public final class RoundRobinProvider implements LoadBalancer.Provider {
  /** Called by {@link java.util.ServiceLoader}. */
  public RoundRobinProvider() {}

  @Override
  public String policyName() {
    return RoundRobinLoadBalancer.NAME;
  }

  @Override
  public Object parseConfig(Map<String, ?> json) {
    return json;
  }

  @Override
  public LoadBalancer newLoadBalancer(LoadBalancer.Helper helper) {
    return new RoundRobinLoadBalancer(helper);
  }
}
