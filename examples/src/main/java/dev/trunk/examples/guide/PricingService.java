package dev.trunk.examples.guide;

import java.time.Duration;

/** Prices every item the same, after a configurable delay (to show deadlines at work). */
public final class PricingService implements Pricing {
  private final long cents;
  private final Duration delay;

  public PricingService(long cents, Duration delay) {
    this.cents = cents;
    this.delay = delay;
  }

  @Override
  public Price getPrice(ItemRequest request) {
    try {
      Thread.sleep(delay);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return Price.newBuilder().setCents(cents).build();
  }
}
