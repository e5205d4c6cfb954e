package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.BytesValue;
import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Handlers of a {@link Server.Builder#nonBlockingService} run on the connection's event loop,
 * inside the processing of the request's last frame, and must behave like virtual-thread handlers:
 * messages larger than the per-stream buffer (whose flow-control credit is withheld and returned),
 * server streaming, and a connection that keeps serving afterwards.
 */
class NonBlockingServiceTest {
  private static final int LARGE = 3 * 1024 * 1024; // three times InboundQueue.BUFFER_LIMIT

  private static final MethodDescriptor<Int64Value, BytesValue> FLOOD =
      MethodDescriptor.of(
          TestService.NAME,
          "Flood",
          MethodDescriptor.Type.SERVER_STREAMING,
          TestService.LONG,
          TestService.BYTES);
  private static final int CHUNK = 64 * 1024;

  /** Bytes the Flood handler has sent and the client has received. */
  private final AtomicLong sentBytes = new AtomicLong();

  private final AtomicLong receivedBytes = new AtomicLong();
  private final AtomicLong mostAhead = new AtomicLong();

  private final List<String> handlerThreads = new ArrayList<>();
  private Server server;
  private Channel channel;

  @BeforeEach
  void start() throws IOException {
    ServiceDefinition definition =
        ServiceDefinition.builder(TestService.NAME)
            .unary(
                TestService.ECHO,
                request -> {
                  recordThread();
                  return request;
                })
            .unary(
                TestService.ECHO_BYTES,
                request -> {
                  recordThread();
                  return request;
                })
            .serverStreaming(
                TestService.COUNT,
                (request, responses) -> {
                  recordThread();
                  for (long i = 0; i < request.getValue(); i++) {
                    responses.send(StringValue.of("#" + i));
                  }
                })
            .serverStreaming(FLOOD, this::flood)
            .build();
    server =
        Server.builder()
            .address("127.0.0.1", 0)
            .nonBlockingService(() -> definition)
            .maxInboundMessageSize(2 * LARGE)
            .build()
            .start();
    channel =
        Channel.forAddress("127.0.0.1", server.port()).maxInboundMessageSize(2 * LARGE).build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  /**
   * Sends as fast as the call is ready, from the event loop: the pattern of {@link
   * CallContext#onReady}'s Javadoc. Records how far the sender got ahead of the reader.
   */
  private void flood(Int64Value count, StreamSender<BytesValue> responses) {
    recordThread();
    CallContext call = CallContext.current();
    BytesValue chunk = BytesValue.of(ByteString.copyFrom(new byte[CHUNK]));
    call.finishLater();
    new Runnable() {
      private long sent;

      @Override
      public void run() {
        while (call.isReady() && sent < count.getValue()) {
          responses.send(chunk);
          sent++;
          long ahead = sentBytes.addAndGet(CHUNK) - receivedBytes.get();
          mostAhead.accumulateAndGet(ahead, Math::max);
        }
        if (sent < count.getValue()) {
          call.onReady(this);
        } else {
          call.finish(Status.OK);
        }
      }
    }.run();
  }

  private synchronized void recordThread() {
    handlerThreads.add(Thread.currentThread().isVirtual() ? "virtual" : "platform");
  }

  @Test
  void unaryHandlersRunOnTheEventLoop() {
    StringValue reply =
        channel.unaryCall(TestService.ECHO, StringValue.of("hi"), CallOptions.DEFAULT);

    assertThat(reply.getValue()).isEqualTo("hi");
    synchronized (this) {
      assertThat(handlerThreads).containsExactly("platform");
    }
  }

  @Test
  void aRequestLargerThanTheStreamBufferIsServedAndTheConnectionKeepsServing() {
    byte[] payload = new byte[LARGE];
    payload[LARGE - 1] = 7;
    for (int i = 0; i < 3; i++) {
      BytesValue reply =
          channel.unaryCall(
              TestService.ECHO_BYTES,
              BytesValue.of(ByteString.copyFrom(payload)),
              CallOptions.DEFAULT);
      assertThat(reply.getValue().size()).isEqualTo(LARGE);
      assertThat(reply.getValue().byteAt(LARGE - 1)).isEqualTo((byte) 7);
    }
    assertThat(channel.unaryCall(TestService.ECHO, StringValue.of("ok"), CallOptions.DEFAULT))
        .isEqualTo(StringValue.of("ok"));
  }

  @Test
  void serverStreamingHandlersSendEveryMessageInOrder() {
    List<String> received = new ArrayList<>();
    try (ResponseStream<StringValue> stream =
        channel.serverStreamingCall(TestService.COUNT, Int64Value.of(1000), CallOptions.DEFAULT)) {
      for (StringValue value : stream) {
        received.add(value.getValue());
      }
    }
    assertThat(received).hasSize(1000).startsWith("#0").endsWith("#999");
  }

  @Test
  void aFastNonBlockingSenderToASlowReaderStaysWithinABoundedQueue() throws Exception {
    int messages = 512; // 32 MiB
    int received = 0;
    try (ResponseStream<BytesValue> stream =
        channel.serverStreamingCall(FLOOD, Int64Value.of(messages), CallOptions.DEFAULT)) {
      for (BytesValue chunk : stream) {
        receivedBytes.addAndGet(chunk.getValue().size());
        received++;
        if (received % 8 == 0) {
          Thread.sleep(1); // a slow reader: the sender must wait for it
        }
      }
    }
    assertThat(received).isEqualTo(messages);
    // What the sender may be ahead: the stream window and the client's buffer (1 MiB each), the
    // server's outbound buffer (256 KiB) and a message. Without backpressure it is all 32 MiB.
    assertThat(mostAhead.get()).isLessThan(4L * 1024 * 1024);
    synchronized (this) {
      assertThat(handlerThreads).containsExactly("platform");
    }
  }
}
