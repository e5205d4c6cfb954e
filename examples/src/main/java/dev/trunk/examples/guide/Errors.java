package dev.trunk.examples.guide;

import com.google.rpc.BadRequest;
import dev.trunk.Channel;
import dev.trunk.Status;
import dev.trunk.StatusException;
import java.util.stream.Collectors;

/** The guide's section "Errors", client side. */
public final class Errors {
  private Errors() {}

  /**
   * The quantity of {@code sku} in stock, or 0 for an item the shop does not have.
   *
   * @throws IllegalArgumentException naming the fields the server found wrong
   */
  public static int quantityOrZero(Channel channel, String sku) {
    InventoryClient inventory = InventoryClient.create(channel);
    // tag::client[]
    try {
      return inventory.getItem(ItemRequest.newBuilder().setSku(sku).build()).getQuantity();
    } catch (StatusException e) {
      Status status = e.status();
      if (status.code() == Status.Code.NOT_FOUND) {
        return 0; // status.description() is the server's text: "no item ..."
      }
      if (status.code() == Status.Code.INVALID_ARGUMENT) {
        BadRequest bad = status.detail(BadRequest.class).orElse(BadRequest.getDefaultInstance());
        throw new IllegalArgumentException(
            bad.getFieldViolationsList().stream()
                .map(v -> v.getField() + " " + v.getDescription())
                .collect(Collectors.joining(", ")),
            e);
      }
      throw e; // e.g. UNAVAILABLE: the server could not be reached
    }
    // end::client[]
  }
}
