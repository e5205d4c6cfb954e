package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Server#shutdown()}: GOAWAY, no new calls, calls in progress may finish within the grace
 * period and are cancelled after it; {@link Server#shutdownNow()} cancels at once.
 */
class ShutdownTest {
  private static final MethodDescriptor<Int64Value, StringValue> HOLD =
      MethodDescriptor.of(
          TestService.NAME,
          "Hold",
          MethodDescriptor.Type.SERVER_STREAMING,
          TestService.LONG,
          TestService.STRING);
  private static final String HOLD_PATH = "/" + HOLD.fullName();
  private static final String ECHO_PATH = "/" + TestService.ECHO.fullName();

  private final CountDownLatch holding = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicInteger holdCalls = new AtomicInteger();

  /** How each Hold handler ended: "released", or how it learnt it was cancelled. */
  private final CompletableFuture<String> outcome = new CompletableFuture<>();

  private Server server;
  private Channel channel;

  private void start(Duration grace) throws Exception {
    ServiceDefinition service =
        ServiceDefinition.builder(TestService.NAME)
            .unary(TestService.ECHO, request -> request)
            .serverStreaming(
                HOLD,
                (request, responses) -> {
                  holdCalls.incrementAndGet();
                  CallContext call = CallContext.current();
                  responses.send(StringValue.of("holding"));
                  holding.countDown();
                  try {
                    if (release.await(20, TimeUnit.SECONDS)) {
                      outcome.complete("released");
                      responses.send(StringValue.of("released"));
                    }
                  } catch (InterruptedException e) {
                    outcome.complete("interrupted, cancelled=" + call.isCancelled());
                    throw Status.CANCELLED.asException();
                  }
                })
            .build();
    server =
        Server.builder()
            .address("127.0.0.1", 0)
            .service(service)
            .shutdownGracePeriod(grace)
            .build()
            .start();
    channel = Channel.forAddress("127.0.0.1", server.port()).build();
  }

  @AfterEach
  void stop() {
    release.countDown();
    channel.shutdownNow();
    server.shutdownNow();
  }

  private ResponseStream<StringValue> holdCall() throws InterruptedException {
    ResponseStream<StringValue> call =
        channel.serverStreamingCall(HOLD, Int64Value.of(0), CallOptions.DEFAULT);
    assertThat(call.receive()).isEqualTo(StringValue.of("holding"));
    assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
    return call;
  }

  @Test
  void shutdownSendsGoAwayInTwoStepsAndRefusesStreamsOpenedAfterTheFinalOne() throws Exception {
    start(Duration.ofSeconds(20));
    try (FrameClient raw = new FrameClient(server.port())) {
      FrameClient.Stream inFlight = raw.open(FrameClient.grpcHeaders(HOLD_PATH), false);
      raw.message(inFlight, Int64Value.of(0).toByteArray(), true);
      assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
      raw.autoAckPings = false;

      server.shutdown();
      // RFC 9113 section 6.8: first a GOAWAY that still accepts every stream, and a PING.
      FrameClient.GoAway first = raw.goAways.poll(10, TimeUnit.SECONDS);
      assertThat(first).isEqualTo(new FrameClient.GoAway(Integer.MAX_VALUE, 0));
      Long ping = raw.pings.poll(10, TimeUnit.SECONDS);
      assertThat(ping).isNotNull();

      // A request that crossed the GOAWAY on the wire (the client sent it before seeing it).
      FrameClient.Stream crossing = raw.open(FrameClient.grpcHeaders(ECHO_PATH), false);
      raw.message(crossing, StringValue.of("crossing").toByteArray(), true);
      crossing.awaitEnd();
      assertThat(crossing.grpcStatus()).as("frames %s", raw.frames).isEqualTo("0");

      // Once the client has answered the PING, the final GOAWAY names the last stream accepted.
      raw.ackPing(ping);
      FrameClient.GoAway last = raw.goAways.poll(10, TimeUnit.SECONDS);
      assertThat(last).isEqualTo(new FrameClient.GoAway(crossing.id, 0));

      // A stream above it is refused, without running anything.
      FrameClient.Stream late = raw.open(FrameClient.grpcHeaders(HOLD_PATH), true);
      assertThat(late.awaitEnd().resetCode()).isEqualTo(7); // REFUSED_STREAM: safe to retry

      release.countDown();
      inFlight.awaitEnd();
      assertThat(inFlight.grpcStatus()).as("frames %s", raw.frames).isEqualTo("0");
      raw.disconnected.get(10, TimeUnit.SECONDS);
      assertThat(holdCalls.get()).isEqualTo(1);
    }
    assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
  }

  @Test
  void aCallInFlightFinishesWithinTheGracePeriodWhileNewCallsAreRefused() throws Exception {
    start(Duration.ofSeconds(20));
    try (ResponseStream<StringValue> call = holdCall()) {
      long start = System.nanoTime();
      server.shutdown();

      // shutdown() returns at once: a call that crosses the GOAWAY may still be served, but once
      // the channel has seen it, new calls fail UNAVAILABLE (and a new connection is refused).
      assertThat(firstRefusal()).isEqualTo(Status.Code.UNAVAILABLE);
      try (Channel another = Channel.forAddress("127.0.0.1", server.port()).build()) {
        assertThatThrownBy(
                () -> another.unaryCall(TestService.ECHO, StringValue.of("x"), CallOptions.DEFAULT))
            .isInstanceOfSatisfying(
                StatusException.class,
                e -> assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE));
      }
      assertThat(server.awaitTermination(Duration.ofMillis(200))).isFalse();

      release.countDown();
      assertThat(call.receive()).isEqualTo(StringValue.of("released"));
      assertThat(call.receive()).isNull();
      assertThat(outcome.get()).isEqualTo("released");
      assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }
  }

  /** Makes calls until one fails; returns its code. */
  private Status.Code firstRefusal() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        channel.unaryCall(TestService.ECHO, StringValue.of("x"), CallOptions.DEFAULT);
      } catch (StatusException e) {
        return e.status().code();
      }
      Thread.sleep(5);
    }
    return Status.Code.OK;
  }

  @Test
  void callsStillRunningWhenTheGracePeriodEndsAreCancelled() throws Exception {
    start(Duration.ofMillis(300));
    try (ResponseStream<StringValue> call = holdCall()) {
      long start = System.nanoTime();
      server.shutdown();
      assertThat(outcome.get(10, TimeUnit.SECONDS)).isEqualTo("interrupted, cancelled=true");
      Duration waited = Duration.ofNanos(System.nanoTime() - start);
      assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(250));
      assertThat(waited).isLessThan(Duration.ofSeconds(5));
      assertThatThrownBy(call::receive)
          .isInstanceOfSatisfying(
              StatusException.class,
              e ->
                  assertThat(e.status().code())
                      .isIn(Status.Code.UNAVAILABLE, Status.Code.CANCELLED));
      assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
    }
  }

  @Test
  void shutdownNowCancelsCallsAtOnce() throws Exception {
    start(Duration.ofSeconds(30));
    try (ResponseStream<StringValue> call = holdCall()) {
      long start = System.nanoTime();
      server.shutdownNow();
      assertThat(outcome.get(10, TimeUnit.SECONDS)).isEqualTo("interrupted, cancelled=true");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
      assertThatThrownBy(call::receive)
          .isInstanceOfSatisfying(
              StatusException.class,
              e ->
                  assertThat(e.status().code())
                      .isIn(Status.Code.UNAVAILABLE, Status.Code.CANCELLED));
      assertThat(server.awaitTermination(Duration.ofSeconds(5))).isTrue();
    }
  }

  @Test
  void closeWaitsForCallsInFlight() throws Exception {
    start(Duration.ofSeconds(20));
    try (ResponseStream<StringValue> call = holdCall()) {
      CompletableFuture<Void> closed = CompletableFuture.runAsync(server::close);
      Thread.sleep(200);
      assertThat(closed).isNotDone();
      release.countDown();
      closed.get(10, TimeUnit.SECONDS);
      assertThat(call.receive()).isEqualTo(StringValue.of("released"));
      assertThat(call.receive()).isNull();
    }
  }

  @Test
  void closingTheChannelLetsItsCallsInProgressFinish() throws Exception {
    start(Duration.ofSeconds(20));
    try (ResponseStream<StringValue> call = holdCall()) {
      channel.close();
      assertThatThrownBy(
              () -> channel.unaryCall(TestService.ECHO, StringValue.of("x"), CallOptions.DEFAULT))
          .isInstanceOfSatisfying(
              StatusException.class,
              e -> assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE));
      Thread.sleep(100);
      release.countDown();
      assertThat(call.receive()).isEqualTo(StringValue.of("released"));
      assertThat(call.receive()).isNull();
      assertThat(outcome.get()).isEqualTo("released");
    }
  }
}
