package dev.trunk.examples.guide;

import dev.trunk.Channel;
import dev.trunk.Deadline;
import dev.trunk.ResponseStream;
import dev.trunk.Status;
import dev.trunk.StatusException;
import java.time.Duration;
import java.util.Optional;

/** The guide's section "Deadlines and cancellation", client side. */
public final class Deadlines {
  private Deadlines() {}

  /** Gets an item within {@code timeout}; empty if the deadline passed first. */
  public static Optional<Item> getWithin(Channel channel, String sku, Duration timeout) {
    // tag::timeout[]
    InventoryClient inventory = InventoryClient.create(channel).withTimeout(timeout);
    try {
      return Optional.of(inventory.getItem(ItemRequest.newBuilder().setSku(sku).build()));
    } catch (StatusException e) {
      if (e.status().code() == Status.Code.DEADLINE_EXCEEDED) {
        return Optional.empty(); // the server's handler sees its call cancelled too
      }
      throw e;
    }
    // end::timeout[]
  }

  /** Gets two items that must both arrive within one deadline. */
  public static Item[] getBoth(Channel channel, String first, String second) {
    // tag::deadline[]
    Deadline deadline = Deadline.after(Duration.ofSeconds(2)); // one budget for both calls
    InventoryClient inventory = InventoryClient.create(channel).withDeadline(deadline);
    Item a = inventory.getItem(ItemRequest.newBuilder().setSku(first).build());
    Item b = inventory.getItem(ItemRequest.newBuilder().setSku(second).build());
    // end::deadline[]
    return new Item[] {a, b};
  }

  /** Reads the first update of a watch, then cancels the call. */
  public static Item firstUpdate(Channel channel, String sku) {
    // tag::cancel[]
    InventoryClient inventory = InventoryClient.create(channel);
    try (ResponseStream<Item> updates =
        inventory.watchItem(ItemRequest.newBuilder().setSku(sku).build())) {
      return updates.receive(); // close() cancels the rest: the server sees CANCELLED
    }
    // end::cancel[]
  }
}
