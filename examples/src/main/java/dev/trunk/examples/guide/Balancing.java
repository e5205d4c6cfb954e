package dev.trunk.examples.guide;

import dev.trunk.Channel;

/** The guide's section "Many backends: targets, load balancing, retries". */
public final class Balancing {
  private Balancing() {}

  /** A channel to every backend {@code target} resolves to, calls spread and retried. */
  public static Channel pricingChannel(String target) {
    // tag::retries[]
    Channel channel =
        Channel.forTarget(target) // e.g. "dns:///pricing.internal:50051"
            .defaultServiceConfig(
                """
                {"loadBalancingConfig": [{"round_robin": {}}],
                 "retryThrottling": {"maxTokens": 10, "tokenRatio": 0.1},
                 "methodConfig": [{"name": [{"service": "trunk.examples.guide.Pricing"}],
                   "retryPolicy": {"maxAttempts": 3, "initialBackoff": "0.1s", "maxBackoff": "1s",
                     "backoffMultiplier": 2, "retryableStatusCodes": ["UNAVAILABLE"]}}]}
                """)
            .build();
    // end::retries[]
    return channel;
  }
}
