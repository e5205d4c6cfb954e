package dev.trunk.spi;

import dev.trunk.ConnectivityState;
import dev.trunk.Status;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

/**
 * Experimental: a load-balancing policy. It receives the resolver's endpoints, opens {@link
 * Subchannel}s through its {@link Helper}, watches their states and publishes a {@link Picker} with
 * the channel's aggregate state.
 *
 * <p>Threads: every method runs in the channel's control context, one at a time, so an
 * implementation needs no locks; it must not block. Only its pickers run elsewhere.
 *
 * <pre>{@code
 * // A policy that sends every call to the first endpoint.
 * final class First implements LoadBalancer {
 *   private final Helper helper;
 *   private Subchannel subchannel;
 *   public void update(List<Endpoint> endpoints, Object config) {
 *     if (subchannel == null) {
 *       subchannel = helper.newSubchannel(endpoints.get(0), false);
 *       subchannel.start((state, status) ->
 *           helper.updateState(state, state == ConnectivityState.READY
 *               ? info -> PickResult.of(subchannel) : info -> PickResult.waiting()));
 *       subchannel.requestConnection();
 *     }
 *   }
 *   ...
 * }
 * }</pre>
 */
public interface LoadBalancer {
  /**
   * The resolver's endpoints changed (never empty: the channel handles an empty resolution itself).
   * {@code config} is what this policy's {@link Provider#parseConfig} returned for the channel's
   * current service config.
   */
  void update(List<Endpoint> endpoints, Object config);

  /**
   * Resolution failed. A policy with subchannels keeps using them; one with none publishes a picker
   * failing calls with {@code error}.
   */
  void onResolutionError(Status error);

  /** The channel left idle mode or was asked to connect: connect if the policy is idle. */
  void requestConnection();

  /** Closes every subchannel; no method is called after this. */
  void close();

  /** What the channel offers its policy. Call it only in the control context. */
  interface Helper {
    /**
     * A new subchannel to {@code endpoint}, not yet connecting. With {@code healthChecked}, and a
     * {@code healthCheckConfig} in the service config (gRFC A17), the subchannel reports READY only
     * while the backend's health service says SERVING.
     */
    Subchannel newSubchannel(Endpoint endpoint, boolean healthChecked);

    /** Publishes the channel's state and the picker for new and waiting calls. */
    void updateState(ConnectivityState state, Picker picker);

    /** Asks the resolver for fresh endpoints (after a connection failure). */
    void refreshResolution();

    /** Runs {@code task} in the control context after {@code delay}. */
    ScheduledFuture<?> schedule(Runnable task, Duration delay);

    /** The channel's target, for messages. */
    String target();
  }

  /**
   * Makes one policy, by name. Found with {@link java.util.ServiceLoader}; the built-in policies
   * are {@code pick_first}, {@code round_robin}, {@code least_request_experimental}, {@code
   * ring_hash_experimental} and {@code outlier_detection_experimental}.
   */
  interface Provider {
    /** The policy's name in {@code loadBalancingConfig}, e.g. {@code "round_robin"}. */
    String policyName();

    /**
     * Checks and converts this policy's JSON config (objects as {@code Map}, arrays as {@code
     * List}, numbers as {@code Double}, plus {@code String}, {@code Boolean} and null).
     *
     * @throws IllegalArgumentException naming the field and what is wrong with it
     */
    Object parseConfig(Map<String, ?> json);

    /** A new policy instance for one channel. */
    LoadBalancer newLoadBalancer(Helper helper);
  }

  /**
   * A policy chosen from a {@code loadBalancingConfig} list with its parsed config, as a wrapping
   * policy (outlier detection) reads its {@code childPolicy}.
   *
   * @param provider the first provider in the list that is registered
   * @param config what that provider parsed from its entry
   */
  record Choice(Provider provider, Object config) {
    /**
     * Reads a {@code loadBalancingConfig} list (gRFC A24: each entry an object with a single key,
     * the policy name): the first entry whose policy is registered wins.
     *
     * @throws IllegalArgumentException if the list is malformed, names no registered policy, or the
     *     chosen policy rejects its config
     */
    public static Choice select(List<?> loadBalancingConfig) {
      return dev.trunk.internal.client.Policies.select(loadBalancingConfig);
    }

    /** The registered provider named {@code policyName}, or null. */
    public static @Nullable Provider provider(String policyName) {
      return dev.trunk.internal.client.Policies.provider(policyName);
    }
  }
}
