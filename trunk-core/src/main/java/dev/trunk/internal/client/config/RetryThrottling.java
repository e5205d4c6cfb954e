package dev.trunk.internal.client.config;

/**
 * The channel's retry budget, {@code retryThrottling} (gRFC A6): a token bucket of {@code
 * maxTokens} (1..1000) that each failed attempt drains by 1 and each success refills by {@code
 * tokenRatio}; retries and hedges stop while it holds half or less.
 */
public record RetryThrottling(int maxTokens, double tokenRatio) {}
