package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.StringValue;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One interceptor type, installed twice on each side, for all four call kinds: metadata both ways,
 * every message and the final status observed in the documented order, and a status thrown from
 * {@code interceptCall} ending the call before the handler runs (server) or before anything is sent
 * (client).
 */
class InterceptorTest {
  private static final String SERVICE = "trunk.test.Intercepted";
  private static final Codec<StringValue> STRING = TestService.STRING;

  private static MethodDescriptor<StringValue, StringValue> method(MethodDescriptor.Type type) {
    return MethodDescriptor.of(SERVICE, type.name(), type, STRING, STRING);
  }

  /**
   * Records what it sees as "name event detail" in a shared list. On the client it adds request
   * header x-from-NAME; on the server it adds response header x-header-NAME and trailer
   * x-trailer-NAME. With {@code refusal} set, it ends every call with that status instead.
   */
  private static final class Recorder implements Interceptor {
    final String name;
    final List<String> events;
    final @Nullable Status refusal;

    Recorder(String name, List<String> events, @Nullable Status refusal) {
      this.name = name;
      this.events = events;
      this.refusal = refusal;
    }

    private void record(String event) {
      events.add(name + " " + event);
    }

    @Override
    public <Req, Resp> CallObserver<Req, Resp> interceptCall(
        CallInfo<Req, Resp> call, Metadata headers) {
      record("start " + call.method().methodName() + " from-a=" + headers.get("x-from-a"));
      if (refusal != null) {
        throw refusal.asException();
      }
      if (!call.isServer()) {
        headers.add("x-from-" + name, name + "-value");
      }
      return new CallObserver<>() {
        @Override
        public Req onRequest(Req message) {
          record("request " + ((StringValue) message).getValue());
          return message;
        }

        @Override
        public void onResponseHeaders(Metadata responseHeaders) {
          if (call.isServer()) {
            responseHeaders.add("x-header-" + name, "h");
          }
          record("headers " + responseHeaders.keys());
        }

        @Override
        public Resp onResponse(Resp message) {
          record("response " + ((StringValue) message).getValue());
          return message;
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
          if (call.isServer()) {
            trailers.add("x-trailer-" + name, "t");
          }
          record("close " + status.code() + " " + trailers.keys());
        }
      };
    }
  }

  private final List<String> clientEvents = new CopyOnWriteArrayList<>();
  private final List<String> serverEvents = new CopyOnWriteArrayList<>();
  private final AtomicInteger handlerRuns = new AtomicInteger();
  private Server server;
  private Channel channel;

  /** Each handler answers with the x-from-a and x-from-b request headers it saw. */
  private ServiceDefinition service() {
    ServiceDefinition.Builder builder = ServiceDefinition.builder(SERVICE);
    builder.unary(
        method(MethodDescriptor.Type.UNARY),
        request -> {
          handlerRuns.incrementAndGet();
          return reply(request.getValue());
        });
    builder.serverStreaming(
        method(MethodDescriptor.Type.SERVER_STREAMING),
        (request, responses) -> {
          handlerRuns.incrementAndGet();
          responses.send(reply(request.getValue() + "1"));
          responses.send(reply(request.getValue() + "2"));
        });
    builder.clientStreaming(
        method(MethodDescriptor.Type.CLIENT_STREAMING),
        requests -> {
          handlerRuns.incrementAndGet();
          StringBuilder all = new StringBuilder();
          for (StringValue request : requests) {
            all.append(request.getValue());
          }
          return reply(all.toString());
        });
    builder.bidiStreaming(
        method(MethodDescriptor.Type.BIDI_STREAMING),
        (requests, responses) -> {
          handlerRuns.incrementAndGet();
          for (StringValue request : requests) {
            responses.send(reply(request.getValue()));
          }
        });
    return builder.build();
  }

  private static StringValue reply(String text) {
    Metadata headers = CallContext.current().requestHeaders();
    return StringValue.of(text + ":" + headers.get("x-from-a") + "," + headers.get("x-from-b"));
  }

