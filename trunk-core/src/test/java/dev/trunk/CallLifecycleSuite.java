package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.BytesValue;
import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a call does at and after its end, on every transport: a send after the end throws (never
 * drops silently) and names why, an async call's future cancels like a {@link CompletableFuture},
 * and a streaming handler can send its headers before its first message.
 */
abstract class CallLifecycleSuite {
  /** How long a test waits for something that should happen at once. */
  private static final long WAIT_SECONDS = 10;

  static final String NAME = "trunk.test.Lifecycle";

  static final MethodDescriptor<StringValue, StringValue> HAND_OFF =
      MethodDescriptor.of(
          NAME,
          "HandOff",
          MethodDescriptor.Type.SERVER_STREAMING,
          TestService.STRING,
          TestService.STRING);
  static final MethodDescriptor<StringValue, StringValue> FINISH_THEN_SEND =
      MethodDescriptor.of(
          NAME,
          "FinishThenSend",
          MethodDescriptor.Type.SERVER_STREAMING,
          TestService.STRING,
          TestService.STRING);
  static final MethodDescriptor<StringValue, StringValue> SEND_AFTER_CANCEL =
      MethodDescriptor.of(
          NAME,
          "SendAfterCancel",
          MethodDescriptor.Type.SERVER_STREAMING,
          TestService.STRING,
          TestService.STRING);
  static final MethodDescriptor<StringValue, StringValue> RETURN_AT_ONCE =
      MethodDescriptor.of(
          NAME,
          "ReturnAtOnce",
          MethodDescriptor.Type.BIDI_STREAMING,
          TestService.STRING,
          TestService.STRING);
  static final MethodDescriptor<StringValue, StringValue> HEADERS_FIRST =
      MethodDescriptor.of(
          NAME,
          "HeadersFirst",
          MethodDescriptor.Type.SERVER_STREAMING,
          TestService.STRING,
          TestService.STRING);

  /** Starts {@code services} on this suite's transport. */
  abstract CallSemanticsSuite.Fixture start(ServiceDefinition... services);

  final TestService testService = new TestService();

  /** What the handler's other thread got from its send: the exception, or "sent". */
  final CompletableFuture<Object> lateSend = new CompletableFuture<>();

  /** Counted down by the test to let a handler's other thread send. */
  final CountDownLatch sendNow = new CountDownLatch(1);

  /** Counted down by the client once it has seen the response headers. */
  final CountDownLatch clientSawHeaders = new CountDownLatch(1);

  private CallSemanticsSuite.Fixture fixture;

  @AfterEach
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  Channel channel() {
    if (fixture == null) {
      fixture = start(testService.definition(), service());
    }
    return fixture.channel();
  }

  private ServiceDefinition service() {
    return ServiceDefinition.builder(NAME)
        .serverStreaming(
            HAND_OFF,
            (request, responses) ->
                Thread.ofVirtual().start(() -> sendWhenTold(() -> responses.send(request))))
        .serverStreaming(
            FINISH_THEN_SEND,
            (request, responses) -> {
              CallContext call = CallContext.current();
              call.finishLater();
              call.finish(Status.OK);
              sendWhenTold(() -> responses.send(request));
            })
        .serverStreaming(
            SEND_AFTER_CANCEL,
            (request, responses) -> {
              CountDownLatch cancelled = new CountDownLatch(1);
              CallContext.current().onCancel(cancelled::countDown);
              sendNow.countDown();
              await(cancelled);
              sendWhenTold(() -> responses.send(request));
            })
        .bidiStreaming(RETURN_AT_ONCE, (requests, responses) -> {})
        .serverStreaming(
            HEADERS_FIRST,
            (request, responses) -> {
              CallContext call = CallContext.current();
              call.responseHeaders().add("x-early", "yes");
              call.sendHeaders();
              boolean confirmed = await(clientSawHeaders);
              responses.send(StringValue.of(confirmed ? "after headers" : "no headers in time"));
            })
        .build();
  }

  /** Waits for the test's go, sends, and records what the send did. */
  private void sendWhenTold(Runnable send) {
    await(sendNow);
    try {
      send.run();
      lateSend.complete("sent");
    } catch (RuntimeException e) {
      lateSend.complete(e);
    }
  }

