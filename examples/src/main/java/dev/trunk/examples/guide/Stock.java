package dev.trunk.examples.guide;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/** The guide's in-memory stock: quantities by SKU, and watchers told of every change. */
public final class Stock {
  private final Map<String, Integer> quantities = new ConcurrentHashMap<>();
  private final Map<Consumer<Item>, String> watchers = new ConcurrentHashMap<>();

  /** The quantity in stock of {@code sku}, if the shop has the item. */
  public Optional<Integer> quantity(String sku) {
    return Optional.ofNullable(quantities.get(sku));
  }

  /** Sets the quantity of {@code sku} and tells its watchers. */
  public void set(String sku, int quantity) {
    quantities.put(sku, quantity);
    Item item = Item.newBuilder().setSku(sku).setQuantity(quantity).build();
    watchers.forEach(
        (watcher, watched) -> {
          if (watched.equals(sku)) {
            watcher.accept(item);
          }
        });
  }

  /**
   * Calls {@code watcher} with every later change of {@code sku}, on the thread that makes it;
   * running the returned task stops that.
   */
  public Runnable watch(String sku, Consumer<Item> watcher) {
    watchers.put(watcher, sku);
    return () -> watchers.remove(watcher);
  }

  /** How many watchers are registered (the guide's tests check that cancelled calls leave none). */
  public int watcherCount() {
    return watchers.size();
  }
}
