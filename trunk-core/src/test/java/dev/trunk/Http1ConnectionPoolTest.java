package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.StringValue;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The bound on a channel's HTTP/1.1 connections per endpoint, and the queue of calls beyond it. */
class Http1ConnectionPoolTest {
  private static final MethodDescriptor<StringValue, StringValue> HOLD =
      MethodDescriptor.of(
          "trunk.test.Pool",
          "Hold",
          MethodDescriptor.Type.UNARY,
          TestService.STRING,
          TestService.STRING);

  private final Semaphore finish = new Semaphore(0);
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger mostAtOnce = new AtomicInteger();
  private final List<Channel> channels = new ArrayList<>();
  private Server server;

  @BeforeEach
  void startServer() throws IOException {
    server =
        Server.builder()
            .address("127.0.0.1", 0)
            .service(
                ServiceDefinition.builder("trunk.test.Pool")
                    .unary(
                        HOLD,
                        request -> {
                          mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                          try {
                            finish.acquire();
                          } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw Status.CANCELLED.asException();
                          } finally {
                            running.decrementAndGet();
                          }
                          return request;
                        })
                    .build())
            .build()
            .start();
  }

  @AfterEach
  void stop() {
    channels.forEach(Channel::shutdownNow);
    finish.release(100);
    server.shutdownNow();
  }

  private Channel channel(int connections, int waitingCalls) {
    Channel channel =
        Channel.forAddress("127.0.0.1", server.port())
            .protocol(Channel.Protocol.CONNECT)
            .http1()
            .http1MaxConnectionsForTest(connections)
            .maxWaitingCalls(waitingCalls)
            .build();
    channels.add(channel);
    return channel;
  }

  private static CompletableFuture<StringValue> hold(Channel channel, String text, CallOptions o) {
    return channel.unaryCallAsync(HOLD, StringValue.of(text), o);
  }

  /** A call started once the queue has room, within seconds. */
  private static CompletableFuture<StringValue> holdOnceQueued(Channel channel, String text)
      throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (true) {
      CompletableFuture<StringValue> call = hold(channel, text, CallOptions.DEFAULT);
      if (!call.isCompletedExceptionally() || System.nanoTime() > until) {
        return call;
      }
      Thread.sleep(10);
    }
  }

  private void awaitRunning(int calls) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (running.get() < calls && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    assertThat(running.get()).as("calls running on the server").isEqualTo(calls);
  }

  @Test
  void aCallBeyondTheLimitWaitsAndRunsOnceAConnectionIsFree() throws Exception {
    Channel channel = channel(2, 10);
    List<CompletableFuture<StringValue>> calls = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      calls.add(hold(channel, "call " + i, CallOptions.DEFAULT));
    }
    awaitRunning(2);
    Thread.sleep(300); // time enough for a third connection, were one opened
    assertThat(running.get()).as("the third call waits on the client").isEqualTo(2);
    assertThat(calls.stream().filter(CompletableFuture::isDone)).isEmpty();

    finish.release(); // one call ends: its connection serves the waiting one
    awaitRunning(2);
    finish.release(2);
    for (int i = 0; i < 3; i++) {
      assertThat(calls.get(i).get(10, TimeUnit.SECONDS).getValue()).isEqualTo("call " + i);
    }
    assertThat(mostAtOnce.get()).isEqualTo(2);
  }

  @Test
  void aCallFindingTheQueueFullFailsFastWithResourceExhausted() throws Exception {
    Channel channel = channel(1, 1);
    CompletableFuture<StringValue> first = hold(channel, "first", CallOptions.DEFAULT);
    awaitRunning(1);
    CompletableFuture<StringValue> queued = hold(channel, "queued", CallOptions.DEFAULT);

    assertThatThrownBy(() -> channel.unaryCall(HOLD, StringValue.of("x"), CallOptions.DEFAULT))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
              assertThat(e.status().description())
                  .contains("1 calls already wait", "1 HTTP/1.1 connections", "maxWaitingCalls");
            });
    finish.release(2);
    assertThat(first.get(10, TimeUnit.SECONDS).getValue()).isEqualTo("first");
    assertThat(queued.get(10, TimeUnit.SECONDS).getValue()).isEqualTo("queued");
  }

  @Test
  void aQueuedCallWhoseDeadlineExpiresLeavesTheQueue() throws Exception {
    Channel channel = channel(1, 1);
    CompletableFuture<StringValue> first = hold(channel, "first", CallOptions.DEFAULT);
    awaitRunning(1);
    CompletableFuture<StringValue> late =
        hold(channel, "late", CallOptions.DEFAULT.withTimeout(Duration.ofMillis(200)));
    assertThatThrownBy(() -> late.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));

    // Its place in the queue is free again (the call leaves it just after its future fails), and
    // it never reached the server.
    CompletableFuture<StringValue> next = holdOnceQueued(channel, "next");
    finish.release(2);
    assertThat(first.get(10, TimeUnit.SECONDS).getValue()).isEqualTo("first");
    assertThat(next.get(10, TimeUnit.SECONDS).getValue()).isEqualTo("next");
    assertThat(mostAtOnce.get()).isEqualTo(1);
  }

  @Test
  void aCancelledQueuedCallLeavesTheQueue() throws Exception {
    Channel channel = channel(1, 1);
    CompletableFuture<StringValue> first = hold(channel, "first", CallOptions.DEFAULT);
    awaitRunning(1);
    CompletableFuture<StringValue> cancelled = hold(channel, "cancelled", CallOptions.DEFAULT);
    cancelled.cancel(true);

    CompletableFuture<StringValue> next = hold(channel, "next", CallOptions.DEFAULT);
    finish.release(2);
    assertThat(first.get(10, TimeUnit.SECONDS).getValue()).isEqualTo("first");
    assertThat(next.get(10, TimeUnit.SECONDS).getValue()).isEqualTo("next");
  }
}
