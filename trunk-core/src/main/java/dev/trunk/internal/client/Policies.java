package dev.trunk.internal.client;

import dev.trunk.spi.LoadBalancer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;

/** The load-balancing policies registered with {@link ServiceLoader}, by name. */
public final class Policies {
  private static final Map<String, LoadBalancer.Provider> BY_NAME = load();

  private Policies() {}

  private static Map<String, LoadBalancer.Provider> load() {
    Map<String, LoadBalancer.Provider> byName = new HashMap<>();
    for (LoadBalancer.Provider provider : ServiceLoader.load(LoadBalancer.Provider.class)) {
      byName.put(provider.policyName(), provider);
    }
    return Map.copyOf(byName);
  }

  /** The provider named {@code name}, or null. */
  public static LoadBalancer.@Nullable Provider provider(String name) {
    return BY_NAME.get(name);
  }

  /** See {@link LoadBalancer.Choice#select}. */
  public static LoadBalancer.Choice select(List<?> loadBalancingConfig) {
    for (Object entry : loadBalancingConfig) {
      if (!(entry instanceof Map<?, ?> map) || map.size() != 1) {
        throw new IllegalArgumentException(
            "each loadBalancingConfig entry must be an object with one key, the policy name; got "
                + entry);
      }
      Map.Entry<?, ?> only = map.entrySet().iterator().next();
      LoadBalancer.Provider provider = BY_NAME.get(String.valueOf(only.getKey()));
      if (provider == null) {
        continue;
      }
      if (!(only.getValue() instanceof Map<?, ?> config)) {
        throw new IllegalArgumentException(
            "the config of policy '"
                + only.getKey()
                + "' must be an object; got "
                + only.getValue());
      }
      @SuppressWarnings("unchecked") // JSON objects are parsed as Map<String, ?>
      Map<String, ?> json = (Map<String, ?>) config;
      return new LoadBalancer.Choice(provider, provider.parseConfig(json));
    }
    throw new IllegalArgumentException(
        "loadBalancingConfig names no known policy: "
            + loadBalancingConfig
            + "; known policies are "
            + BY_NAME.keySet());
  }
}
