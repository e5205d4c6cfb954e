package dev.trunk.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.DynamicMessage;
import dev.trunk.CallOptions;
import dev.trunk.Channel;
import dev.trunk.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The load engine against a Trunk server on 127.0.0.1: counts, statuses, call kinds, loops. */
class LoadTest {
  private final List<Channel> channels = new ArrayList<>();
  private BenchServer server;

  @AfterEach
  void close() {
    channels.forEach(Channel::shutdownNow);
    if (server != null) {
      server.close();
    }
  }

  private List<Channel> channels(int count) {
    for (int i = 0; i < count; i++) {
      channels.add(Channel.forAddress("127.0.0.1", server.port()).build());
    }
    return channels;
  }

  private Caller caller(String method, DynamicMessage... requests) {
    return new Caller(server.method(method), List.of(requests), CallOptions.DEFAULT);
  }

  private Result closed(Caller caller, int concurrency, long total) throws InterruptedException {
    return new ClosedLoop(
            channels(2),
            caller,
            new Stats(),
            Schedule.constant(concurrency, null),
            total,
            concurrency)
        .run();
  }

  @Test
  void totalMakesExactlyThatManyCalls() throws Exception {
    server = new BenchServer(0);
    Result result = closed(caller("Unary", server.ping("hi", 0)), 8, 500);
    assertThat(server.calls.get()).isEqualTo(500);
    assertThat(result.ended()).isEqualTo(500);
    assertThat(result.count(Status.Code.OK)).isEqualTo(500);
    assertThat(result.latency().getTotalCount()).isEqualTo(500);
    assertThat(result.errorRate()).isZero();
    assertThat(result.rate()).isPositive();
  }

  @Test
  void statusCountsReflectTheCallsTheServerFails() throws Exception {
    server = new BenchServer(4);
    Result result = closed(caller("Unary", server.ping("hi", 0)), 3, 100);
    assertThat(result.count(Status.Code.OK)).isEqualTo(75);
    assertThat(result.count(Status.Code.RESOURCE_EXHAUSTED)).isEqualTo(25);
    assertThat(result.errorRate()).isEqualTo(0.25);
  }

  @Test
  void serverStreamingCallsReadEveryResponse() throws Exception {
    server = new BenchServer(0);
    Result result = closed(caller("ServerStream", server.ping("hi", 3)), 4, 40);
    assertThat(server.calls.get()).isEqualTo(40);
    assertThat(result.count(Status.Code.OK)).isEqualTo(40);
  }

  @Test
  void clientStreamingCallsSendEveryRequest() throws Exception {
    server = new BenchServer(0);
    Result result = closed(caller("ClientStream", server.ping("a", 0), server.ping("b", 0)), 4, 30);
    assertThat(result.count(Status.Code.OK)).isEqualTo(30);
    assertThat(server.calls.get()).isEqualTo(30);
    assertThat(server.requests.get()).isEqualTo(60);
  }

  @Test
  void bidiCallsPingPongEveryRequest() throws Exception {
    server = new BenchServer(0);
    Result result =
        closed(
            caller("Bidi", server.ping("a", 0), server.ping("b", 0), server.ping("c", 0)), 4, 30);
    assertThat(result.count(Status.Code.OK)).isEqualTo(30);
    assertThat(server.requests.get()).isEqualTo(90);
  }

  @Test
  void aTimedClosedLoopStopsByItself() throws Exception {
    server = new BenchServer(0);
    long start = System.nanoTime();
    Result result =
        new ClosedLoop(
                channels(1),
                caller("Unary", server.ping("hi", 0)),
                new Stats(),
                Schedule.constant(4, Duration.ofMillis(500)),
                Long.MAX_VALUE,
                4)
            .run();
    assertThat(result.ended()).isPositive().isEqualTo(server.calls.get());
    assertThat(result.count(Status.Code.OK)).isEqualTo(result.ended());
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
  }

  @Test
  void concurrencyStagesRampTheActiveSlots() throws Exception {
    server = new BenchServer(0);
    Schedule ramp = Schedule.staged(0, List.of(Stage.parse("300ms:6"), Stage.parse("300ms:0")));
    Result result =
        new ClosedLoop(
                channels(1),
                caller("Unary", server.ping("hi", 0)),
                new Stats(),
                ramp,
                Long.MAX_VALUE,
                6)
            .run();
    assertThat(result.ended()).isPositive().isEqualTo(server.calls.get());
  }

  @Test
  void theOpenLoopKeepsRoughlyItsRate() throws Exception {
    server = new BenchServer(0);
    Result result =
        new OpenLoop(
                channels(2),
                caller("Unary", server.ping("hi", 0)),
                new Stats(),
                Schedule.constant(200, Duration.ofSeconds(1)),
                Long.MAX_VALUE)
            .run();
    // 200 calls are due in the second; coarse bounds, as the machine may be busy.
    assertThat(result.ended() + result.notStarted()).isBetween(150L, 250L);
    assertThat(result.count(Status.Code.OK)).isEqualTo(server.calls.get());
  }

  @Test
  void theOpenLoopStopsAtItsTotal() throws Exception {
    server = new BenchServer(0);
    Result result =
        new OpenLoop(
                channels(1),
                caller("Unary", server.ping("hi", 0)),
                new Stats(),
                Schedule.constant(500, null),
                50)
            .run();
    assertThat(result.ended()).isEqualTo(50);
    assertThat(server.calls.get()).isEqualTo(50);
  }

  @Test
  void aMethodTakingOneRequestRefusesSeveral() {
    server = null;
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> {
              try (BenchServer s = new BenchServer(0)) {
                new Caller(
                    s.method("Unary"),
                    List.of(s.ping("a", 0), s.ping("b", 0)),
                    CallOptions.DEFAULT);
              }
            })
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("takes one request message; the input has 2");
  }
}
