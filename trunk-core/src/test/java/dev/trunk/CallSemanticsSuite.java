package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.BytesValue;
import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every transport must show: each call kind, status and metadata propagation,
 * deadlines, cancellation both ways, compression, limits and interceptors.
 */
abstract class CallSemanticsSuite {
  /** A running server and a channel to it. */
  interface Fixture extends AutoCloseable {
    Channel channel();

    @Override
    void close();
  }

  /** Starts {@code service} with these interceptors and the given limit on request size. */
  abstract Fixture start(
      ServiceDefinition service,
      List<Interceptor> serverInterceptors,
      List<Interceptor> clientInterceptors,
      int maxRequestBytes);

  final TestService service = new TestService();
  private Fixture fixture;

  Channel channel() {
    if (fixture == null) {
      fixture = start(service.definition(), List.of(), List.of(), 4 << 20);
    }
    return fixture.channel();
  }

  Channel channelWith(List<Interceptor> server, List<Interceptor> client) {
    fixture = start(service.definition(), server, client, 4 << 20);
    return fixture.channel();
  }

  @AfterEach
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  static StringValue text(String value) {
    return StringValue.of(value);
  }

  @Test
  void unaryCallReturnsTheHandlersResponse() {
    StringValue reply = channel().unaryCall(TestService.ECHO, text("hello"), CallOptions.DEFAULT);
    assertThat(reply.getValue()).isEqualTo("hello");
  }

  @Test
  void asyncUnaryCallCompletesTheFuture() throws Exception {
    CompletableFuture<StringValue> reply =
        channel().unaryCallAsync(TestService.ECHO, text("later"), CallOptions.DEFAULT);
    assertThat(reply.get(10, TimeUnit.SECONDS).getValue()).isEqualTo("later");
  }

  @Test
  void serverStreamingDeliversEveryResponseInOrder() {
    List<String> received = new ArrayList<>();
    try (ResponseStream<StringValue> stream =
        channel().serverStreamingCall(TestService.COUNT, Int64Value.of(100), CallOptions.DEFAULT)) {
      for (StringValue value : stream) {
        received.add(value.getValue());
      }
      assertThat(stream.trailers().isEmpty()).isTrue();
    }
    assertThat(received).hasSize(100).startsWith("#0", "#1").endsWith("#99");
  }

  @Test
  void clientStreamingSeesEveryRequest() {
    try (ClientStreamingCall<BytesValue, Int64Value> call =
        channel().clientStreamingCall(TestService.SUM_SIZES, CallOptions.DEFAULT)) {
      for (int i = 0; i < 50; i++) {
        call.send(BytesValue.of(ByteString.copyFrom(new byte[1000])));
      }
      assertThat(call.complete().getValue()).isEqualTo(50_000);
    }
  }

  @Test
  void bidiStreamingPingPongs() {
    try (BidiStreamingCall<StringValue, StringValue> chat =
        channel().bidiStreamingCall(TestService.CHAT, CallOptions.DEFAULT)) {
      for (int i = 0; i < 20; i++) {
        chat.send(text("m" + i));
        assertThat(chat.receive()).isEqualTo(text("re: m" + i));
      }
      chat.closeSend();
      assertThat(chat.receive()).isNull();
    }
  }

