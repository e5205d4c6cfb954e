package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server side of keepalive: its own PINGs reap clients that vanished (gRFC A9), and its limit
 * on the PINGs clients send (gRFC A8, Server Enforcement), tested with {@link FrameClient} playing
 * the misbehaving client and with a well-behaved Trunk channel.
 */
class ServerKeepAliveTest {

  private static final String CHAT_PATH = "/" + TestService.CHAT.fullName();
  private static final long ENHANCE_YOUR_CALM = 0xb;

  private final HoldService holds = new HoldService();

  private Server server;

  private void start(Server.Builder builder) throws Exception {
    ServiceDefinition service =
        holds
            .addTo(ServiceDefinition.builder(TestService.NAME))
            .bidiStreaming(
                TestService.CHAT,
                (requests, responses) -> {
                  for (StringValue request : requests) {
                    responses.send(request);
                  }
                })
            .build();
    server = builder.address("127.0.0.1", 0).service(service).build().start();
  }

  @AfterEach
  void stop() {
    holds.release.countDown();
    if (server != null) {
      server.shutdownNow();
    }
  }

  @Test
  void aClientThatStopsAnsweringPingsIsDisconnectedAndItsCallsCancelled() throws Exception {
    start(
        Server.builder()
            .keepAliveTime(Duration.ofMillis(200))
            .keepAliveTimeout(Duration.ofSeconds(1)));
    try (FrameClient client = new FrameClient(server.port())) {
      holds.open(client);
      // While answered, the PINGs keep coming and the connection stays up.
      for (int i = 0; i < 3; i++) {
        assertThat(client.pings.poll(10, TimeUnit.SECONDS)).isNotNull();
      }
      assertThat(client.disconnected).isNotDone();

      client.autoAckPings = false;
      client.disconnected.get(10, TimeUnit.SECONDS);
      assertThat(holds.outcome.get(10, TimeUnit.SECONDS)).isEqualTo("cancelled");
    }
  }

  @Test
  void aClientPingingTooOftenGetsGoAwayTooManyPingsAfterTwoStrikes() throws Exception {
    start(Server.builder()); // permits one PING per 5 minutes
    try (FrameClient client = new FrameClient(server.port())) {
      client.settings.get(10, TimeUnit.SECONDS);
      FrameClient.Stream held = holds.open(client);
      awaitFrame(client, "DATA " + held.id); // what the server sends forgives strikes
      pingAndAwaitAck(client, 1);
      pingAndAwaitAck(client, 2);
      assertThat(client.goAways).isEmpty();

      client.ping(3);
      FrameClient.GoAway goAway = client.goAways.poll(10, TimeUnit.SECONDS);
      assertThat(goAway).isEqualTo(new FrameClient.GoAway(1, ENHANCE_YOUR_CALM, "too_many_pings"));
      // A8: the connection is closed at once, failing the calls in progress.
      client.disconnected.get(10, TimeUnit.SECONDS);
      assertThat(holds.outcome.get(10, TimeUnit.SECONDS)).isEqualTo("cancelled");
    }
  }

  @Test
  void strikesAreForgivenWhenTheServerSendsHeadersOrData() throws Exception {
    start(Server.builder());
    try (FrameClient client = new FrameClient(server.port())) {
      client.settings.get(10, TimeUnit.SECONDS);
      FrameClient.Stream chat = client.open(FrameClient.grpcHeaders(CHAT_PATH), false);
      pingAndAwaitAck(client, 1);
      pingAndAwaitAck(client, 2);

      client.message(chat, StringValue.of("hello").toByteArray(), false);
      awaitFrame(client, "DATA " + chat.id);
      pingAndAwaitAck(client, 3);
      pingAndAwaitAck(client, 4);
      assertThat(client.goAways).isEmpty();

      client.ping(5);
      assertThat(client.goAways.poll(10, TimeUnit.SECONDS))
          .isEqualTo(new FrameClient.GoAway(chat.id, ENHANCE_YOUR_CALM, "too_many_pings"));
    }
  }

  @Test
  void pingsWithoutCallsAreStrikesUnlessPermitted() throws Exception {
    start(Server.builder().permitKeepAliveTime(Duration.ZERO));
    try (FrameClient client = new FrameClient(server.port())) {
      client.settings.get(10, TimeUnit.SECONDS);
      pingAndAwaitAck(client, 1);
      pingAndAwaitAck(client, 2);
      client.ping(3);
      assertThat(client.goAways.poll(10, TimeUnit.SECONDS))
          .isEqualTo(new FrameClient.GoAway(0, ENHANCE_YOUR_CALM, "too_many_pings"));
    }
    server.shutdownNow();
    start(Server.builder().permitKeepAliveTime(Duration.ZERO).permitKeepAliveWithoutCalls(true));
    try (FrameClient client = new FrameClient(server.port())) {
      client.settings.get(10, TimeUnit.SECONDS);
      for (int i = 0; i < 10; i++) {
        pingAndAwaitAck(client, i);
      }
      assertThat(client.goAways).isEmpty();
      assertThat(client.disconnected).isNotDone();
    }
  }

  @Test
  void aTrunkClientPingingAtThePermittedRateIsNeverDisconnected() throws Exception {
    Duration rate = Duration.ofMillis(500);
    start(Server.builder().permitKeepAliveTime(rate));
    try (TcpProxy proxy = new TcpProxy(server.port());
        Channel channel =
            Channel.forAddress("127.0.0.1", proxy.port()).keepAliveTimeForTest(rate).build();
        ResponseStream<StringValue> call =
            channel.serverStreamingCall(HoldService.HOLD, Int64Value.of(0), CallOptions.DEFAULT)) {
      assertThat(call.receive()).isEqualTo(StringValue.of("holding"));
      // While the call is quiet the client sends little but PINGs, 17 bytes each: at least 5 of
      // them, at exactly the permitted rate, have reached the server.
      long before = proxy.bytesToServer.get();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (proxy.bytesToServer.get() - before < 6 * 17 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(proxy.bytesToServer.get() - before).isGreaterThanOrEqualTo(6 * 17);

      holds.release.countDown();
      assertThat(call.receive()).isNull();
      assertThat(holds.outcome.get(10, TimeUnit.SECONDS)).isEqualTo("released");
      assertThat(proxy.connections.get()).isEqualTo(1);
    }
  }

  @Test
  void serverKeepAliveOptionsAreChecked() {
    assertThatThrownBy(() -> Server.builder().keepAliveTime(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("keepAliveTime");
    assertThatThrownBy(() -> Server.builder().permitKeepAliveTime(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("permitKeepAliveTime");
  }

  private static void pingAndAwaitAck(FrameClient client, long data) throws Exception {
    client.ping(data);
    assertThat(client.pingAcks.poll(10, TimeUnit.SECONDS)).isEqualTo(data);
  }

  private static void awaitFrame(FrameClient client, String frame) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!client.frames.contains(frame) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(client.frames).contains(frame);
  }
}
