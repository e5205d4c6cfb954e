package dev.trunk.internal.client;

import dev.trunk.internal.client.config.RetryThrottling;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A channel's retry budget (gRFC A6 "Throttling Retry Attempts and Hedged RPCs"): a token bucket
 * that starts full at {@code maxTokens}; each failed attempt takes one token, each success gives
 * back {@code tokenRatio}; retries and hedges are allowed only while it holds more than half.
 * Thread-safe, lock-free.
 */
final class RetryThrottle {
  /** Tokens are counted in thousandths: A6 gives tokenRatio at most 3 decimal places. */
  private static final int SCALE = 1000;

  private final RetryThrottling config;
  private final int maxTokens;
  private final int threshold;
  private final int tokenRatio;
  private final AtomicInteger tokens;

  RetryThrottle(RetryThrottling config) {
    this.config = config;
    this.maxTokens = config.maxTokens() * SCALE;
    this.threshold = maxTokens / 2;
    this.tokenRatio = (int) Math.round(config.tokenRatio() * SCALE);
    this.tokens = new AtomicInteger(maxTokens);
  }

  /** The service config this bucket was made from. */
  RetryThrottling config() {
    return config;
  }

  /** Whether a retry or a hedge may be sent now: more than half the tokens are left. */
  boolean allowsRetry() {
    return tokens.get() > threshold;
  }

  /** An attempt failed with a retryable or non-fatal status, or pushback said not to retry. */
  void onFailure() {
    tokens.getAndUpdate(now -> Math.max(0, now - SCALE));
  }

  /** An attempt succeeded. */
  void onSuccess() {
    tokens.getAndUpdate(now -> Math.min(maxTokens, now + tokenRatio));
  }
}