  @Test
  void handlerStatusReachesTheClientWithDescriptionAndTrailers() {
    assertThatThrownBy(
            () -> channel().unaryCall(TestService.FAIL, text("bad % input ✓"), CallOptions.DEFAULT))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.status().description()).isEqualTo("bad % input ✓");
              assertThat(e.trailers().get("x-reason")).isEqualTo("asked to fail");
            });
  }

  @Test
  void unexpectedHandlerExceptionIsUnknownWithoutLeakingItsMessage() {
    assertThatThrownBy(() -> channel().unaryCall(TestService.CRASH, text("x"), CallOptions.DEFAULT))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.UNKNOWN);
              assertThat(e.getMessage()).doesNotContain("secret");
            });
  }

  @Test
  void unknownMethodIsUnimplemented() {
    assertThatThrownBy(
            () -> channel().unaryCall(TestService.UNREGISTERED, text("x"), CallOptions.DEFAULT))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.UNIMPLEMENTED));
  }

  @Test
  void metadataTravelsBothWaysIncludingBinary() {
    byte[] binary = {0, 1, 2, (byte) 0xff, 10};
    Metadata headers = new Metadata().add("x-echo", "value-1").addBinary("x-echo-bin", binary);
    Channel channel = channel();
    CallOptions options =
        CallOptions.DEFAULT.withMetadata(headers).withTimeout(Duration.ofSeconds(9));
    try (ResponseStream<StringValue> call =
        channel.serverStreamingCall(headersAsStream(), text("x"), options)) {
      assertThat(call.receive().getValue()).endsWith(" deadline");
      assertThat(call.receive()).isNull();
      assertThat(call.responseHeaders().get("x-echo")).isEqualTo("value-1");
      assertThat(call.trailers().getBinary("x-echo-bin")).containsExactly(binary);
    }
  }

  /** The Headers method seen as server-streaming, so the client can read headers and trailers. */
  private static MethodDescriptor<StringValue, StringValue> headersAsStream() {
    return MethodDescriptor.of(
        TestService.NAME,
        "Headers",
        MethodDescriptor.Type.SERVER_STREAMING,
        TestService.STRING,
        TestService.STRING);
  }

  @Test
  void deadlineFailsTheClientOnTimeAndStopsTheHandler() throws Exception {
    long start = System.nanoTime();
    assertThatThrownBy(
            () ->
                channel()
                    .unaryCall(
                        TestService.BLOCK,
                        text("x"),
                        CallOptions.DEFAULT.withTimeout(Duration.ofMillis(300))))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(service.blockEnded.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(service.blockOutcome.get()).isNotEqualTo("timed out");
  }

  @Test
  void clientCancellationReachesTheHandler() throws Exception {
    CompletableFuture<StringValue> call =
        channel().unaryCallAsync(TestService.BLOCK, text("x"), CallOptions.DEFAULT);
    assertThat(service.blockStarted.await(10, TimeUnit.SECONDS)).isTrue();
    call.cancel(true);
    assertThat(service.blockEnded.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(service.blockOutcome.get()).isNotEqualTo("timed out");
  }

  @Test
  void gzipCompressedCallsRoundTrip() {
    byte[] payload = new byte[200_000];
    BytesValue request = BytesValue.of(ByteString.copyFrom(payload));
    BytesValue reply =
        channel()
            .unaryCall(
                TestService.ECHO_BYTES, request, CallOptions.DEFAULT.withCompression("gzip"));
    assertThat(reply.getValue().size()).isEqualTo(payload.length);
  }

  @Test
  void oversizedRequestIsResourceExhaustedAndTheServerKeepsServing() {
    fixture = start(service.definition(), List.of(), List.of(), 1000);
    BytesValue big = BytesValue.of(ByteString.copyFrom(new byte[5000]));
    assertThatThrownBy(
            () -> fixture.channel().unaryCall(TestService.ECHO_BYTES, big, CallOptions.DEFAULT))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    assertThat(fixture.channel().unaryCall(TestService.ECHO, text("ok"), CallOptions.DEFAULT))
        .isEqualTo(text("ok"));
  }

  @Test
  void interceptorsSeeMetadataMessagesAndStatusOnBothSides() {
    List<String> events = new CopyOnWriteArrayList<>();
    Interceptor client =
        new Interceptor() {
          @Override
          public <Req, Resp> CallObserver<Req, Resp> interceptCall(
              CallInfo<Req, Resp> call, Metadata headers) {
            headers.add("x-echo", "from-client-interceptor");
            return new CallObserver<>() {
              @Override
              public void onResponseHeaders(Metadata responseHeaders) {
                events.add("client headers " + responseHeaders.get("x-echo"));
              }

              @Override
              public void onClose(Status status, Metadata trailers) {
                events.add("client close " + status.code());
              }
            };
          }
        };
    Interceptor server =
        new Interceptor() {
          @Override
          public <Req, Resp> CallObserver<Req, Resp> interceptCall(
              CallInfo<Req, Resp> call, Metadata headers) {
            events.add("server " + call.isServer() + " " + headers.get("x-echo"));
            return new CallObserver<>() {
              @Override
              public Req onRequest(Req message) {
                events.add("server request " + message.toString().trim());
                return message;
              }

              @Override
              public void onClose(Status status, Metadata trailers) {
                events.add("server close " + status.code());
              }
            };
          }
        };
    Channel channel = channelWith(List.of(server), List.of(client));
    try (ResponseStream<StringValue> call =
        channel.serverStreamingCall(headersAsStream(), text("hi"), CallOptions.DEFAULT)) {
      assertThat(call.receive()).isNotNull();
      assertThat(call.receive()).isNull();
    }
    assertThat(events)
        .contains(
            "server true from-client-interceptor",
            "server request value: \"hi\"",
            "server close OK",
            "client headers from-client-interceptor",
            "client close OK");
  }

  @Test
  void aServerInterceptorCanRefuseACallBeforeTheHandlerRuns() {
    Interceptor refuse =
        new Interceptor() {
          @Override
          public <Req, Resp> CallObserver<Req, Resp> interceptCall(
              CallInfo<Req, Resp> call, Metadata headers) {
            throw Status.UNAUTHENTICATED.withDescription("no token").asException();
          }
        };
    Channel channel = channelWith(List.of(refuse), List.of());
    assertThatThrownBy(() -> channel.unaryCall(TestService.BLOCK, text("x"), CallOptions.DEFAULT))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.UNAUTHENTICATED);
              assertThat(e.status().description()).isEqualTo("no token");
            });
    assertThat(service.blockStarted.getCount()).isEqualTo(1);
  }

  @Test
  void thousandConcurrentStreamsOnOneConnectionComplete() throws Exception {
    Channel channel = channel();
    List<CompletableFuture<StringValue>> calls = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      calls.add(channel.unaryCallAsync(TestService.ECHO, text("c" + i), CallOptions.DEFAULT));
    }
    for (int i = 0; i < calls.size(); i++) {
      assertThat(calls.get(i).get(30, TimeUnit.SECONDS)).isEqualTo(text("c" + i));
    }
  }
}
