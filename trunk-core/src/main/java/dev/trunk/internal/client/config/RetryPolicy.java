package dev.trunk.internal.client.config;

import dev.trunk.Status;
import java.time.Duration;
import java.util.Set;

/**
 * A method's {@code retryPolicy} (gRFC A6): up to {@code maxAttempts} attempts (original included,
 * capped at {@link ServiceConfig#MAX_ATTEMPTS}), retried on {@code retryableStatusCodes} after a
 * random backoff in [0, min(initialBackoff * backoffMultiplier^(n-1), maxBackoff)).
 */
public record RetryPolicy(
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    double backoffMultiplier,
    Set<Status.Code> retryableStatusCodes) {
  public RetryPolicy {
    retryableStatusCodes = Set.copyOf(retryableStatusCodes);
  }
}
