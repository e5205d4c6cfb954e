package dev.trunk.examples.guide;

import dev.trunk.Channel;
import dev.trunk.Status;
import dev.trunk.StatusException;

/** The guide's section "Errors", client side. */
public final class Errors {
  private Errors() {}

  /** The quantity of {@code sku} in stock, or 0 for an item the shop does not have. */
  public static int quantityOrZero(Channel channel, String sku) {
    InventoryClient inventory = InventoryClient.create(channel);
    // tag::client[]
    try {
      return inventory.getItem(ItemRequest.newBuilder().setSku(sku).build()).getQuantity();
    } catch (StatusException e) {
      if (e.status().code() == Status.Code.NOT_FOUND) {
        return 0; // e.status().description() is the server's text: "no item ..."
      }
      throw e; // e.g. UNAVAILABLE: the server could not be reached
    }
    // end::client[]
  }
}
