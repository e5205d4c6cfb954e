package dev.trunk.examples.guide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trunk.Channel;
import dev.trunk.Status;
import dev.trunk.StatusException;
import dev.trunk.testing.InProcessServer;
import dev.trunk.testing.LeakCheck;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The guide's section "Testing": the inventory tested in-process, with the leak check. */
// tag::testing[]
@ExtendWith(LeakCheck.class) // fails a test that leaves a call open (or a class that leaks buffers)
class InventoryServiceTest {
  private final Stock stock = new Stock();
  private final InProcessServer pricing =
      InProcessServer.builder().service(new PricingService(250, Duration.ZERO)).build();
  private final Channel pricingChannel = pricing.newChannel();
  private final InProcessServer server =
      InProcessServer.builder()
          .interruptibleService(new InventoryService(stock, PricingClient.create(pricingChannel)))
          .build();
  private final Channel channel = server.newChannel(); // no sockets, same call semantics
  private final InventoryClient inventory = InventoryClient.create(channel);

  @AfterEach
  void stop() {
    channel.close();
    server.close();
    pricingChannel.close();
    pricing.close();
  }

  @Test
  void anItemInStockHasItsQuantityAndPrice() {
    stock.set("apple", 3);
    Item item = inventory.getItem(ItemRequest.newBuilder().setSku("apple").build());
    assertThat(item.getQuantity()).isEqualTo(3);
    assertThat(item.getPriceCents()).isEqualTo(250);
  }

  @Test
  void anUnknownItemIsNotFound() {
    assertThatThrownBy(() -> inventory.getItem(ItemRequest.newBuilder().setSku("pear").build()))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.NOT_FOUND));
  }
}
// end::testing[]