  private void start(@Nullable Status serverRefusal, @Nullable Status clientRefusal)
      throws Exception {
    server =
        Server.builder()
            .address("127.0.0.1", 0)
            .service(service())
            .intercept(new Recorder("a", serverEvents, serverRefusal))
            .intercept(new Recorder("b", serverEvents, null))
            .build()
            .start();
    channel =
        Channel.forAddress("127.0.0.1", server.port())
            .intercept(new Recorder("a", clientEvents, clientRefusal))
            .intercept(new Recorder("b", clientEvents, null))
            .build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  /** Waits until {@code events} has an entry matching {@code entry} (onClose may come late). */
  private static void awaitEvent(List<String> events, Predicate<String> entry) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (events.stream().noneMatch(entry) && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(events).anyMatch(entry);
  }

  /** Makes one call of {@code type} sending "m" (twice for client streams); returns responses. */
  private List<String> call(MethodDescriptor.Type type) {
    MethodDescriptor<StringValue, StringValue> method = method(type);
    StringValue m = StringValue.of("m");
    List<String> responses = new CopyOnWriteArrayList<>();
    switch (type) {
      case UNARY -> responses.add(channel.unaryCall(method, m, CallOptions.DEFAULT).getValue());
      case SERVER_STREAMING -> {
        try (ResponseStream<StringValue> stream =
            channel.serverStreamingCall(method, m, CallOptions.DEFAULT)) {
          stream.forEach(value -> responses.add(value.getValue()));
          assertThat(stream.responseHeaders().get("x-header-b")).isEqualTo("h");
          assertThat(stream.trailers().get("x-trailer-a")).isEqualTo("t");
        }
      }
      case CLIENT_STREAMING -> {
        try (ClientStreamingCall<StringValue, StringValue> stream =
            channel.clientStreamingCall(method, CallOptions.DEFAULT)) {
          stream.send(m);
          stream.send(m);
          responses.add(stream.complete().getValue());
          assertThat(stream.responseHeaders().get("x-header-a")).isEqualTo("h");
          assertThat(stream.trailers().get("x-trailer-b")).isEqualTo("t");
        }
      }
      case BIDI_STREAMING -> {
        try (BidiStreamingCall<StringValue, StringValue> stream =
            channel.bidiStreamingCall(method, CallOptions.DEFAULT)) {
          stream.send(m);
          responses.add(stream.receive().getValue());
          stream.send(m);
          responses.add(stream.receive().getValue());
          stream.closeSend();
          assertThat(stream.receive()).isNull();
          assertThat(stream.responseHeaders().get("x-header-a")).isEqualTo("h");
          assertThat(stream.trailers().get("x-trailer-a")).isEqualTo("t");
        }
      }
    }
    return responses;
  }

  @ParameterizedTest
  @EnumSource(MethodDescriptor.Type.class)
  void interceptorsOnBothSidesSeeMetadataMessagesAndStatusInOrder(MethodDescriptor.Type type)
      throws Exception {
    start(null, null);
    List<String> responses = call(type);

    // The server handler saw the headers both client interceptors added.
    String seen = ":a-value,b-value";
    switch (type) {
      case UNARY -> assertThat(responses).containsExactly("m" + seen);
      case SERVER_STREAMING -> assertThat(responses).containsExactly("m1" + seen, "m2" + seen);
      case CLIENT_STREAMING -> assertThat(responses).containsExactly("mm" + seen);
      case BIDI_STREAMING -> assertThat(responses).containsExactly("m" + seen, "m" + seen);
    }
    String firstResponse = responses.get(0);
    awaitEvent(clientEvents, e -> e.startsWith("a close"));

    // Client: interceptCall in order added; requests first to last; responses last to first.
    assertThat(clientEvents)
        // b sees the header a added: the first added sees (and shapes) the request first.
        .containsSubsequence(
            "a start " + type + " from-a=null", "b start " + type + " from-a=a-value")
        .containsSubsequence("a request m", "b request m")
        .containsSubsequence("b response " + firstResponse, "a response " + firstResponse)
        .contains("b close OK [x-trailer-b, x-trailer-a]", "a close OK [x-trailer-b, x-trailer-a]")
        .anyMatch(e -> e.startsWith("b headers") && e.contains("x-header-b"));
    assertThat(clientEvents.indexOf("b close OK [x-trailer-b, x-trailer-a]"))
        .isLessThan(clientEvents.indexOf("a close OK [x-trailer-b, x-trailer-a]"));
    long requests = type.clientSendsOne() ? 1 : 2;
    assertThat(clientEvents.stream().filter("a request m"::equals).count()).isEqualTo(requests);
    long responseCount = type.serverSendsOne() ? 1 : 2;
    assertThat(clientEvents.stream().filter(e -> e.startsWith("a response")).count())
        .isEqualTo(responseCount);

    // Server: the same order; it saw the client's header, and its observers added metadata.
    assertThat(serverEvents)
        .containsSubsequence(
            "a start " + type + " from-a=a-value",
            "b start " + type + " from-a=a-value",
            "a request m",
            "b request m",
            "b response " + firstResponse,
            "a response " + firstResponse,
            "b close OK [x-trailer-b]",
            "a close OK [x-trailer-b, x-trailer-a]")
        .contains("b headers [x-header-b]", "a headers [x-header-b, x-header-a]");
    assertThat(serverEvents.stream().filter("b request m"::equals).count()).isEqualTo(requests);

    assertThat(handlerRuns.get()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(MethodDescriptor.Type.class)
  void aServerInterceptorThrowingAStatusEndsTheCallBeforeTheHandlerRuns(MethodDescriptor.Type type)
      throws Exception {
    start(Status.PERMISSION_DENIED.withDescription("not you"), null);
    assertThatThrownBy(() -> call(type))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.PERMISSION_DENIED);
              assertThat(e.status().description()).isEqualTo("not you");
            });
    awaitEvent(clientEvents, e -> e.startsWith("a close"));
    assertThat(clientEvents).contains("a close PERMISSION_DENIED []");
    assertThat(handlerRuns.get()).isZero();
    // The refusing interceptor was the first; the second never saw the call.
    assertThat(serverEvents).containsExactly("a start " + type + " from-a=a-value");
  }

