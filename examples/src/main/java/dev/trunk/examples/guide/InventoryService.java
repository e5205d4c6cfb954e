package dev.trunk.examples.guide;

import dev.trunk.CallContext;
import dev.trunk.Metadata;
import dev.trunk.Status;
import dev.trunk.StreamSender;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The guide's inventory: errors, metadata, a nested call and cancellation in two handlers. Register
 * it with {@code Server.Builder.interruptibleService} so that a cancelled {@link #watchItem} wakes
 * from its wait at once.
 */
public final class InventoryService implements Inventory {
  private final Stock stock;
  private final PricingClient pricing;

  /** An inventory of {@code stock} that asks {@code pricing} for prices. */
  public InventoryService(Stock stock, PricingClient pricing) {
    this.stock = stock;
    this.pricing = pricing;
  }

  @Override
  public Item getItem(ItemRequest request) {
    echoMetadata();
    // tag::errors-server[]
    String sku = request.getSku();
    if (sku.isEmpty()) {
      throw Status.INVALID_ARGUMENT.withDescription("sku must not be empty").asException();
    }
    int quantity =
        stock
            .quantity(sku)
            .orElseThrow(() -> Status.NOT_FOUND.withDescription("no item " + sku).asException());
    // end::errors-server[]
    // tag::nested-call[]
    // Made on the handler's thread: inherits this call's deadline and is cancelled with it.
    Price price = pricing.getPrice(request);
    // end::nested-call[]
    return Item.newBuilder()
        .setSku(sku)
        .setQuantity(quantity)
        .setPriceCents(price.getCents())
        .build();
  }

  // tag::cancellation[]
  @Override
  public void watchItem(ItemRequest request, StreamSender<Item> updates) {
    CallContext call = CallContext.current();
    BlockingQueue<Item> changes = new LinkedBlockingQueue<>();
    Runnable stopWatching = stock.watch(request.getSku(), changes::add);
    call.onCancel(stopWatching); // runs on a transport thread: keep it short
    echoMetadata();
    updates.send(currentItem(request.getSku()));
    try {
      while (!call.isCancelled()) {
        updates.send(changes.take()); // a cancelled send throws StatusException(CANCELLED)
      }
    } catch (InterruptedException e) {
      // interruptibleService: the cancellation interrupted take(); the call is over
    }
  }

  // end::cancellation[]

  // tag::metadata-server[]
  /** Echoes the client's request id in the response headers and its trace in the trailers. */
  private static void echoMetadata() {
    CallContext call = CallContext.current();
    Metadata request = call.requestHeaders();
    String requestId = request.get("x-request-id");
    if (requestId != null) {
      call.responseHeaders().add("x-request-id", requestId); // before the first response
    }
    byte[] trace = request.getBinary("x-trace-bin"); // -bin keys carry bytes
    if (trace != null) {
      call.responseTrailers().addBinary("x-trace-bin", trace); // until the handler returns
    }
  }

  // end::metadata-server[]

  private Item currentItem(String sku) {
    return Item.newBuilder().setSku(sku).setQuantity(stock.quantity(sku).orElse(0)).build();
  }
}
