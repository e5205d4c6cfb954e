package dev.trunk.internal.client.config;

import dev.trunk.spi.LoadBalancer;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A parsed, valid service config (gRFC A2): per-method settings, the retry budget, the
 * load-balancing policy and client-side health checking (gRFC A17).
 *
 * @param methods method configs by name: {@code "pkg.Service/Method"} for one method, {@code
 *     "pkg.Service/"} for every method of a service, {@code "/"} for the default
 * @param retryThrottling the retry budget, or null for none
 * @param loadBalancing the chosen policy, or null for the channel's default
 * @param healthCheckServiceName the service name to watch with the health service, or null when
 *     health checking is off
 */
public record ServiceConfig(
    Map<String, MethodConfig> methods,
    @Nullable RetryThrottling retryThrottling,
    LoadBalancer.@Nullable Choice loadBalancing,
    @Nullable String healthCheckServiceName) {
  /** The most attempts a retry or hedging policy may make; more are capped (gRFC A6). */
  public static final int MAX_ATTEMPTS = 5;

  /** No service config: defaults everywhere. */
  public static final ServiceConfig EMPTY = new ServiceConfig(Map.of(), null, null, null);

  public ServiceConfig {
    methods = Map.copyOf(methods);
  }

  /**
   * The config for {@code fullMethodName} ({@code "pkg.Service/Method"}): the method's own entry,
   * else its service's, else the default, else {@link MethodConfig#NONE}.
   */
  public MethodConfig forMethod(String fullMethodName) {
    if (methods.isEmpty()) {
      return MethodConfig.NONE; // the usual case: no allocation per call
    }
    MethodConfig exact = methods.get(fullMethodName);
    if (exact != null) {
      return exact;
    }
    int slash = fullMethodName.indexOf('/');
    MethodConfig service = methods.get(fullMethodName.substring(0, slash + 1));
    if (service != null) {
      return service;
    }
    return methods.getOrDefault("/", MethodConfig.NONE);
  }
}
