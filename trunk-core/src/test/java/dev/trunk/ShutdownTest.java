package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
  private final CompletableFuture<String> release = new CompletableFuture<>();
  private final AtomicInteger holdCalls = new AtomicInteger();

  /**
   * How each Hold handler ended: "released", or "cancelled" with whether its thread was interrupted
   * (it is not: the service is not registered as interruptible).
   */
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
                  CompletableFuture<String> woken = new CompletableFuture<>();
                  call.onCancel(() -> woken.complete("cancelled"));
                  release.thenAccept(woken::complete);
                  responses.send(StringValue.of("holding"));
                  holding.countDown();
                  String why = woken.completeOnTimeout("timed out", 20, TimeUnit.SECONDS).join();
                  if (why.equals("released")) {
                    outcome.complete("released");
                    responses.send(StringValue.of("released"));
                    return;
                  }
                  outcome.complete(
                      "cancelled="
                          + call.isCancelled()
                          + ", interrupted="
                          + Thread.currentThread().isInterrupted());
                  throw Status.CANCELLED.asException();
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
    release.complete("released");
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

      release.complete("released");
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

      release.complete("released");
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
      assertThat(outcome.get(10, TimeUnit.SECONDS)).isEqualTo("cancelled=true, interrupted=false");
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
      assertThat(outcome.get(10, TimeUnit.SECONDS)).isEqualTo("cancelled=true, interrupted=false");
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
      release.complete("released");
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
      release.complete("released");
      assertThat(call.receive()).isEqualTo(StringValue.of("released"));
      assertThat(call.receive()).isNull();
      assertThat(outcome.get()).isEqualTo("released");
    }
  }

  private static final MethodDescriptor<StringValue, StringValue> STUBBORN =
      MethodDescriptor.of(
          TestService.NAME,
          "Stubborn",
          MethodDescriptor.Type.BIDI_STREAMING,
          TestService.STRING,
          TestService.STRING);

  /**
   * A handler that ignores its cancellation (it waits on a latch nobody ties to the call) outlives
   * the server's connections: termination waits for it, and once it goes on, {@code send} and
   * {@code receive} fail with a status instead of dropping its messages silently.
   */
  @Test
  void terminationWaitsForAHandlerThatOutlivesItsConnectionAndItsCallsFail() throws Exception {
    CountDownLatch stubbornStarted = new CountDownLatch(1);
    CountDownLatch goOn = new CountDownLatch(1);
    CompletableFuture<String> afterwards = new CompletableFuture<>();
    ServiceDefinition service =
        ServiceDefinition.builder(TestService.NAME)
            .bidiStreaming(
                STUBBORN,
                (requests, responses) -> {
                  stubbornStarted.countDown();
                  try {
                    goOn.await(30, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  afterwards.complete(
                      failure("send", () -> responses.send(StringValue.of("late")))
                          + ", "
                          + failure("receive", () -> requests.receive()));
                })
            .build();
    server =
        Server.builder()
            .address("127.0.0.1", 0)
            .service(service)
            .shutdownGracePeriod(Duration.ofSeconds(20))
            .build()
            .start();
    channel = Channel.forAddress("127.0.0.1", server.port()).build();
    try (BidiStreamingCall<StringValue, StringValue> call =
        channel.bidiStreamingCall(STUBBORN, CallOptions.DEFAULT)) {
      call.send(StringValue.of("hello"));
      assertThat(stubbornStarted.await(10, TimeUnit.SECONDS)).isTrue();
      server.shutdownNow();
      // The connection is gone, the handler is not: the server has not terminated.
      assertThat(server.awaitTermination(Duration.ofMillis(500))).isFalse();
      goOn.countDown();
      assertThat(afterwards.get(10, TimeUnit.SECONDS))
          .matches("send: (CANCELLED|UNAVAILABLE), receive: (CANCELLED|UNAVAILABLE)");
      assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
    }
  }

  /** Runs a send or receive that should fail; describes how it did. */
  private static String failure(String name, Runnable action) {
    try {
      action.run();
      return name + ": no failure";
    } catch (StatusException e) {
      return name + ": " + e.status().code();
    }
  }

  @Test
  void closeWaitsForAHandlerThatOutlivesItsCall() throws Exception {
    CountDownLatch stubbornStarted = new CountDownLatch(1);
    CountDownLatch goOn = new CountDownLatch(1);
    ServiceDefinition service =
        ServiceDefinition.builder(TestService.NAME)
            .bidiStreaming(
                STUBBORN,
                (requests, responses) -> {
                  stubbornStarted.countDown();
                  try {
                    goOn.await(30, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                })
            .build();
    server = Server.builder().address("127.0.0.1", 0).service(service).build().start();
    channel = Channel.forAddress("127.0.0.1", server.port()).build();
    try (BidiStreamingCall<StringValue, StringValue> call =
        channel.bidiStreamingCall(STUBBORN, CallOptions.DEFAULT)) {
      call.send(StringValue.of("hello"));
      assertThat(stubbornStarted.await(10, TimeUnit.SECONDS)).isTrue();
    } // cancelled: the stream is gone, the handler goes on
    CompletableFuture<Void> closed = CompletableFuture.runAsync(server::close);
    assertThatThrownBy(() -> closed.get(500, TimeUnit.MILLISECONDS))
        .isInstanceOf(TimeoutException.class);
    goOn.countDown();
    closed.get(10, TimeUnit.SECONDS);
  }
}
