package dev.trunk.examples.guide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trunk.CallInfo;
import dev.trunk.CallObserver;
import dev.trunk.Channel;
import dev.trunk.ConnectivityState;
import dev.trunk.Deadline;
import dev.trunk.HealthStatus;
import dev.trunk.Interceptor;
import dev.trunk.Metadata;
import dev.trunk.ResponseStream;
import dev.trunk.Server;
import dev.trunk.Status;
import dev.trunk.StatusException;
import dev.trunk.examples.routeguide.Feature;
import dev.trunk.examples.routeguide.FeatureDatabase;
import dev.trunk.examples.routeguide.Rectangle;
import dev.trunk.examples.routeguide.RouteGuideClient;
import dev.trunk.testing.LeakCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The guide's examples do what the guide says, against real servers on loopback sockets. */
@ExtendWith(LeakCheck.class)
class GuideExamplesTest {
  /** Time a test waits for something that should happen at once. */
  private static final Duration PATIENCE = Duration.ofSeconds(5);

  /** Price the guide's pricing service answers with. */
  private static final long PRICE_CENTS = 250;

  private final List<AutoCloseable> open = new ArrayList<>();
  private final Stock stock = new Stock();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable closeable : open.reversed()) {
      closeable.close();
    }
  }

  private <T extends AutoCloseable> T keep(T closeable) {
    open.add(closeable);
    return closeable;
  }

  private Server pricing(Duration delay, Interceptor... interceptors) throws Exception {
    Server.Builder builder =
        Server.builder()
            .address("127.0.0.1", 0)
            .interruptibleService(new PricingService(PRICE_CENTS, delay));
    for (Interceptor interceptor : interceptors) {
      builder.intercept(interceptor);
    }
    return keep(builder.build().start());
  }

  private Channel channelTo(Server server, Interceptor... interceptors) {
    Channel.Builder builder = Channel.forAddress("127.0.0.1", server.port());
    for (Interceptor interceptor : interceptors) {
      builder.intercept(interceptor);
    }
    return keep(builder.build());
  }

  /** An inventory server whose prices come from {@code pricing}. */
  private Server inventory(Server pricing, Interceptor... interceptors) throws Exception {
    Server.Builder builder =
        Server.builder()
            .address("127.0.0.1", 0)
            .interruptibleService(
                new InventoryService(stock, PricingClient.create(channelTo(pricing))));
    for (Interceptor interceptor : interceptors) {
      builder.intercept(interceptor);
    }
    return keep(builder.build().start());
  }

  @Test
  void theCallKindsTourMakesOneCallOfEachKind() throws Exception {
    Server server = keep(CallKinds.start(FeatureDatabase.grid()));
    assertThat(CallKinds.tour(server.port()))
        .containsExactly(
            "Waypoint 0-0",
            "Waypoint 0-1",
            "Waypoint 1-0",
            "Waypoint 1-1",
            "2 points",
            "seen: hello",
            "Waypoint 1-1",
            "Waypoint 2-2");
  }

  @Test
  void aTimeoutEndsTheCallAndItsNestedCallWithDeadlineExceeded() throws Exception {
    AtomicReference<Optional<Deadline>> nestedDeadline = new AtomicReference<>();
    Interceptor recordDeadline =
        new Interceptor() {
          @Override
          public <Req, Resp> CallObserver<Req, Resp> interceptCall(
              CallInfo<Req, Resp> call, Metadata requestHeaders) {
            nestedDeadline.set(call.deadline());
            return CallObserver.none();
          }
        };
    Server inventory = inventory(pricing(Duration.ofMinutes(1), recordDeadline));
    stock.set("apple", 3);

    long start = System.nanoTime();
    Optional<Item> item =
        Deadlines.getWithin(channelTo(inventory), "apple", Duration.ofMillis(300));

    assertThat(item).isEmpty();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(PATIENCE);
    assertThat(nestedDeadline.get()).as("the nested call's deadline").isPresent();
    assertThat(nestedDeadline.get().orElseThrow().remaining()).isLessThan(Duration.ofMillis(300));
  }

  @Test
  void theBalancingChannelAnswersFromTheBackendsOfItsTarget() throws Exception {
    Server first = pricing(Duration.ZERO);
    Server second = pricing(Duration.ZERO);
    Channel channel =
        keep(
            Balancing.pricingChannel(
                "ipv4:127.0.0.1:" + first.port() + ",127.0.0.1:" + second.port()));
    PricingClient pricing = PricingClient.create(channel);
    for (int i = 0; i < 4; i++) {
      assertThat(pricing.getPrice(ItemRequest.newBuilder().setSku("apple").build()).getCents())
          .isEqualTo(PRICE_CENTS);
    }
    assertThat(channel.state(false)).isEqualTo(ConnectivityState.READY);
  }

  @Test
  void oneDeadlineCoversTwoCallsThatFinishInTime() throws Exception {
    Server inventory = inventory(pricing(Duration.ZERO));
    stock.set("apple", 3);
    stock.set("pear", 4);
    Item[] both = Deadlines.getBoth(channelTo(inventory), "apple", "pear");
    assertThat(both).extracting(Item::getQuantity).containsExactly(3, 4);
  }

  @Test
  void closingAWatchCancelsItsHandlerWhichStopsWatching() throws Exception {
    Server inventory = inventory(pricing(Duration.ZERO));
    stock.set("apple", 3);
    assertThat(Deadlines.firstUpdate(channelTo(inventory), "apple").getQuantity()).isEqualTo(3);
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (stock.watcherCount() > 0 && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(10);
    }
    assertThat(stock.watcherCount()).as("watchers left after the cancel").isZero();
  }

  @Test
  void aWatchSendsEveryChange() throws Exception {
    Server inventory = inventory(pricing(Duration.ZERO));
    stock.set("apple", 3);
    try (ResponseStream<Item> updates =
        InventoryClient.create(channelTo(inventory))
            .watchItem(ItemRequest.newBuilder().setSku("apple").build())) {
      assertThat(updates.receive().getQuantity()).isEqualTo(3);
      stock.set("apple", 2);
      assertThat(updates.receive().getQuantity()).isEqualTo(2);
    }
  }

  @Test
  void metadataRoundTripsInResponseHeadersAndTrailers() throws Exception {
    Server inventory = inventory(pricing(Duration.ZERO));
    stock.set("apple", 3);
    MetadataExample.Echo echo =
        MetadataExample.roundTrip(channelTo(inventory), "r-42", new byte[] {0, 1, (byte) 0xff});
    assertThat(echo.requestId()).isEqualTo("r-42");
    assertThat(echo.trace()).containsExactly(0, 1, 0xff);
  }

  @Test
  void statusesReachTheClientWithTheirCodeAndDescription() throws Exception {
    Server inventory = inventory(pricing(Duration.ZERO));
    Channel channel = channelTo(inventory);
    stock.set("apple", 3);
    assertThat(Errors.quantityOrZero(channel, "apple")).isEqualTo(3);
    assertThat(Errors.quantityOrZero(channel, "pear")).isZero();
    assertThatThrownBy(() -> Errors.quantityOrZero(channel, ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sku must not be empty")
        .cause()
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.status().description()).isEqualTo("sku must not be empty");
            });
  }

  @Test
  void anExceptionFromAHandlerReachesTheClientAsUnknownWithoutItsMessage() throws Exception {
    Server server =
        keep(
            Server.builder()
                .address("127.0.0.1", 0)
                .service(
                    new Pricing() {
                      @Override
                      public Price getPrice(ItemRequest request) {
                        throw new IllegalStateException("secret database detail");
                      }
                    })
                .build()
                .start());
    assertThatThrownBy(
            () ->
                PricingClient.create(channelTo(server)).getPrice(ItemRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.UNKNOWN);
              assertThat(e.status().description()).isEqualTo("the server's handler failed");
            });
  }

  @Test
  void theAuthInterceptorGuardsPricingAndWatchItemButNotGetItemAndTellsTheHandlerWhoCalled()
      throws Exception {
    List<String> reports = new CopyOnWriteArrayList<>();
    Map<String, String> users = Map.of("Bearer t-ann", "member:ann", "Bearer t-bob", "guest:bob");
    Server server =
        Interceptors.start(
            users,
            new InventoryService(stock, PricingClient.create(channelTo(pricing(Duration.ZERO)))),
            reports::add);
    stock.set("apple", 3);
    ItemRequest apple = ItemRequest.newBuilder().setSku("apple").build();

    Channel ann =
        channelTo(server, Interceptors.sendToken("t-ann"), Interceptors.timing(reports::add));
    Channel bob = channelTo(server, Interceptors.sendToken("t-bob"));
    Channel nobody = channelTo(server);
    assertThat(PricingClient.create(ann).getPrice(apple).getCents()).isEqualTo(200);
    assertThat(PricingClient.create(bob).getPrice(apple).getCents()).isEqualTo(250);
    assertUnauthenticated(() -> PricingClient.create(nobody).getPrice(apple));
    assertUnauthenticated(
        () -> {
          try (ResponseStream<Item> updates = InventoryClient.create(nobody).watchItem(apple)) {
            updates.receive();
          }
        });
    assertThat(InventoryClient.create(nobody).getItem(apple).getQuantity()).isEqualTo(3);
    try (ResponseStream<Item> updates = InventoryClient.create(ann).watchItem(apple)) {
      assertThat(updates.receive().getQuantity()).isEqualTo(3);
    }

    assertThat(reports)
        .anyMatch(r -> r.startsWith("client trunk.examples.guide.Pricing/GetPrice OK "))
        .anyMatch(r -> r.startsWith("server trunk.examples.guide.Pricing/GetPrice OK "))
        .anyMatch(r -> r.startsWith("server trunk.examples.guide.Pricing/GetPrice UNAUTHENTICATED"))
        .anyMatch(r -> r.startsWith("server trunk.examples.guide.Inventory/GetItem OK "));
  }

  private static void assertUnauthenticated(ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.UNAUTHENTICATED));
  }

  @Test
  void theNonBlockingGuideStreamsEveryFeatureFromTheEventLoop() throws Exception {
    Server server =
        keep(
            Server.builder()
                .address("127.0.0.1", 0)
                .nonBlockingService(new NonBlocking.EventLoopGuide(FeatureDatabase.grid()))
                .build()
                .start());
    Rectangle everything =
        Rectangle.newBuilder()
            .setLo(FeatureDatabase.pointAt(0, 0))
            .setHi(FeatureDatabase.pointAt(9, 9))
            .build();
    int count = 0;
    try (ResponseStream<Feature> features =
        RouteGuideClient.create(channelTo(server)).listFeatures(everything)) {
      for (Feature feature : features) {
        count++;
      }
    }
    assertThat(count).isEqualTo(100);
  }

  @Test
  void healthReportsTheDatabaseOutageAndShutdownStopsTheServer() throws Exception {
    Server server =
        Operations.start(
            new InventoryService(stock, PricingClient.create(channelTo(pricing(Duration.ZERO)))),
            "127.0.0.1",
            0);
    Operations.databaseDown(server);
    assertThat(server.health().status(Inventory.Methods.SERVICE_NAME))
        .contains(HealthStatus.NOT_SERVING);
    Operations.stop(server);
    assertThat(server.awaitTermination(Duration.ZERO)).isTrue();
  }
}
