package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.BytesValue;
import com.google.protobuf.Int64Value;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Memory for received messages on a real server: slow readers never starve the other calls of a
 * connection, and what a connection (and the whole server) holds is bounded by its budget, beyond
 * which data fails its call with RESOURCE_EXHAUSTED while everything else goes on.
 */
class InboundMemoryTest {
  private static final String SUM_SIZES = "/" + TestService.SUM_SIZES.fullName();
  private static final int CHUNK = 256 * 1024;

  private final CountDownLatch release = new CountDownLatch(1);
  private final List<Thread> senders = new ArrayList<>();
  private final List<Channel> channels = new ArrayList<>();
  private final AtomicLong sent = new AtomicLong();
  private Server server;

  @AfterEach
  void stop() throws InterruptedException {
    release.countDown();
    channels.forEach(Channel::shutdownNow);
    for (Thread sender : senders) {
      sender.join(10_000);
    }
    server.shutdownNow();
  }

  @Test
  void sixteenStreamsWhoseHandlerDoesNotReadLeaveAUnaryCallOnTheSameConnectionUnharmed()
      throws Exception {
    start(Server.builder());
    Channel channel = channel();
    for (int i = 0; i < 16; i++) {
      sendUntilStopped(channel, new AtomicReference<>());
    }
    awaitSendersStalled(); // every stream has filled its window and its reader's queue
    BytesValue big = BytesValue.of(ByteString.copyFrom(new byte[200_000]));
    BytesValue echoed =
        channel.unaryCall(
            TestService.ECHO_BYTES, big, CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10)));
    assertThat(echoed.getValue().size()).isEqualTo(200_000);
  }

  @Test
  void dataBeyondAConnectionsBudgetFailsItsCallWithResourceExhausted() throws Exception {
    start(
        Server.builder()
            .maxInboundMessageSize(1024 * 1024)
            .maxBufferedBytesPerConnection(2 * 1024 * 1024));
    Channel channel = channel();
    List<AtomicReference<Status>> outcomes = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      AtomicReference<Status> outcome = new AtomicReference<>();
      outcomes.add(outcome);
      sendUntilStopped(channel, outcome);
    }
    Status failed = awaitAnyFailure(outcomes);
    assertThat(failed.code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(failed.description()).contains("maxBufferedBytesPerConnection");
    assertStillServes(channel()); // other connections are not affected
    // Once the handlers end, their calls' messages leave the budget: the connection serves again.
    release.countDown();
    awaitServes(channel);
  }

  @Test
  void dataBeyondTheServersBudgetFailsItsCallWhateverTheConnection() throws Exception {
    start(Server.builder().maxInboundMessageSize(1024 * 1024).maxBufferedBytes(2 * 1024 * 1024));
    List<AtomicReference<Status>> outcomes = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      AtomicReference<Status> outcome = new AtomicReference<>();
      outcomes.add(outcome);
      sendUntilStopped(channel(), outcome); // a connection each
    }
    Status failed = awaitAnyFailure(outcomes);
    assertThat(failed.code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(failed.description()).contains("maxBufferedBytes");
    // Once the handlers end, their calls' messages leave the server's budget.
    release.countDown();
    awaitServes(channel());
  }

  @Test
  void partialMessagesCountAgainstTheBudgetInsteadOfBufferingUpToTheMessageLimit()
      throws Exception {
    start(
        Server.builder()
            .maxInboundMessageSize(4 * 1024 * 1024)
            .maxBufferedBytesPerConnection(4 * 1024 * 1024));
    try (FrameClient peer = new FrameClient(server.port())) {
      peer.settings.get(10, TimeUnit.SECONDS);
      List<FrameClient.Stream> streams = new ArrayList<>();
      // Each stream announces a 4 MiB message and sends 900 KB of it, then stalls.
      for (int i = 0; i < 6; i++) {
        FrameClient.Stream stream = peer.open(FrameClient.grpcHeaders(SUM_SIZES), false);
        streams.add(stream);
        ByteBuf partial = Unpooled.buffer(5 + 900_000);
        partial.writeByte(0).writeInt(4 * 1024 * 1024).writeZero(900_000);
        peer.data(stream, partial, false);
      }
      FrameClient.Stream refused = awaitAnyEnded(streams);
      assertThat(refused.grpcStatus()).isEqualTo("8"); // RESOURCE_EXHAUSTED
      assertThat(refused.grpcMessage()).contains("maxBufferedBytesPerConnection");
      assertThat(streams.stream().filter(s -> !s.ended.isDone()))
          .as("streams whose partial message fit are still open")
          .isNotEmpty();
    }
    assertStillServes(channel());
  }

  // ---- helpers ----------------------------------------------------------------------------

  /** A server whose client-streaming handler reads nothing until the test ends. */
  private void start(Server.Builder builder) throws IOException {
    ServiceDefinition service =
        ServiceDefinition.builder(TestService.NAME)
            .unary(TestService.ECHO_BYTES, request -> request)
            .clientStreaming(
                TestService.SUM_SIZES,
                requests -> {
                  try {
                    release.await(30, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return Int64Value.of(0);
                })
            .build();
    server = builder.address("127.0.0.1", 0).service(service).build().start();
  }

  private Channel channel() {
    Channel channel = Channel.forAddress("127.0.0.1", server.port()).build();
    channels.add(channel);
    return channel;
  }

  /** A client stream that sends 64 KiB messages until its call fails or the test ends. */
  private void sendUntilStopped(Channel channel, AtomicReference<Status> outcome) {
    BytesValue chunk = BytesValue.of(ByteString.copyFrom(new byte[CHUNK]));
    senders.add(
        Thread.ofVirtual()
            .start(
                () -> {
                  try (ClientStreamingCall<BytesValue, Int64Value> call =
                      channel.clientStreamingCall(TestService.SUM_SIZES, CallOptions.DEFAULT)) {
                    for (int i = 0; i < 16 && release.getCount() > 0; i++) {
                      call.send(chunk); // blocks once flow control holds the stream back
                      sent.incrementAndGet();
                    }
                  } catch (StatusException e) {
                    outcome.set(e.status());
                  }
                }));
  }

  /** Waits until no sender has made progress for a second: flow control holds them all. */
  private void awaitSendersStalled() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    long before = -1;
    while (sent.get() != before && System.nanoTime() < deadline) {
      before = sent.get();
      Thread.sleep(1_000);
    }
    assertThat(sent.get()).as("messages sent before the senders stalled").isGreaterThan(16);
  }

  private static Status awaitAnyFailure(List<AtomicReference<Status>> outcomes)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      for (AtomicReference<Status> outcome : outcomes) {
        Status status = outcome.get();
        if (status != null) {
          return status;
        }
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no call failed within 15 s");
  }

  private static FrameClient.Stream awaitAnyEnded(List<FrameClient.Stream> streams)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      for (FrameClient.Stream stream : streams) {
        if (stream.ended.isDone()) {
          return stream;
        }
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no stream ended within 15 s");
  }

  /** Calls until a call gets through the budget (at most 10 s): it must be freed, not leaked. */
  private static void awaitServes(Channel channel) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        assertStillServes(channel);
        return;
      } catch (StatusException e) {
        if (e.status().code() != Status.Code.RESOURCE_EXHAUSTED || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }

  private static void assertStillServes(Channel channel) {
    BytesValue small = BytesValue.of(ByteString.copyFromUtf8("ok"));
    assertThat(
            channel.unaryCall(
                TestService.ECHO_BYTES,
                small,
                CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10))))
        .isEqualTo(small);
  }
}
