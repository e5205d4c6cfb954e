package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.ByteString;
import com.google.protobuf.BytesValue;
import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

  // ---- failures of interceptors ---------------------------------------------------------------

  /**
   * Throws an IllegalStateException (not a StatusException) from one callback, on calls of Echo
   * only: other calls pass, and show that the connection still serves.
   */
  static final class Throwing implements Interceptor {
    final String callback;

    Throwing(String callback) {
      this.callback = callback;
    }

    @Override
    public <Req, Resp> CallObserver<Req, Resp> interceptCall(
        CallInfo<Req, Resp> call, Metadata headers) {
      if (!call.method().equals(TestService.ECHO)) {
        return CallObserver.none();
      }
      maybeThrow("interceptCall");
      return new CallObserver<>() {
        @Override
        public Req onRequest(Req message) {
          maybeThrow("onRequest");
          return message;
        }

        @Override
        public void onResponseHeaders(Metadata responseHeaders) {
          maybeThrow("onResponseHeaders");
        }

        @Override
        public Resp onResponse(Resp message) {
          maybeThrow("onResponse");
          return message;
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
          maybeThrow("onClose");
        }
      };
    }

    private void maybeThrow(String now) {
      if (callback.equals(now)) {
        throw new IllegalStateException("interceptor bug in " + now);
      }
    }
  }

  /** Records the status each call's observer saw in onClose. */
  static final class ClosingRecorder implements Interceptor {
    final List<String> closes = new CopyOnWriteArrayList<>();

    @Override
    public <Req, Resp> CallObserver<Req, Resp> interceptCall(
        CallInfo<Req, Resp> call, Metadata headers) {
      return new CallObserver<>() {
        @Override
        public void onClose(Status status, Metadata trailers) {
          closes.add(status.code().name());
        }
      };
    }
  }

  private static final CallOptions BOUNDED =
      CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10));

  private static void assertInternalNaming(Throwable thrown, String callback) {
    assertThat(thrown)
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              // Not DEADLINE_EXCEEDED: nobody was left waiting.
              assertThat(e.status().code()).isEqualTo(Status.Code.INTERNAL);
              assertThat(e.status().description())
                  .contains(Throwing.class.getName())
                  .contains(callback)
                  .doesNotContain("interceptor bug");
            });
  }

  private static final BytesValue SOME_BYTES = BytesValue.of(ByteString.copyFromUtf8("bytes"));

  @ParameterizedTest
  @ValueSource(strings = {"interceptCall", "onRequest", "onResponseHeaders", "onResponse"})
  void aThrowingClientInterceptorEndsTheCallWithInternalAndTheChannelKeepsWorking(String callback) {
    ClosingRecorder recorder = new ClosingRecorder();
    Channel channel = channelWith(List.of(), List.of(recorder, new Throwing(callback)));
    for (int i = 0; i < 2; i++) {
      assertInternalNaming(
          catchThrowable(() -> channel.unaryCall(TestService.ECHO, text("x"), BOUNDED)), callback);
    }
    assertThat(channel.unaryCall(TestService.ECHO_BYTES, SOME_BYTES, BOUNDED))
        .isEqualTo(SOME_BYTES);
    // Observers added before the failing one saw the end of every call.
    assertThat(recorder.closes).containsExactly("INTERNAL", "INTERNAL", "OK");
  }

  @ParameterizedTest
  @ValueSource(strings = {"interceptCall", "onRequest", "onResponseHeaders", "onResponse"})
  void aThrowingServerInterceptorEndsTheCallWithInternalAndTheConnectionKeepsServing(
      String callback) {
    ClosingRecorder recorder = new ClosingRecorder();
    Channel channel = channelWith(List.of(recorder, new Throwing(callback)), List.of());
    for (int i = 0; i < 2; i++) {
      assertInternalNaming(
          catchThrowable(() -> channel.unaryCall(TestService.ECHO, text("x"), BOUNDED)), callback);
    }
    // The same connection goes on serving calls the throwing interceptor lets through.
    assertThat(channel.unaryCall(TestService.ECHO_BYTES, SOME_BYTES, BOUNDED))
        .isEqualTo(SOME_BYTES);
    assertThat(recorder.closes).containsExactly("INTERNAL", "INTERNAL", "OK");
  }

  @Test
  void aThrowingClientOnCloseLeavesTheOutcomeAndTheOtherObserversTheirs() {
    ClosingRecorder recorder = new ClosingRecorder();
    // The last added sees the end first: it throws, and the first still sees the end.
    Channel channel = channelWith(List.of(), List.of(recorder, new Throwing("onClose")));
    assertThat(channel.unaryCall(TestService.ECHO, text("kept"), BOUNDED)).isEqualTo(text("kept"));
    assertThatThrownBy(() -> channel.unaryCall(TestService.FAIL, text("failed"), BOUNDED))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    assertThat(recorder.closes).containsExactly("OK", "INVALID_ARGUMENT");
  }

  @Test
  void aThrowingServerOnCloseLeavesTheOutcomeAndTheOtherObserversTheirs() throws Exception {
    ClosingRecorder recorder = new ClosingRecorder();
    Channel channel = channelWith(List.of(recorder, new Throwing("onClose")), List.of());
    assertThat(channel.unaryCall(TestService.ECHO, text("kept"), BOUNDED)).isEqualTo(text("kept"));
    assertThatThrownBy(() -> channel.unaryCall(TestService.FAIL, text("failed"), BOUNDED))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    assertThat(recorder.closes).containsExactly("OK", "INVALID_ARGUMENT");
  }

  // ---- interrupted client threads -------------------------------------------------------------

  /** A deadline well past the waits of these tests: only the interrupt can end their calls. */
  private static final CallOptions PATIENT =
      CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(40));

  /**
   * Runs {@code blocking} on a new thread, interrupts it once the server handler has started, and
   * returns what the thread saw: the status it threw and whether its interrupt flag was still set.
   */
  private String interruptWhileBlocked(ThrowingRunnable blocking) throws Exception {
    CompletableFuture<String> seen = new CompletableFuture<>();
    Thread thread =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    blocking.run();
                    seen.complete("returned");
                  } catch (StatusException e) {
                    seen.complete(e.status().code() + " interrupted=" + Thread.interrupted());
                  } catch (Throwable e) {
                    seen.complete("threw " + e);
                  }
                });
    assertThat(service.blockStarted.await(10, TimeUnit.SECONDS)).isTrue();
    thread.interrupt();
    return seen.get(10, TimeUnit.SECONDS);
  }

  /** A piece of client code that blocks. */
  interface ThrowingRunnable {
    void run() throws Exception;
  }

  private void assertTheServerSawTheCancellation() throws InterruptedException {
    assertThat(service.blockEnded.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(service.blockOutcome.get()).startsWith("cancel listener ran");
  }

  @Test
  void anInterruptedBlockingUnaryCallCancelsTheRpcAndKeepsTheInterruptFlag() throws Exception {
    Channel channel = channel();
    String seen =
        interruptWhileBlocked(() -> channel.unaryCall(TestService.BLOCK, text("x"), PATIENT));
    assertThat(seen).isEqualTo("CANCELLED interrupted=true");
    assertTheServerSawTheCancellation();
  }

  @Test
  void anInterruptedReceiveCancelsTheRpcAndKeepsTheInterruptFlag() throws Exception {
    Channel channel = channel();
    try (ResponseStream<StringValue> call =
        channel.serverStreamingCall(TestService.WAIT_SERVER_STREAM, text("x"), PATIENT)) {
      assertThat(interruptWhileBlocked(call::receive)).isEqualTo("CANCELLED interrupted=true");
      assertTheServerSawTheCancellation(); // before close() would cancel it anyway
    }
  }

  @Test
  void anInterruptedResponseHeadersWaitCancelsTheRpcAndKeepsTheInterruptFlag() throws Exception {
    Channel channel = channel();
    try (ResponseStream<StringValue> call =
        channel.serverStreamingCall(TestService.WAIT_SERVER_STREAM, text("x"), PATIENT)) {
      assertThat(interruptWhileBlocked(call::responseHeaders))
          .isEqualTo("CANCELLED interrupted=true");
      assertTheServerSawTheCancellation(); // before close() would cancel it anyway
    }
  }

  @Test
  void anInterruptedCompleteCancelsTheRpcAndKeepsTheInterruptFlag() throws Exception {
    Channel channel = channel();
    try (ClientStreamingCall<BytesValue, StringValue> call =
        channel.clientStreamingCall(TestService.WAIT_CLIENT_STREAM, PATIENT)) {
      assertThat(interruptWhileBlocked(call::complete)).isEqualTo("CANCELLED interrupted=true");
      assertTheServerSawTheCancellation(); // before close() would cancel it anyway
    }
  }

  @Test
  void anInterruptedSendCancelsTheRpcAndKeepsTheInterruptFlag() throws Exception {
    Channel channel = channel();
    // The handler never reads: once the windows and buffers are full, send blocks.
    BytesValue chunk = BytesValue.of(ByteString.copyFrom(new byte[64 * 1024]));
    try (BidiStreamingCall<BytesValue, StringValue> call =
        channel.bidiStreamingCall(TestService.WAIT_BIDI, PATIENT)) {
      String seen =
          interruptWhileBlocked(
              () -> {
                for (int i = 0; i < 1000; i++) {
                  call.send(chunk);
                }
              });
      assertThat(seen).isEqualTo("CANCELLED interrupted=true");
      assertTheServerSawTheCancellation(); // before close() would cancel it anyway
    }
  }

  // ---- other defects --------------------------------------------------------------------------

  @Test
  void aCallStartedAsItsChannelShutsDownEndsWithUnavailableAndItsObserversSeeTheEnd() {
    ClosingRecorder recorder = new ClosingRecorder();
    AtomicReference<Channel> self = new AtomicReference<>();
    // Shuts the channel down between the channel's own check and the transport's.
    Interceptor shutdownInTheMiddle =
        new Interceptor() {
          @Override
          public <Req, Resp> CallObserver<Req, Resp> interceptCall(
              CallInfo<Req, Resp> call, Metadata headers) {
            self.get().shutdownNow();
            return CallObserver.none();
          }
        };
    Channel channel = channelWith(List.of(), List.of(recorder, shutdownInTheMiddle));
    self.set(channel);
    assertThatThrownBy(() -> channel.unaryCall(TestService.ECHO, text("x"), BOUNDED))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE));
    assertThat(recorder.closes).containsExactly("UNAVAILABLE");
  }

  @Test
  void headersAHandlerSetBeforeFailingReachTheClientInTheTrailersOnlyResponse() {
    assertThatThrownBy(
            () -> channel().unaryCall(TestService.FAIL_AFTER_HEADERS, text("early"), BOUNDED))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.FAILED_PRECONDITION);
              assertThat(e.trailers().get("x-early")).isEqualTo("early");
            });
  }

  // ---- no user work on transport threads ------------------------------------------------------

  private static boolean onATransportThread() {
    String name = Thread.currentThread().getName();
    return name.startsWith("trunk-client") || name.startsWith("trunk-inprocess");
  }

  /** The string codec, recording the thread of every decode. */
  static final class RecordingCodec implements Codec<StringValue> {
    final List<Thread> decodedOn = new CopyOnWriteArrayList<>();

    @Override
    public int encodedSize(StringValue message) {
      return TestService.STRING.encodedSize(message);
    }

    @Override
    public void encode(StringValue message, java.nio.ByteBuffer target) throws java.io.IOException {
      TestService.STRING.encode(message, target);
    }

    @Override
    public StringValue decode(java.nio.ByteBuffer source) throws java.io.IOException {
      decodedOn.add(Thread.currentThread());
      return TestService.STRING.decode(source);
    }
  }

  /** Records the thread of every client observer callback. */
  static final class ThreadRecorder implements Interceptor {
    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public <Req, Resp> CallObserver<Req, Resp> interceptCall(
        CallInfo<Req, Resp> call, Metadata headers) {
      return new CallObserver<>() {
        @Override
        public void onResponseHeaders(Metadata responseHeaders) {
          record("headers");
        }

        @Override
        public Resp onResponse(Resp message) {
          record("response");
          return message;
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
          record("close");
        }
      };
    }

    private void record(String event) {
      events.add(event + (onATransportThread() ? " on a transport thread" : ""));
    }
  }

  @Test
  void theBlockingCallerDecodesTheResponseAndRunsTheObserversItself() {
    ThreadRecorder observers = new ThreadRecorder();
    RecordingCodec codec = new RecordingCodec();
    MethodDescriptor<StringValue, StringValue> echo =
        MethodDescriptor.of(TestService.NAME, "Echo", MethodDescriptor.Type.UNARY, codec, codec);
    Channel channel = channelWith(List.of(), List.of(observers));
    assertThat(channel.unaryCall(echo, text("x"), BOUNDED)).isEqualTo(text("x"));
    assertThat(codec.decodedOn).containsExactly(Thread.currentThread());
    assertThat(observers.events).containsExactly("headers", "response", "close");
  }

  @Test
  void aStreamingReceiverDecodesAndRunsTheObserversOnItsOwnThread() {
    ThreadRecorder observers = new ThreadRecorder();
    RecordingCodec codec = new RecordingCodec();
    MethodDescriptor<StringValue, StringValue> chat =
        MethodDescriptor.of(
            TestService.NAME, "Chat", MethodDescriptor.Type.BIDI_STREAMING, codec, codec);
    Channel channel = channelWith(List.of(), List.of(observers));
    try (BidiStreamingCall<StringValue, StringValue> call =
        channel.bidiStreamingCall(chat, BOUNDED)) {
      call.send(text("a"));
      assertThat(call.receive()).isEqualTo(text("re: a"));
      call.closeSend();
      assertThat(call.receive()).isNull();
    }
    assertThat(codec.decodedOn).containsExactly(Thread.currentThread());
    assertThat(observers.events).containsExactly("headers", "response", "close");
  }

  /** Holds every request on the server until {@link #open} is counted down. */
  static final class Gate implements Interceptor {
    final CountDownLatch open = new CountDownLatch(1);

    @Override
    public <Req, Resp> CallObserver<Req, Resp> interceptCall(
        CallInfo<Req, Resp> call, Metadata headers) {
      return new CallObserver<>() {
        @Override
        public Req onRequest(Req message) {
          try {
            open.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return message;
        }
      };
    }
  }

  @Test
  void anAsyncResultCompletesOffTheTransportThreads() throws Exception {
    ThreadRecorder observers = new ThreadRecorder();
    Gate gate = new Gate();
    Channel channel = channelWith(List.of(gate), List.of(observers));
    CompletableFuture<StringValue> call =
        channel.unaryCallAsync(TestService.ECHO, text("x"), BOUNDED);
    // Attached before the response can arrive, so it runs where the future completes.
    CompletableFuture<String> thread =
        call.thenApply(
            reply -> onATransportThread() ? "transport" : Thread.currentThread().getName());
    gate.open.countDown();
    assertThat(thread.get(10, TimeUnit.SECONDS)).startsWith("trunk-callback");
    assertThat(observers.events).containsExactly("headers", "response", "close");
  }

  // ---- codecs and content-subtypes ------------------------------------------------------------

  /** The string codec under another name: what a JSON codec would look like on the wire. */
  static final Codec<StringValue> NAMED_JSON =
      new Codec<>() {
        @Override
        public int encodedSize(StringValue message) {
          return TestService.STRING.encodedSize(message);
        }

        @Override
        public void encode(StringValue message, java.nio.ByteBuffer target)
            throws java.io.IOException {
          TestService.STRING.encode(message, target);
        }

        @Override
        public StringValue decode(java.nio.ByteBuffer source) throws java.io.IOException {
          return TestService.STRING.decode(source);
        }

        @Override
        public String name() {
          return "json";
        }
      };

  @Test
  void aCodecNamedOtherThanProtoIsServedOnlyByAMethodWithThatCodec() {
    MethodDescriptor<StringValue, StringValue> jsonEcho =
        MethodDescriptor.of(
            TestService.NAME, "JsonEcho", MethodDescriptor.Type.UNARY, NAMED_JSON, NAMED_JSON);
    MethodDescriptor<StringValue, StringValue> echoAsJson =
        MethodDescriptor.of(
            TestService.NAME, "Echo", MethodDescriptor.Type.UNARY, NAMED_JSON, NAMED_JSON);
    ServiceDefinition served =
        ServiceDefinition.builder(TestService.NAME)
            .unary(TestService.ECHO, request -> request)
            .unary(jsonEcho, request -> request)
            .build();
    try (Fixture json = start(served, List.of(), List.of(), 4 << 20)) {
      assertThat(json.channel().unaryCall(jsonEcho, text("j"), BOUNDED)).isEqualTo(text("j"));
      // Echo's codec is proto: application/grpc+json is refused (HTTP 415 over the network).
      assertThatThrownBy(() -> json.channel().unaryCall(echoAsJson, text("j"), BOUNDED))
          .isInstanceOfSatisfying(
              StatusException.class,
              e -> {
                assertThat(e.status().code()).isEqualTo(Status.Code.UNIMPLEMENTED);
                assertThat(e.status().description()).contains("application/grpc+json");
              });
      assertThat(json.channel().unaryCall(TestService.ECHO, text("p"), BOUNDED))
          .isEqualTo(text("p"));
    }
  }
}
