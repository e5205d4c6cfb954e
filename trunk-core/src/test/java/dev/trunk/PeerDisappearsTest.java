package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.BytesValue;
import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client whose TCP connection vanishes in the middle of a streaming call (no RST_STREAM, no
 * GOAWAY): the handler learns at once that its call is cancelled, whether it is blocked sending or
 * receiving, and the server goes on serving other clients.
 */
class PeerDisappearsTest {
  /** Sends 16 KiB responses until the call fails. */
  private static final MethodDescriptor<Int64Value, BytesValue> FLOOD =
      MethodDescriptor.of(
          TestService.NAME,
          "Flood",
          MethodDescriptor.Type.SERVER_STREAMING,
          TestService.LONG,
          TestService.BYTES);

  /** Answers each request, then waits for the next. */
  private static final MethodDescriptor<StringValue, StringValue> CHAT = TestService.CHAT;

  private final CountDownLatch streaming = new CountDownLatch(1);
  private final AtomicInteger sent = new AtomicInteger();
  private final CompletableFuture<String> outcome = new CompletableFuture<>();
  private final CountDownLatch cancelListenerRan = new CountDownLatch(1);
  private Server server;
  private Channel channel;

  @BeforeEach
  void start() throws Exception {
    ServiceDefinition service =
        ServiceDefinition.builder(TestService.NAME)
            .unary(TestService.ECHO, request -> request)
            .serverStreaming(
                FLOOD,
                (request, responses) -> {
                  CallContext call = CallContext.current();
                  call.onCancel(cancelListenerRan::countDown);
                  BytesValue chunk = BytesValue.of(ByteString.copyFrom(new byte[16 * 1024]));
                  try {
                    while (true) {
                      responses.send(chunk);
                      if (sent.incrementAndGet() == 2) {
                        streaming.countDown();
                      }
                    }
                  } catch (StatusException e) {
                    outcome.complete(
                        "send failed with "
                            + e.status().code()
                            + ", cancelled="
                            + call.isCancelled());
                    throw e;
                  }
                })
            .bidiStreaming(
                CHAT,
                (requests, responses) -> {
                  CallContext call = CallContext.current();
                  call.onCancel(cancelListenerRan::countDown);
                  try {
                    for (StringValue request : requests) {
                      responses.send(StringValue.of("re: " + request.getValue()));
                      streaming.countDown();
                    }
                    outcome.complete("the stream ended normally");
                  } catch (StatusException e) {
                    outcome.complete(
                        "receive failed with "
                            + e.status().code()
                            + ", cancelled="
                            + call.isCancelled());
                    throw e;
                  }
                })
            .build();
    server = Server.builder().address("127.0.0.1", 0).service(service).build().start();
    channel = Channel.forAddress("127.0.0.1", server.port()).build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  private void assertTheServerStillServes() {
    assertThat(channel.unaryCall(TestService.ECHO, StringValue.of("ok"), CallOptions.DEFAULT))
        .isEqualTo(StringValue.of("ok"));
    try (ResponseStream<BytesValue> flood =
        channel.serverStreamingCall(FLOOD, Int64Value.of(0), CallOptions.DEFAULT)) {
      assertThat(flood.receive()).isNotNull();
    }
  }

  @Test
  void aHandlerBlockedSendingIsCancelledWhenTheClientVanishes() throws Exception {
    FrameClient raw = new FrameClient(server.port());
    try {
      FrameClient.Stream stream = raw.open(FrameClient.grpcHeaders("/" + FLOOD.fullName()), false);
      raw.message(stream, Int64Value.of(0).toByteArray(), true);
      assertThat(streaming.await(10, TimeUnit.SECONDS)).isTrue();
      // The client never returns flow-control credit: the handler soon blocks in send().
      Thread.sleep(200);
      int sentBeforeDisconnect = sent.get();
      assertThat(outcome).isNotDone();

      raw.disconnect();
      assertThat(outcome.get(5, TimeUnit.SECONDS)).endsWith("cancelled=true");
      assertThat(cancelListenerRan.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(sent.get()).isLessThan(sentBeforeDisconnect + 100);
    } finally {
      raw.close();
    }
    assertTheServerStillServes();
  }

  /** PROTOCOL-HTTP2.md's RST_STREAM code table is the client's; a server call is just cancelled. */
  @Test
  void aClientResetWithAnyErrorCodeReachesTheHandlerAsCancelled() throws Exception {
    try (FrameClient raw = new FrameClient(server.port())) {
      FrameClient.Stream stream = raw.open(FrameClient.grpcHeaders("/" + CHAT.fullName()), false);
      raw.message(stream, StringValue.of("hello").toByteArray(), false);
      assertThat(streaming.await(10, TimeUnit.SECONDS)).isTrue();

      raw.reset(stream, 0x2); // INTERNAL_ERROR
      assertThat(outcome.get(5, TimeUnit.SECONDS))
          .isEqualTo("receive failed with CANCELLED, cancelled=true");
    }
    assertTheServerStillServes();
  }

  @Test
  void aHandlerBlockedReceivingIsCancelledWhenTheClientVanishes() throws Exception {
    FrameClient raw = new FrameClient(server.port());
    try {
      FrameClient.Stream stream = raw.open(FrameClient.grpcHeaders("/" + CHAT.fullName()), false);
      raw.message(stream, StringValue.of("hello").toByteArray(), false);
      assertThat(streaming.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(stream.headers.get(5, TimeUnit.SECONDS).status().toString()).isEqualTo("200");

      raw.disconnect();
      assertThat(outcome.get(5, TimeUnit.SECONDS))
          .isEqualTo("receive failed with CANCELLED, cancelled=true");
      assertThat(cancelListenerRan.await(5, TimeUnit.SECONDS)).isTrue();
    } finally {
      raw.close();
    }
    assertTheServerStillServes();
  }
}