  private static boolean await(CountDownLatch latch) {
    try {
      return latch.await(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private Object lateSendOutcome() throws Exception {
    return lateSend.get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  @Test
  void aSendFromAnotherThreadAfterTheHandlerReturnedThrowsNamingTheFix() throws Exception {
    try (ResponseStream<StringValue> stream =
        channel().serverStreamingCall(HAND_OFF, StringValue.of("late"), CallOptions.DEFAULT)) {
      assertThat(stream.receive()).isNull(); // the handler returned: the call ended OK
      sendNow.countDown();
      assertThat(lateSendOutcome())
          .isInstanceOfSatisfying(
              IllegalStateException.class,
              e ->
                  assertThat(e.getMessage())
                      .contains("the handler of " + HAND_OFF.fullName() + " has returned")
                      .contains("ended the call with OK")
                      .contains("finishLater()"));
    }
  }

  @Test
  void aSendAfterFinishThrowsNamingFinish() throws Exception {
    try (ResponseStream<StringValue> stream =
        channel()
            .serverStreamingCall(FINISH_THEN_SEND, StringValue.of("late"), CallOptions.DEFAULT)) {
      assertThat(stream.receive()).isNull();
      sendNow.countDown();
      assertThat(lateSendOutcome())
          .isInstanceOfSatisfying(
              IllegalStateException.class, e -> assertThat(e.getMessage()).contains("finish(OK)"));
    }
  }

  @Test
  void aSendAfterTheClientCancelledStaysCancelled() throws Exception {
    ResponseStream<StringValue> stream =
        channel().serverStreamingCall(SEND_AFTER_CANCEL, StringValue.of("x"), CallOptions.DEFAULT);
    await(sendNow); // the handler is running
    stream.cancel();
    assertThat(lateSendOutcome())
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.CANCELLED));
  }

  @Test
  void aClientSendAfterTheServerEndedTheCallThrowsInsteadOfDropping() {
    try (BidiStreamingCall<StringValue, StringValue> call =
        channel().bidiStreamingCall(RETURN_AT_ONCE, CallOptions.DEFAULT)) {
      assertThat(call.receive()).isNull(); // the server ended the call with OK
      assertThatThrownBy(() -> call.send(StringValue.of("lost?")))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("already ended with OK")
          .hasMessageNotContaining("closeSend");
    }
  }

  @Test
  void aClientSendAfterTheDeadlineNamesTheDeadline() {
    CallOptions soon = CallOptions.DEFAULT.withTimeout(Duration.ofMillis(200));
    try (ClientStreamingCall<BytesValue, StringValue> call =
        channel().clientStreamingCall(TestService.WAIT_CLIENT_STREAM, soon)) {
      // Blocks until the deadline ends the call: the handler never sends headers.
      assertThat(call.responseHeaders().isEmpty()).isTrue();
      assertThatThrownBy(() -> call.send(BytesValue.getDefaultInstance()))
          .isInstanceOfSatisfying(
              StatusException.class,
              e -> assertThat(e.status().code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED))
          .hasMessageNotContaining("closeSend");
    }
  }

  @Test
  void aClientSendAfterCompleteNamesComplete() {
    try (ClientStreamingCall<BytesValue, Int64Value> call =
        channel().clientStreamingCall(TestService.SUM_SIZES, CallOptions.DEFAULT)) {
      call.send(BytesValue.of(ByteString.copyFrom(new byte[10])));
      assertThat(call.complete().getValue()).isEqualTo(10);
      assertThatThrownBy(() -> call.send(BytesValue.getDefaultInstance()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("complete()")
          .hasMessageNotContaining("closeSend");
    }
  }

  @Test
  void aClientSendAfterCloseSendNamesCloseSend() {
    try (BidiStreamingCall<StringValue, StringValue> chat =
        channel().bidiStreamingCall(TestService.CHAT, CallOptions.DEFAULT)) {
      chat.closeSend();
      assertThatThrownBy(() -> chat.send(StringValue.of("more")))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("after closeSend()");
      assertThat(chat.receive()).isNull();
    }
  }

  @Test
  void cancellingAnAsyncCallsFutureCancelsItAndTheCall() throws Exception {
    CompletableFuture<StringValue> reply =
        channel().unaryCallAsync(TestService.BLOCK, StringValue.of("x"), CallOptions.DEFAULT);
    assertThat(testService.blockStarted.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

    assertThat(reply.cancel(true)).isTrue();

    assertThat(reply.isCancelled()).isTrue();
    assertThat(reply.isCompletedExceptionally()).isTrue();
    assertThatThrownBy(reply::get).isInstanceOf(CancellationException.class);
    assertThat(testService.blockEnded.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(testService.blockOutcome.get()).isEqualTo("cancel listener ran");
  }

  @Test
  void timingOutAnAsyncCallsFutureCancelsTheCall() throws Exception {
    CompletableFuture<StringValue> reply =
        channel()
            .unaryCallAsync(TestService.BLOCK, StringValue.of("x"), CallOptions.DEFAULT)
            .orTimeout(100, TimeUnit.MILLISECONDS);
    assertThatThrownBy(reply::get).hasCauseInstanceOf(TimeoutException.class);
    assertThat(testService.blockEnded.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(testService.blockOutcome.get()).isEqualTo("cancel listener ran");
  }

  @Test
  void completingAnAsyncCallsFutureByHandCancelsTheCall() throws Exception {
    CompletableFuture<StringValue> reply =
        channel().unaryCallAsync(TestService.BLOCK, StringValue.of("x"), CallOptions.DEFAULT);
    assertThat(testService.blockStarted.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

    assertThat(reply.complete(StringValue.of("cached"))).isTrue();

    assertThat(reply.get()).isEqualTo(StringValue.of("cached"));
    assertThat(testService.blockEnded.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(testService.blockOutcome.get()).isEqualTo("cancel listener ran");
  }

  @Test
  void cancellingAFutureDerivedFromAnAsyncCallDoesNotReachTheCall() throws Exception {
    CompletableFuture<StringValue> reply =
        channel().unaryCallAsync(TestService.ECHO, StringValue.of("x"), CallOptions.DEFAULT);
    CompletableFuture<String> derived = reply.thenApply(StringValue::getValue);
    derived.cancel(true);
    assertThat(reply.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(StringValue.of("x"));
  }

  @Test
  void aStreamingHandlerCanSendItsHeadersBeforeItsFirstMessage() {
    try (ResponseStream<StringValue> stream =
        channel().serverStreamingCall(HEADERS_FIRST, StringValue.of("x"), CallOptions.DEFAULT)) {
      assertThat(stream.responseHeaders().get("x-early")).isEqualTo("yes");
      clientSawHeaders.countDown();
      assertThat(stream.receive()).isEqualTo(StringValue.of("after headers"));
      assertThat(stream.receive()).isNull();
    }
  }
}
