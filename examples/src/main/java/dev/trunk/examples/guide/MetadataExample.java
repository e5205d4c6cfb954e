package dev.trunk.examples.guide;

import dev.trunk.Channel;
import dev.trunk.Metadata;
import dev.trunk.ResponseStream;
import dev.trunk.StatusException;

/** The guide's section "Metadata", client side. */
public final class MetadataExample {
  private MetadataExample() {}

  /** What the server echoed: the request id from the response headers, the trace from trailers. */
  public record Echo(String requestId, byte[] trace) {}

  /** Sends a request id and trace bytes; returns what the server echoed. */
  public static Echo roundTrip(Channel channel, String requestId, byte[] trace) {
    // tag::client[]
    Metadata headers = new Metadata();
    headers.add("x-request-id", requestId); // keys are lower case; ASCII values
    headers.addBinary("x-trace-bin", trace); // -bin keys carry bytes (base64 on the wire)
    InventoryClient inventory = InventoryClient.create(channel).withMetadata(headers);

    // A streaming call shows the response headers; they arrive with the first response.
    String echoedId;
    try (ResponseStream<Item> updates =
        inventory.watchItem(ItemRequest.newBuilder().setSku("apple").build())) {
      echoedId = updates.responseHeaders().get("x-request-id");
    }

    // A failed call's trailers come with its StatusException.
    byte[] echoedTrace;
    try {
      inventory.getItem(ItemRequest.newBuilder().setSku("no-such-item").build());
      throw new AssertionError("expected NOT_FOUND");
    } catch (StatusException e) {
      echoedTrace = e.trailers().getBinary("x-trace-bin");
    }
    // end::client[]
    return new Echo(echoedId, echoedTrace);
  }
}
