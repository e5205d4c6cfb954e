package dev.trunk.internal.client.config;

import dev.trunk.spi.LoadBalancer;
import java.util.Map;

/**
 * A load-balancing policy registered only in tests (META-INF/services under src/test/resources), so
 * the service config parser can be tested with a known policy whatever the built-in ones are. Its
 * parsed config is the JSON object itself; a {@code "bad"} field is refused.
 */
public final class TestPolicyProvider implements LoadBalancer.Provider {
  static final String NAME = "trunk_test_policy";

  @Override
  public String policyName() {
    return NAME;
  }

  @Override
  public Object parseConfig(Map<String, ?> json) {
    if (json.containsKey("bad")) {
      throw new IllegalArgumentException(NAME + ".bad: not allowed");
    }
    return Map.copyOf(json);
  }

  @Override
  public LoadBalancer newLoadBalancer(LoadBalancer.Helper helper) {
    throw new UnsupportedOperationException("only parsed in tests, never run");
  }
}
