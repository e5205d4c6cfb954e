package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.BytesValue;
import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import com.google.rpc.ErrorInfo;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A Trunk client speaking gRPC-Web and Connect, over HTTP/2 and HTTP/1.1, to a Trunk server. */
class WebProtocolClientTest {
  private static final ErrorInfo INFO =
      ErrorInfo.newBuilder().setReason("TOO_BIG").setDomain("test").build();
  private static final String EXTRA = "trunk.test.Extra";
  private static final MethodDescriptor<StringValue, StringValue> DETAILED =
      MethodDescriptor.of(
          EXTRA, "Detailed", MethodDescriptor.Type.UNARY, TestService.STRING, TestService.STRING);
  private static final MethodDescriptor<Int64Value, StringValue> COUNT_THEN_FAIL =
      MethodDescriptor.of(
          EXTRA,
          "CountThenFail",
          MethodDescriptor.Type.SERVER_STREAMING,
          TestService.LONG,
          TestService.STRING);

  private static @Nullable Server server;

  @BeforeAll
  static void startServer() throws IOException {
    server =
        Server.builder()
            .address("127.0.0.1", 0)
            .service(new TestService().definition())
            .service(
                ServiceDefinition.builder(EXTRA)
                    .unary(
                        DETAILED,
                        request -> {
                          throw Status.RESOURCE_EXHAUSTED
                              .withDescription("détails: " + request.getValue())
                              .withDetails(INFO)
                              .asException(new Metadata().add("x-why", "too big"));
                        })
                    .serverStreaming(
                        COUNT_THEN_FAIL,
                        (request, responses) -> {
                          responses.send(StringValue.of("one"));
                          throw Status.ABORTED.withDescription("stopped").asException();
                        })
                    .build())
            .build()
            .start();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.shutdownNow();
    }
  }

  static Stream<Arguments> protocols() {
    return Stream.of(
        Arguments.of(Channel.Protocol.GRPC_WEB, false),
        Arguments.of(Channel.Protocol.GRPC_WEB, true),
        Arguments.of(Channel.Protocol.CONNECT, false),
        Arguments.of(Channel.Protocol.CONNECT, true));
  }

  private static Channel channel(Channel.Protocol protocol, boolean http1, Interceptor... extra) {
    Channel.Builder builder = Channel.forAddress("127.0.0.1", server.port()).protocol(protocol);
    if (http1) {
      builder.http1();
    }
    for (Interceptor interceptor : extra) {
      builder.intercept(interceptor);
    }
    return builder.build();
  }

  @ParameterizedTest(name = "{0}, HTTP/1.1: {1}")
  @MethodSource("protocols")
  void unaryCallsReturnTheResponse(Channel.Protocol protocol, boolean http1) {
    try (Channel channel = channel(protocol, http1)) {
      for (int i = 0; i < 3; i++) { // later calls reuse the HTTP/1.1 connection
        StringValue response =
            channel.unaryCall(TestService.ECHO, StringValue.of("hi " + i), CallOptions.DEFAULT);
        assertThat(response.getValue()).isEqualTo("hi " + i);
      }
    }
  }

  @ParameterizedTest(name = "{0}, HTTP/1.1: {1}")
  @MethodSource("protocols")
  void serverStreamingDeliversEveryMessageInOrder(Channel.Protocol protocol, boolean http1) {
    try (Channel channel = channel(protocol, http1);
        ResponseStream<StringValue> stream =
            channel.serverStreamingCall(
                TestService.COUNT, Int64Value.of(50), CallOptions.DEFAULT)) {
      List<String> received = new ArrayList<>();
      StringValue next;
      while ((next = stream.receive()) != null) {
        received.add(next.getValue());
      }
      assertThat(received).hasSize(50).startsWith("#0", "#1").endsWith("#49");
    }
  }

  @ParameterizedTest(name = "{0}, HTTP/1.1: {1}")
  @MethodSource("protocols")
  void clientStreamingSendsEveryRequest(Channel.Protocol protocol, boolean http1) {
    try (Channel channel = channel(protocol, http1);
        ClientStreamingCall<BytesValue, Int64Value> call =
            channel.clientStreamingCall(TestService.SUM_SIZES, CallOptions.DEFAULT)) {
      for (int i = 0; i < 10; i++) {
        call.send(BytesValue.of(ByteString.copyFrom(new byte[1000])));
      }
      assertThat(call.complete().getValue()).isEqualTo(10_000);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("protocols")
  void bidiStreamingWorksOverHttp2AndFailsClearlyOverHttp1(
      Channel.Protocol protocol, boolean http1) {
    try (Channel channel = channel(protocol, http1);
        BidiStreamingCall<StringValue, StringValue> call =
            channel.bidiStreamingCall(TestService.CHAT, CallOptions.DEFAULT)) {
      if (http1) {
        assertThatThrownBy(call::receive)
            .isInstanceOfSatisfying(
                StatusException.class,
                e -> {
                  assertThat(e.status().code()).isEqualTo(Status.Code.UNIMPLEMENTED);
                  assertThat(e.status().description()).contains("HTTP/1.1", "half-duplex");
                });
        return;
      }
      call.send(StringValue.of("a"));
      assertThat(call.receive().getValue()).isEqualTo("re: a");
      call.send(StringValue.of("b"));
      assertThat(call.receive().getValue()).isEqualTo("re: b");
      call.closeSend();
      assertThat(call.receive()).isNull();
    }
  }

  @ParameterizedTest(name = "{0}, HTTP/1.1: {1}")
  @MethodSource("protocols")
  void errorsCarryCodeMessageDetailsAndTrailers(Channel.Protocol protocol, boolean http1) {
    try (Channel channel = channel(protocol, http1)) {
      assertThatThrownBy(
              () -> channel.unaryCall(DETAILED, StringValue.of("x"), CallOptions.DEFAULT))
          .isInstanceOfSatisfying(
              StatusException.class,
              e -> {
                assertThat(e.status().code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                assertThat(e.status().description()).isEqualTo("détails: x");
                assertThat(e.status().details(ErrorInfo.class)).containsExactly(INFO);
                assertThat(e.trailers().get("x-why")).isEqualTo("too big");
              });
    }
  }

  @ParameterizedTest(name = "{0}, HTTP/1.1: {1}")
  @MethodSource("protocols")
  void aStreamThatFailsAfterAMessageDeliversItThenTheStatus(
      Channel.Protocol protocol, boolean http1) {
    try (Channel channel = channel(protocol, http1);
        ResponseStream<StringValue> stream =
            channel.serverStreamingCall(COUNT_THEN_FAIL, Int64Value.of(1), CallOptions.DEFAULT)) {
      assertThat(stream.receive().getValue()).isEqualTo("one");
      assertThatThrownBy(stream::receive)
          .isInstanceOfSatisfying(
              StatusException.class,
              e -> {
                assertThat(e.status().code()).isEqualTo(Status.Code.ABORTED);
                assertThat(e.status().description()).isEqualTo("stopped");
              });
    }
  }

  @ParameterizedTest(name = "{0}, HTTP/1.1: {1}")
  @MethodSource("protocols")
  void metadataTravelsBothWaysIncludingBinary(Channel.Protocol protocol, boolean http1) {
    AtomicReference<Metadata> headers = new AtomicReference<>();
    AtomicReference<Metadata> trailers = new AtomicReference<>();
    Interceptor capture =
        new Interceptor() {
          @Override
          public <Req, Resp> CallObserver<Req, Resp> interceptCall(
              CallInfo<Req, Resp> call, Metadata requestHeaders) {
            return new CallObserver<>() {
              @Override
              public void onResponseHeaders(Metadata responseHeaders) {
                headers.set(responseHeaders);
              }

              @Override
              public void onClose(Status status, Metadata responseTrailers) {
                trailers.set(responseTrailers);
              }
            };
          }
        };
    byte[] binary = {0, 1, 2, (byte) 0xff};
    try (Channel channel = channel(protocol, http1, capture)) {
      Metadata request = new Metadata().add("x-echo", "hello").addBinary("x-echo-bin", binary);
      StringValue response =
          channel.unaryCall(
              TestService.HEADERS,
              StringValue.of(""),
              CallOptions.DEFAULT.withMetadata(request).withTimeout(Duration.ofSeconds(10)));
      assertThat(response.getValue()).endsWith(" deadline");
    }
    assertThat(headers.get().get("x-echo")).isEqualTo("hello");
    assertThat(trailers.get().getBinary("x-echo-bin")).isEqualTo(binary);
  }

  @ParameterizedTest(name = "{0}, HTTP/1.1: {1}")
  @MethodSource("protocols")
  void aDeadlineEndsABlockedCall(Channel.Protocol protocol, boolean http1) {
    try (Channel channel = channel(protocol, http1)) {
      assertThatThrownBy(
              () ->
                  channel.unaryCall(
                      TestService.BLOCK,
                      StringValue.of(""),
                      CallOptions.DEFAULT.withTimeout(Duration.ofMillis(300))))
          .isInstanceOfSatisfying(
              StatusException.class,
              e -> assertThat(e.status().code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    }
  }

  @ParameterizedTest(name = "{0}, HTTP/1.1: {1}")
  @MethodSource("protocols")
  void gzipCompressedRequestsAndStreamsRoundTrip(Channel.Protocol protocol, boolean http1) {
    String large = "compress me ".repeat(10_000);
    CallOptions gzip = CallOptions.DEFAULT.withCompression("gzip");
    try (Channel channel = channel(protocol, http1)) {
      assertThat(channel.unaryCall(TestService.ECHO, StringValue.of(large), gzip).getValue())
          .isEqualTo(large);
      try (ClientStreamingCall<BytesValue, Int64Value> call =
          channel.clientStreamingCall(TestService.SUM_SIZES, gzip)) {
        call.send(BytesValue.of(ByteString.copyFrom(new byte[50_000])));
        assertThat(call.complete().getValue()).isEqualTo(50_000);
      }
    }
  }

  @ParameterizedTest(name = "{0}, HTTP/1.1: {1}")
  @MethodSource("protocols")
  void theServerSeesTheChosenProtocol(Channel.Protocol protocol, boolean http1) throws IOException {
    AtomicReference<String> seen = new AtomicReference<>();
    Server probe =
        Server.builder()
            .address("127.0.0.1", 0)
            .service(new TestService().definition())
            .intercept(
                Interceptor.onStart(
                    (call, headers) -> seen.set(headers.keys() + " " + call.authority())))
            .build()
            .start();
    try (Channel channel =
        http1
            ? Channel.forAddress("127.0.0.1", probe.port()).protocol(protocol).http1().build()
            : Channel.forAddress("127.0.0.1", probe.port()).protocol(protocol).build()) {
      channel.unaryCall(TestService.ECHO, StringValue.of("x"), CallOptions.DEFAULT);
    } finally {
      probe.shutdownNow();
    }
    // gRPC-Web marks itself; the Connect server strips its connect-* headers from the metadata.
    if (protocol == Channel.Protocol.GRPC_WEB) {
      assertThat(seen.get()).contains("x-grpc-web");
    } else {
      assertThat(seen.get()).doesNotContain("x-grpc-web").doesNotContain("connect-");
    }
  }

  @Test
  void http1IsRefusedForGrpcWithAnActionableMessage() {
    assertThatThrownBy(() -> Channel.forAddress("127.0.0.1", 1).http1().build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gRPC needs HTTP/2")
        .hasMessageContaining("Protocol.GRPC_WEB");
  }
}
