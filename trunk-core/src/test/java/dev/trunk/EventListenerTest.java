package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.StringValue;
import dev.trunk.internal.Events;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event seam: what a server's and a channel's listeners see, in which order. */
class EventListenerTest {
  private static final int MESSAGES = 5;
  private static final String COMPRESSIBLE = "a".repeat(10_000);

  private final CountDownLatch blocked = new CountDownLatch(1);
  private final AtomicInteger flakyCalls = new AtomicInteger();

  private ServiceDefinition service() {
    return ServiceDefinition.builder(TestService.NAME)
        .unary(TestService.ECHO, request -> request)
        .unary(
            TestService.FAIL,
            request -> {
              throw Status.NOT_FOUND.withDescription("no such thing").asException();
            })
        .unary(
            TestService.BLOCK,
            request -> {
              blocked.countDown();
              CountDownLatch never = new CountDownLatch(1);
              CallContext.current().onCancel(never::countDown);
              awaitUninterruptibly(never);
              return request;
            })
        .unary(
            TestService.HEADERS,
            request -> {
              if (flakyCalls.incrementAndGet() == 1) {
                throw Status.UNAVAILABLE.withDescription("first attempt fails").asException();
              }
              return request;
            })
        .serverStreaming(
            TestService.WAIT_SERVER_STREAM,
            (request, responses) -> {
              CallContext.current().setResponseCompression("gzip");
              for (int i = 0; i < MESSAGES; i++) {
                responses.send(StringValue.of(COMPRESSIBLE));
              }
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

  private static Channel channel(Server server, EventListener listener) {
    return Channel.forAddress("127.0.0.1", server.port()).eventListener(listener).build();
  }

  @Test
  void withoutListenersTheCompositeIsNoneItself() {
    assertThat(Events.of(List.of())).isSameAs(EventListener.NONE);
    assertThat(Events.of(List.of(new EventRecorder()))).isNotSameAs(EventListener.NONE);
  }

  @Test
  void aUnaryCallReportsItsEventsInOrderOnBothSides() throws Exception {
    EventRecorder serverEvents = new EventRecorder();
    EventRecorder clientEvents = new EventRecorder();
    try (Server server = server(serverEvents);
        Channel channel = channel(server, clientEvents)) {
      channel.unaryCall(TestService.ECHO, StringValue.of("hi"), CallOptions.DEFAULT);
      EventRecorder.Call onServer = serverEvents.onlyCall();
      assertThat(onServer.method).isEqualTo(TestService.ECHO.fullName());
      assertThat(onServer.texts())
          .containsExactly(
              "messageReceived 4 4",
              "handlerStarted",
              "responseHeaders",
              "messageSent 4 4",
              "closed OK");
      assertThat(onServer.events.get(1).thread()).isEqualTo("trunk-handler");
      assertThat(clientEvents.onlyCall().texts())
          .containsExactly(
              "attemptStarted 1 FIRST",
              "messageSent 4 4",
              "responseHeaders",
              "messageReceived 4 4",
              "attemptEnded 1 OK",
              "closed OK");
    }
  }

  @Test
  void aRequestForAnUnknownMethodIsRejectedWithoutACall() throws Exception {
    EventRecorder serverEvents = new EventRecorder();
    MethodDescriptor<StringValue, StringValue> missing =
        MethodDescriptor.of(
            TestService.NAME,
            "Missing",
            MethodDescriptor.Type.UNARY,
            TestService.ECHO.requestCodec(),
            TestService.ECHO.responseCodec());
    try (Server server = server(serverEvents);
        Channel channel = channel(server, EventListener.NONE)) {
      assertThatThrownBy(
              () -> channel.unaryCall(missing, StringValue.of("hi"), CallOptions.DEFAULT))
          .isInstanceOfSatisfying(
              StatusException.class,
              e -> assertThat(e.status().code()).isEqualTo(Status.Code.UNIMPLEMENTED));
    }
    assertThat(serverEvents.rejected).containsExactly(missing.path() + " UNIMPLEMENTED");
    assertThat(serverEvents.calls).isEmpty();
  }

  @Test
  void streamedGzipMessagesReportWireSizesBelowTheirSizes() throws Exception {
    EventRecorder serverEvents = new EventRecorder();
    EventRecorder clientEvents = new EventRecorder();
    try (Server server = server(serverEvents);
        Channel channel = channel(server, clientEvents);
        ResponseStream<StringValue> responses =
            channel.serverStreamingCall(
                TestService.WAIT_SERVER_STREAM,
                StringValue.of(COMPRESSIBLE),
                CallOptions.DEFAULT.withCompression("gzip"))) {
      int received = 0;
      for (Iterator<StringValue> it = responses.iterator(); it.hasNext(); it.next()) {
        received++;
      }
      assertThat(received).isEqualTo(MESSAGES);
    }
    long size = StringValue.of(COMPRESSIBLE).getSerializedSize();
    List<String> sent = serverEvents.onlyCall().named("messageSent");
    List<String> received = clientEvents.onlyCall().named("messageReceived");
    assertThat(sent).hasSize(MESSAGES);
    assertThat(received.stream().map(text -> text.replace("Received", "Sent"))).isEqualTo(sent);
    for (String event : sent) {
      String[] parts = event.split(" ");
      assertThat(Long.parseLong(parts[1])).isLessThan(size);
      assertThat(Long.parseLong(parts[2])).isEqualTo(size);
    }
    String request = serverEvents.onlyCall().named("messageReceived").get(0);
    assertThat(request).endsWith(" " + size).isNotEqualTo("messageReceived " + size + " " + size);
  }

  @Test
  void anErrorStatusClosesBothSidesWithIt() throws Exception {
    EventRecorder serverEvents = new EventRecorder();
    EventRecorder clientEvents = new EventRecorder();
    try (Server server = server(serverEvents);
        Channel channel = channel(server, clientEvents)) {
      assertThatThrownBy(
              () -> channel.unaryCall(TestService.FAIL, StringValue.of("x"), CallOptions.DEFAULT))
          .isInstanceOf(StatusException.class);
      assertThat(serverEvents.onlyCall().named("closed")).containsExactly("closed NOT_FOUND");
      assertThat(clientEvents.onlyCall().texts())
          .endsWith("attemptEnded 1 NOT_FOUND", "closed NOT_FOUND")
          .noneMatch(text -> text.startsWith("aborted"));
    }
  }

  @Test
  void anExpiredDeadlineAbortsAndClosesBothSidesWithDeadlineExceeded() throws Exception {
    EventRecorder serverEvents = new EventRecorder();
    EventRecorder clientEvents = new EventRecorder();
    try (Server server = server(serverEvents);
        Channel channel = channel(server, clientEvents)) {
      channel.unaryCall(TestService.ECHO, StringValue.of("connect first"), CallOptions.DEFAULT);
      assertThatThrownBy(
              () ->
                  channel.unaryCall(
                      TestService.BLOCK,
                      StringValue.of("x"),
                      CallOptions.DEFAULT.withTimeout(Duration.ofMillis(500))))
          .isInstanceOf(StatusException.class);
      // The client's timer, started first, usually resets the stream before the server's fires.
      List<String> onServer = serverEvents.awaitClosed(2).get(1).texts();
      assertThat(onServer.subList(onServer.size() - 2, onServer.size()))
          .isIn(
              List.of("aborted DEADLINE_EXCEEDED", "closed DEADLINE_EXCEEDED"),
              List.of("aborted RESET_BY_PEER", "closed CANCELLED"));
      // The timers are a millisecond apart: if the server's fires first, its trailers end the call
      // on the client, which is then no abort.
      List<String> onClient = clientEvents.awaitClosed(2).get(1).texts();
      assertThat(onClient).endsWith("attemptEnded 1 DEADLINE_EXCEEDED", "closed DEADLINE_EXCEEDED");
      assertThat(onClient.stream().filter(text -> text.startsWith("aborted")).toList())
          .isSubsetOf("aborted DEADLINE_EXCEEDED");
      if (onServer.contains("aborted RESET_BY_PEER")) {
        assertThat(onClient).contains("aborted DEADLINE_EXCEEDED"); // the client's timer reset it
      }
    }
  }

  /** A client's cancel reaches the server as RST_STREAM(CANCEL): aborted RESET_BY_PEER. */
  @Test
  void aClientCancelIsCancelledOnTheClientAndResetByPeerOnTheServer() throws Exception {
    EventRecorder serverEvents = new EventRecorder();
    EventRecorder clientEvents = new EventRecorder();
    try (Server server = server(serverEvents);
        Channel channel = channel(server, clientEvents)) {
      var future =
          channel.unaryCallAsync(TestService.BLOCK, StringValue.of("x"), CallOptions.DEFAULT);
      assertThat(blocked.await(5, TimeUnit.SECONDS)).isTrue();
      future.cancel(true);
      assertThat(clientEvents.onlyCall().texts())
          .endsWith("aborted CANCELLED", "attemptEnded 1 CANCELLED", "closed CANCELLED");
      assertThat(serverEvents.onlyCall().texts())
          .endsWith("aborted RESET_BY_PEER", "closed CANCELLED");
    }
  }

  @Test
  void aRetriedCallReportsItsFirstAttemptAndItsRetry() throws Exception {
    String config =
        """
        {"methodConfig": [{"name": [{"service": "trunk.test.TestService"}],
          "retryPolicy": {"maxAttempts": 3, "initialBackoff": "0.01s", "maxBackoff": "0.05s",
            "backoffMultiplier": 2, "retryableStatusCodes": ["UNAVAILABLE"]}}]}
        """;
    EventRecorder clientEvents = new EventRecorder();
    try (Server server = server();
        Channel channel =
            Channel.forAddress("127.0.0.1", server.port())
                .defaultServiceConfig(config)
                .eventListener(clientEvents)
                .build()) {
      channel.unaryCall(TestService.HEADERS, StringValue.of("x"), CallOptions.DEFAULT);
      assertThat(clientEvents.onlyCall().texts())
          .containsSubsequence(
              "attemptStarted 1 FIRST",
              "attemptEnded 1 UNAVAILABLE",
              "attemptStarted 2 RETRY",
              "attemptEnded 2 OK",
              "closed OK");
    }
  }

  @Test
  void aHedgedCallReportsItsHedges() throws Exception {
    String config =
        """
        {"methodConfig": [{"name": [{"service": "trunk.test.TestService"}],
          "hedgingPolicy": {"maxAttempts": 2, "hedgingDelay": "0s",
            "nonFatalStatusCodes": ["UNAVAILABLE"]}}]}
        """;
    EventRecorder clientEvents = new EventRecorder();
    try (Server server = server();
        Channel channel =
            Channel.forAddress("127.0.0.1", server.port())
                .defaultServiceConfig(config)
                .eventListener(clientEvents)
                .build()) {
      channel.unaryCall(TestService.HEADERS, StringValue.of("x"), CallOptions.DEFAULT);
      assertThat(clientEvents.onlyCall().texts())
          .contains("attemptStarted 1 FIRST", "attemptStarted 2 HEDGE")
          .endsWith("closed OK");
    }
  }

  @Test
  void aListenerThatThrowsOnEveryEventFailsNoCall() throws Exception {
    EventListener throwing =
        new EventListener() {
          @Override
          public CallEvents callStarted(CallInfo<?, ?> call, Metadata requestHeaders) {
            return new CallEvents() {
              @Override
              public void messageReceived(long wireSize, long size) {
                throw new IllegalStateException("listener bug");
              }

              @Override
              public void closed(Status status, Metadata trailers) {
                throw new IllegalStateException("listener bug");
              }
            };
          }

          @Override
          public void connectionOpened(Connection connection) {
            throw new IllegalStateException("listener bug");
          }
        };
    EventRecorder after = new EventRecorder();
    try (Server server = server(throwing, after);
        Channel channel =
            Channel.forAddress("127.0.0.1", server.port()).eventListener(throwing).build()) {
      StringValue answer =
          channel.unaryCall(TestService.ECHO, StringValue.of("still"), CallOptions.DEFAULT);
      assertThat(answer.getValue()).isEqualTo("still");
      assertThat(after.onlyCall().texts()).endsWith("closed OK");
    }
  }

  @Test
  void serverConnectionsAreReportedOpenedThenClosedForHttp2AndHttp1() throws Exception {
    EventRecorder serverEvents = new EventRecorder();
    try (Server server = server(serverEvents)) {
      try (Channel channel = Channel.forAddress("127.0.0.1", server.port()).build()) {
        channel.unaryCall(TestService.ECHO, StringValue.of("h2"), CallOptions.DEFAULT);
      }
      try (Channel web =
          Channel.forAddress("127.0.0.1", server.port())
              .protocol(Channel.Protocol.GRPC_WEB)
              .http1()
              .build()) {
        web.unaryCall(TestService.ECHO, StringValue.of("h1"), CallOptions.DEFAULT);
      }
      awaitSize(serverEvents.connections, 4);
      // The two connections' events may interleave: a channel's close does not wait for the
      // server to see it. Each connection's opening comes before its closing.
      List<String> seen = List.copyOf(serverEvents.connections);
      assertThat(seen)
          .containsExactlyInAnyOrder(
              "opened h2 false",
              "closed h2 false",
              "opened http/1.1 false",
              "closed http/1.1 false");
      assertThat(seen.indexOf("opened h2 false")).isLessThan(seen.indexOf("closed h2 false"));
      assertThat(seen.indexOf("opened http/1.1 false"))
          .isLessThan(seen.indexOf("closed http/1.1 false"));
    }
  }

  @Test
  void aPlaintextClientOnATlsPortIsAHandshakeFailure(@TempDir Path dir) throws Exception {
    TestCertificates certificates = TestCertificates.create(dir);
    TestCertificates.Leaf leaf = certificates.server("server");
    EventRecorder serverEvents = new EventRecorder();
    try (Server server =
        Server.builder()
            .address("127.0.0.1", 0)
            .service(service())
            .tls(TlsConfig.builder().keyPair(leaf.chainPem(), leaf.keyPem()).build())
            .eventListener(serverEvents)
            .build()
            .start()) {
      try (Socket socket = new Socket("127.0.0.1", server.port())) {
        OutputStream out = socket.getOutputStream();
        out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        socket.getInputStream().read();
      }
      awaitSize(serverEvents.handshakeFailures, 1);
      assertThat(serverEvents.handshakeFailures).hasSize(1);
      assertThat(serverEvents.connections).isEmpty();
    }
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    while (true) {
      try {
        latch.await();
        return;
      } catch (InterruptedException e) {
        // keep waiting: only the call's cancellation ends this handler
      }
    }
  }

  private static void awaitSize(List<?> list, int size) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (list.size() < size && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }
}