  @ParameterizedTest
  @EnumSource(MethodDescriptor.Type.class)
  void aClientInterceptorThrowingAStatusEndsTheCallBeforeAnythingIsSent(MethodDescriptor.Type type)
      throws Exception {
    start(null, Status.UNAUTHENTICATED.withDescription("no credentials"));
    assertThatThrownBy(() -> call(type))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.UNAUTHENTICATED);
              assertThat(e.status().description()).isEqualTo("no credentials");
            });
    assertThat(clientEvents).containsExactly("a start " + type + " from-a=null");
    // Nothing reached the server: its interceptors would have seen any call that did.
    Thread.sleep(100);
    assertThat(serverEvents).isEmpty();
    assertThat(handlerRuns.get()).isZero();
  }

  /**
   * Server observers see events in wire order for every call kind: response headers, then the
   * response, then the close (calls with one response once got the headers last).
   */
  @ParameterizedTest
  @EnumSource(
      value = MethodDescriptor.Type.class,
      names = {"UNARY", "CLIENT_STREAMING"})
  void serverObserversSeeResponseHeadersBeforeTheResponseAndTheEnd(MethodDescriptor.Type type)
      throws Exception {
    start(null, null);
    call(type);
    awaitEvent(serverEvents, e -> e.startsWith("a close"));
    int headers = serverEvents.indexOf("a headers [x-header-b, x-header-a]");
    assertThat(headers).as("%s", serverEvents).isNotNegative();
    assertThat(headers)
        .as("%s", serverEvents)
        .isLessThan(serverEvents.indexOf("a close OK [x-trailer-b, x-trailer-a]"));
  }

  /** An observer that throws DATA_LOSS from onResponse (or from onRequest with "requests"). */
  private static Interceptor throwingFrom(String event) {
    return new Interceptor() {
      @Override
      public <Req, Resp> CallObserver<Req, Resp> interceptCall(
          CallInfo<Req, Resp> call, Metadata headers) {
        return new CallObserver<>() {
          @Override
          public Req onRequest(Req message) {
            if (event.equals("requests")) {
              throw Status.DATA_LOSS.withDescription("request rejected").asException();
            }
            return message;
          }

          @Override
          public Resp onResponse(Resp message) {
            if (event.equals("responses")) {
              throw Status.DATA_LOSS.withDescription("response rejected").asException();
            }
            return message;
          }
        };
      }
    };
  }

  /**
   * CallObserver promises that a StatusException thrown from onResponse ends the call with that
   * status; for a call with one response it was once reported as INTERNAL "cannot decode".
   */
  @Test
  void aClientObserverThrowingFromOnResponseEndsAUnaryCallWithItsStatus() throws Exception {
    start(null, null);
    try (Channel strict =
        Channel.forAddress("127.0.0.1", server.port())
            .intercept(throwingFrom("responses"))
            .build()) {
      assertThatThrownBy(
              () ->
                  strict.unaryCall(
                      method(MethodDescriptor.Type.UNARY),
                      StringValue.of("x"),
                      CallOptions.DEFAULT))
          .isInstanceOfSatisfying(
              StatusException.class,
              e -> assertThat(e.status().code()).isEqualTo(Status.Code.DATA_LOSS));
    }
  }

  /**
   * A StatusException thrown from a client observer's onResponse (streaming) or onRequest ends the
   * whole call: later receives fail at once with that status and the server's call is cancelled.
   */
  @ParameterizedTest
  @ValueSource(strings = {"responses", "requests"})
  void aClientObserverThrowingFromAStreamingCallEndsTheCall(String event) throws Exception {
    start(null, null);
    try (Channel strict =
            Channel.forAddress("127.0.0.1", server.port()).intercept(throwingFrom(event)).build();
        BidiStreamingCall<StringValue, StringValue> call =
            strict.bidiStreamingCall(
                method(MethodDescriptor.Type.BIDI_STREAMING),
                CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(2)))) {
      assertThatThrownBy(
              () -> {
                call.send(StringValue.of("x"));
                call.receive();
              })
          .isInstanceOfSatisfying(
              StatusException.class,
              e -> assertThat(e.status().code()).isEqualTo(Status.Code.DATA_LOSS));
      // The call is over: everything after fails at once with the same status (not after the
      // deadline with DEADLINE_EXCEEDED).
      assertThatThrownBy(call::receive)
          .isInstanceOfSatisfying(
              StatusException.class,
              e -> assertThat(e.status().code()).isEqualTo(Status.Code.DATA_LOSS));
      if (event.equals("responses")) {
        awaitEvent(serverEvents, e -> e.startsWith("a close"));
        assertThat(serverEvents).anyMatch(e -> e.startsWith("a close CANCELLED"));
      }
    }
    // A call the client resets in the packets that opened it may never reach the server's
    // interceptors (its handler is not started: rapid-reset protection). Either way the server is
    // left with no call: it stops at once instead of waiting out the 30-second grace period.
    server.shutdown();
    assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
    assertThat(serverEvents).noneMatch(e -> e.startsWith("a close OK"));
  }
}
