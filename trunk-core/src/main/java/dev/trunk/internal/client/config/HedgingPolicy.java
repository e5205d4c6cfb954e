package dev.trunk.internal.client.config;

import dev.trunk.Status;
import java.time.Duration;
import java.util.Set;

/**
 * A method's {@code hedgingPolicy} (gRFC A6): up to {@code maxAttempts} attempts (capped at {@link
 * ServiceConfig#MAX_ATTEMPTS}), a new one every {@code hedgingDelay} (zero: all at once) while none
 * has answered; a status in {@code nonFatalStatusCodes} lets the next attempt go at once, any other
 * ends the call.
 */
public record HedgingPolicy(
    int maxAttempts, Duration hedgingDelay, Set<Status.Code> nonFatalStatusCodes) {
  public HedgingPolicy {
    nonFatalStatusCodes = Set.copyOf(nonFatalStatusCodes);
  }
}
