package dev.trunk.examples.guide;

import com.google.rpc.BadRequest;
import com.google.rpc.BadRequest.FieldViolation;
import dev.trunk.CallContext;
import dev.trunk.Metadata;
import dev.trunk.Status;
import dev.trunk.StreamSender;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** The guide's inventory: errors, metadata, a nested call and cancellation in two handlers. */
public final class InventoryService implements Inventory {
  /** Put in a watch's queue when its call is cancelled, to wake the handler. */
  private static final Item CANCELLED = Item.getDefaultInstance();

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
      FieldViolation empty =
          FieldViolation.newBuilder().setField("sku").setDescription("must not be empty").build();
      throw Status.INVALID_ARGUMENT
          .withDescription("sku must not be empty") // for humans: grpc-message
          .withDetails(BadRequest.newBuilder().addFieldViolations(empty).build()) // for code
          .asException();
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
    call.onCancel( // runs on a transport thread: keep it short
        () -> {
          stopWatching.run();
          changes.add(CANCELLED); // wakes the take() below
        });
    echoMetadata();
    updates.send(currentItem(request.getSku()));
    try {
      for (Item change = changes.take(); change != CANCELLED; change = changes.take()) {
        updates.send(change); // throws StatusException(CANCELLED) once the call is cancelled
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // only with interruptibleService: cancelled too
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
