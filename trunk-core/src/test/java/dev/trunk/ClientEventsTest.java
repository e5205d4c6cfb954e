package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.BytesValue;
import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event seam on the client side: its connections, TLS failures, transparent retries, attempts
 * and their byte counts, why a stream was aborted, and flow-control stalls on either side.
 */
class ClientEventsTest {
  private static final CallOptions TEN_SECONDS =
      CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10));
  private static final String RETRY_CONFIG =
      """
      {"methodConfig": [{"name": [{"service": "trunk.test.TestService"}],
        "retryPolicy": {"maxAttempts": 3, "initialBackoff": "0.01s", "maxBackoff": "0.05s",
          "backoffMultiplier": 2, "retryableStatusCodes": ["UNAVAILABLE"]}}]}
      """;
  // Enough 64 KiB messages to fill the receiver's queue, its stream window and the send window.
  private static final int CHUNK = 64 * 1024;
  private static final int CHUNKS = 96;
  private static final long READ_DELAY_MILLIS = 500;

  private final AtomicInteger flakyCalls = new AtomicInteger();

  private ServiceDefinition service() {
    return ServiceDefinition.builder(TestService.NAME)
        .unary(TestService.ECHO, request -> request)
        .unary(TestService.ECHO_BYTES, request -> request)
        .unary(
            TestService.HEADERS,
            request -> {
              if (flakyCalls.incrementAndGet() == 1) {
                throw Status.UNAVAILABLE.withDescription("first attempt fails").asException();
              }
              return request;
            })
        .serverStreaming(
            TestService.COUNT,
            (request, responses) -> {
              String chunk = "c".repeat(CHUNK);
              for (long i = 0; i < request.getValue(); i++) {
                responses.send(StringValue.of(chunk));
              }
            })
        .clientStreaming(
            TestService.SUM_SIZES,
            requests -> {
              sleep(READ_DELAY_MILLIS);
              long total = 0;
              for (BytesValue chunk : requests) {
                total += chunk.getValue().size();
              }
              return Int64Value.of(total);
            })
        .build();
  }

  private Server server(EventListener... listeners) throws Exception {
    Server.Builder builder = Server.builder().address("127.0.0.1", 0).service(service());
    for (EventListener listener : listeners) {
      builder.eventListener(listener);
    }
    return builder.build().start();
  }

  private static Channel.Builder to(int port, EventListener listener) {
    return Channel.forAddress("127.0.0.1", port).eventListener(listener);
  }

  // ---- connections --------------------------------------------------------------------------

  @Test
  void clientConnectionsAreReportedOpenedThenClosedForHttp2AndHttp1() throws Exception {
    EventRecorder clientEvents = new EventRecorder();
    try (Server server = server()) {
      try (Channel channel = to(server.port(), clientEvents).build()) {
        channel.unaryCall(TestService.ECHO, StringValue.of("h2"), TEN_SECONDS);
      }
      awaitSize(clientEvents.connections, 2);
      assertThat(clientEvents.connections).containsExactly("opened h2 false", "closed h2 false");
      try (Channel web =
          to(server.port(), clientEvents).protocol(Channel.Protocol.GRPC_WEB).http1().build()) {
        web.unaryCall(TestService.ECHO, StringValue.of("h1"), TEN_SECONDS);
      }
      awaitSize(clientEvents.connections, 4);
      List<String> http1 = clientEvents.connections.subList(2, clientEvents.connections.size());
      assertThat(http1).startsWith("opened http/1.1 false").endsWith("closed http/1.1 false");
      assertThat(http1.stream().filter(e -> e.startsWith("opened")).count())
          .as("each HTTP/1.1 connection opened is closed: " + http1)
          .isEqualTo(http1.stream().filter(e -> e.startsWith("closed")).count());
      assertThat(clientEvents.serverSide).containsOnly(false);
    }
  }

  @Test
  void aTlsConnectionCarriesItsSessionAndAnUntrustedServerIsAHandshakeFailure(@TempDir Path dir)
      throws Exception {
    TestCertificates certificates =
        TestCertificates.create(Files.createDirectories(dir.resolve("ours")));
    TestCertificates strangers =
        TestCertificates.create(Files.createDirectories(dir.resolve("theirs")));
    TestCertificates.Leaf leaf = certificates.server("server");
    EventRecorder trusting = new EventRecorder();
    EventRecorder distrusting = new EventRecorder();
    try (Server server =
        Server.builder()
            .address("127.0.0.1", 0)
            .service(service())
            .tls(TlsConfig.builder().keyPair(leaf.chainPem(), leaf.keyPem()).build())
            .build()
            .start()) {
      try (Channel channel =
          to(server.port(), trusting)
              .tls(TlsConfig.builder().trust(certificates.caPem()).build())
              .build()) {
        channel.unaryCall(TestService.ECHO, StringValue.of("tls"), TEN_SECONDS);
      }
      awaitSize(trusting.connections, 2);
      assertThat(trusting.connections).containsExactly("opened h2 true", "closed h2 true");
      try (Channel channel =
          to(server.port(), distrusting)
              .tls(TlsConfig.builder().trust(strangers.caPem()).build())
              .build()) {
        assertThatThrownBy(
                () -> channel.unaryCall(TestService.ECHO, StringValue.of("x"), TEN_SECONDS))
            .isInstanceOfSatisfying(
                StatusException.class,
                e -> assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE));
      }
      awaitSize(distrusting.handshakeFailures, 1);
      assertThat(distrusting.handshakeFailures).isNotEmpty();
      assertThat(distrusting.connections).isEmpty();
    }
  }

  // ---- attempts -----------------------------------------------------------------------------

  @Test
  void aRefusedStreamSentAgainIsATransparentAttempt() throws Exception {
    EventRecorder clientEvents = new EventRecorder();
    try (FrameServer server = new FrameServer();
        Channel channel = to(server.port(), clientEvents).build()) {
      server.holdCalls = false; // Trailers-Only OK
      server.refuseStreams.set(1);
      try (ResponseStream<StringValue> responses =
          channel.serverStreamingCall(TestService.COUNT, Int64Value.of(1), TEN_SECONDS)) {
        assertThat(responses.receive()).isNull();
      }
      EventRecorder.Call call = clientEvents.onlyCall();
      assertThat(call.named("attempt"))
          .containsExactly(
              "attemptStarted 1 FIRST",
              "attemptEnded 1 UNAVAILABLE",
              "attemptStarted 2 TRANSPARENT",
              "attemptEnded 2 OK");
      assertThat(call.attemptBytes).containsExactly("1 2 0", "2 2 0");
    }
  }

  @Test
  void aTransparentRetryUnderARetryPolicyIsNumberedAmongTheAttempts() throws Exception {
    EventRecorder clientEvents = new EventRecorder();
    try (FrameServer server = new FrameServer();
        Channel channel =
            to(server.port(), clientEvents).defaultServiceConfig(RETRY_CONFIG).build()) {
      server.holdCalls = false;
      server.refuseStreams.set(1);
      try (ResponseStream<StringValue> responses =
          channel.serverStreamingCall(TestService.COUNT, Int64Value.of(1), TEN_SECONDS)) {
        assertThat(responses.receive()).isNull();
      }
      assertThat(clientEvents.onlyCall().named("attempt"))
          .containsExactly(
              "attemptStarted 1 FIRST",
              "attemptEnded 1 UNAVAILABLE",
              "attemptStarted 2 TRANSPARENT",
              "attemptEnded 2 OK");
    }
  }

  @Test
  void aStreamRefusedTwiceIsRetriedOnceThenAbortedAsResetByPeer() throws Exception {
    EventRecorder clientEvents = new EventRecorder();
    try (FrameServer server = new FrameServer();
        Channel channel = to(server.port(), clientEvents).build()) {
      server.holdCalls = false;
      server.refuseStreams.set(2);
      try (ResponseStream<StringValue> responses =
          channel.serverStreamingCall(TestService.COUNT, Int64Value.of(1), TEN_SECONDS)) {
        assertThatThrownBy(responses::receive).isInstanceOf(StatusException.class);
      }
      assertThat(clientEvents.onlyCall().texts())
          .containsSubsequence("attemptStarted 2 TRANSPARENT", "aborted RESET_BY_PEER")
          .endsWith("attemptEnded 2 UNAVAILABLE", "closed UNAVAILABLE");
    }
  }

  @Test
  void aRetriedCallWhoseFirstMessageIsTooBigToReplayReportsItsOneAttempt() throws Exception {
    // Over RetryingTransport.CALL_BUFFER_LIMIT (1 MiB): the call commits to its first attempt.
    BytesValue big = BytesValue.of(ByteString.copyFrom(new byte[1536 * 1024]));
    EventRecorder clientEvents = new EventRecorder();
    try (Server server = server();
        Channel channel =
            to(server.port(), clientEvents).defaultServiceConfig(RETRY_CONFIG).build()) {
      channel.unaryCall(TestService.ECHO_BYTES, big, TEN_SECONDS);
      EventRecorder.Call call = clientEvents.onlyCall();
      long size = big.getSerializedSize();
      assertThat(call.texts())
          .containsExactly(
              "attemptStarted 1 FIRST",
              "messageSent " + size + " " + size,
              "responseHeaders",
              "messageReceived " + size + " " + size,
              "attemptEnded 1 OK",
              "closed OK");
      assertThat(call.attemptBytes).containsExactly("1 " + size + " " + size);
    }
  }

  @Test
  void attemptBytesAreMessageWireSizesWithoutPrefixesCompressedIfSo() throws Exception {
    StringValue compressible = StringValue.of("a".repeat(10_000));
    EventRecorder clientEvents = new EventRecorder();
    try (Server server = server();
        Channel channel = to(server.port(), clientEvents).build()) {
      channel.unaryCall(TestService.ECHO, compressible, TEN_SECONDS.withCompression("gzip"));
      EventRecorder.Call call = clientEvents.onlyCall();
      long sent = wireSize(call.named("messageSent").get(0));
      long received = wireSize(call.named("messageReceived").get(0));
      assertThat(sent).isLessThan(compressible.getSerializedSize());
      assertThat(call.attemptBytes).containsExactly("1 " + sent + " " + received);
    }
  }

  @Test
  void eachRetriedAttemptCountsTheBytesItSentAndReceived() throws Exception {
    EventRecorder clientEvents = new EventRecorder();
    try (Server server = server();
        Channel channel =
            to(server.port(), clientEvents).defaultServiceConfig(RETRY_CONFIG).build()) {
      channel.unaryCall(TestService.HEADERS, StringValue.of("hi"), TEN_SECONDS);
      // "hi" is 4 bytes as a StringValue; the failed attempt received no message.
      assertThat(clientEvents.onlyCall().attemptBytes).containsExactly("1 4 0", "2 4 4");
    }
  }

  // ---- aborts -------------------------------------------------------------------------------

  @Test
  void anInterceptorRefusingACallClosesItWithoutAnAbort() throws Exception {
    EventRecorder clientEvents = new EventRecorder();
    try (Server server = server();
        Channel channel =
            to(server.port(), clientEvents)
                .intercept(
                    Interceptor.onStart(
                        (call, headers) -> {
                          throw Status.PERMISSION_DENIED.withDescription("no").asException();
                        }))
                .build()) {
      assertThatThrownBy(
              () -> channel.unaryCall(TestService.ECHO, StringValue.of("x"), TEN_SECONDS))
          .isInstanceOf(StatusException.class);
      assertThat(clientEvents.onlyCall().texts()).containsExactly("closed PERMISSION_DENIED");
    }
  }

  @Test
  void aConnectionLostMidCallIsAbortedAsConnectionClosed() throws Exception {
    EventRecorder clientEvents = new EventRecorder();
    try (FrameServer server = new FrameServer();
        Channel channel = to(server.port(), clientEvents).build();
        ResponseStream<StringValue> responses =
            channel.serverStreamingCall(TestService.COUNT, Int64Value.of(1), TEN_SECONDS)) {
      responses.responseHeaders(); // the server processed the stream: it cannot move any more
      server.nextConnection().goAwayAndClose(0, "going down");
      assertThatThrownBy(responses::receive).isInstanceOf(StatusException.class);
      assertThat(clientEvents.onlyCall().texts())
          .containsOnlyOnce("aborted CONNECTION_CLOSED")
          .endsWith("attemptEnded 1 UNAVAILABLE", "closed UNAVAILABLE");
    }
  }

  // ---- flow control -------------------------------------------------------------------------

  @Test
  void aServerStreamingToAClientThatDoesNotReadStallsOnTheServer() throws Exception {
    EventRecorder serverEvents = new EventRecorder();
    EventRecorder clientEvents = new EventRecorder();
    try (Server server = server(serverEvents);
        Channel channel = to(server.port(), clientEvents).build();
        ResponseStream<StringValue> responses =
            channel.serverStreamingCall(TestService.COUNT, Int64Value.of(CHUNKS), TEN_SECONDS)) {
      sleep(READ_DELAY_MILLIS);
      int received = 0;
      while (responses.receive() != null) {
        received++;
      }
      assertThat(received).isEqualTo(CHUNKS);
    }
    assertStalledAndResumed(serverEvents.onlyCall());
    assertThat(clientEvents.onlyCall().named("flowControl")).isEmpty();
  }

  @Test
  void aClientStreamingToAServerThatDoesNotReadStallsOnTheClient() throws Exception {
    EventRecorder serverEvents = new EventRecorder();
    EventRecorder clientEvents = new EventRecorder();
    BytesValue chunk = BytesValue.of(ByteString.copyFrom(new byte[CHUNK]));
    try (Server server = server(serverEvents);
        Channel channel = to(server.port(), clientEvents).build()) {
      ClientStreamingCall<BytesValue, Int64Value> call =
          channel.clientStreamingCall(TestService.SUM_SIZES, TEN_SECONDS);
      for (int i = 0; i < CHUNKS; i++) {
        call.send(chunk);
      }
      assertThat(call.complete().getValue()).isEqualTo((long) CHUNK * CHUNKS);
    }
    assertStalledAndResumed(clientEvents.onlyCall());
    assertThat(serverEvents.onlyCall().named("flowControl")).isEmpty();
  }

  private static void assertStalledAndResumed(EventRecorder.Call call) {
    List<String> flow = call.named("flowControl");
    assertThat(flow).isNotEmpty().startsWith("flowControlStalled");
    for (int i = 0; i < flow.size(); i += 2) {
      assertThat(flow.get(i)).isEqualTo("flowControlStalled");
      assertThat(flow.get(i + 1)).startsWith("flowControlResumed");
    }
    assertThat(call.stalls).anyMatch(nanos -> nanos > 0);
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static long wireSize(String messageEvent) {
    return Long.parseLong(messageEvent.split(" ")[1]);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Status.CANCELLED.withDescription("interrupted").asException();
    }
  }

  private static void awaitSize(List<?> list, int size) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (list.size() < size && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }
}
