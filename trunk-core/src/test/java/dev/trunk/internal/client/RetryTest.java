package dev.trunk.internal.client;

import static dev.trunk.internal.client.RetryFixture.retry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.BytesValue;
import com.google.protobuf.StringValue;
import dev.trunk.CallOptions;
import dev.trunk.Channel;
import dev.trunk.ClientStreamingCall;
import dev.trunk.ResponseStream;
import dev.trunk.Status;
import dev.trunk.StatusException;
import dev.trunk.internal.client.config.RetryThrottling;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Retries by a service config's retryPolicy (gRFC A6) against a real server: attempts numbered in
 * grpc-previous-rpc-attempts, retryable codes only, maxAttempts, server pushback, replay of a
 * client stream, commit on response headers and on a full buffer, and the retry budget.
 */
class RetryTest {
  private static final Duration SHORT_BACKOFF = Duration.ofMillis(5);
  private static final CallOptions TEN_SECONDS =
      CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(RetryFixture.WAIT_SECONDS));

  private RetryFixture fixture;

  @BeforeEach
  void start() throws Exception {
    fixture = new RetryFixture();
  }

  @AfterEach
  void stop() throws Exception {
    fixture.close();
  }

  private static StringValue hello() {
    return StringValue.of("hello");
  }

  private static BytesValue bytes(String text) {
    return BytesValue.of(ByteString.copyFromUtf8(text));
  }

  private static Status.Code codeOf(Throwable failure) {
    return ((StatusException) failure).status().code();
  }

  @Test
  void anAttemptFailingWithARetryableStatusIsRetriedAndEachRetrySaysHowManyCameBefore() {
    fixture.failure = attempt -> attempt < 2 ? Status.UNAVAILABLE : null;
    Channel channel = fixture.channel(retry(4, SHORT_BACKOFF, Status.Code.UNAVAILABLE), null);

    assertThat(channel.unaryCall(RetryFixture.UNARY, hello(), TEN_SECONDS)).isEqualTo(hello());
    assertThat(fixture.previousAttempts).containsExactly("none", "1", "2");
  }

  @Test
  void afterMaxAttemptsTheLastStatusSurfaces() {
    fixture.failure = attempt -> Status.UNAVAILABLE;
    Channel channel = fixture.channel(retry(3, SHORT_BACKOFF, Status.Code.UNAVAILABLE), null);

    assertThatThrownBy(() -> channel.unaryCall(RetryFixture.UNARY, hello(), TEN_SECONDS))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE);
              assertThat(e.status().description()).isEqualTo("attempt 2 failed on purpose");
            });
    assertThat(fixture.previousAttempts).containsExactly("none", "1", "2");
  }

  @Test
  void aStatusThatIsNotRetryableIsNotRetried() {
    fixture.failure = attempt -> Status.INTERNAL;
    Channel channel = fixture.channel(retry(4, SHORT_BACKOFF, Status.Code.UNAVAILABLE), null);

    assertThatThrownBy(() -> channel.unaryCall(RetryFixture.UNARY, hello(), TEN_SECONDS))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(Status.Code.INTERNAL));
    assertThat(fixture.attempts()).isEqualTo(1);
  }

  @Test
  void serverPushbackSetsTheDelayOfTheRetry() {
    fixture.failure = attempt -> attempt == 0 ? Status.UNAVAILABLE : null;
    fixture.pushback = "400";
    // Without pushback the retry would go within a millisecond.
    Channel channel =
        fixture.channel(retry(2, Duration.ofMillis(1), Status.Code.UNAVAILABLE), null);

    assertThat(channel.unaryCall(RetryFixture.UNARY, hello(), TEN_SECONDS)).isEqualTo(hello());
    assertThat(fixture.attempts()).isEqualTo(2);
    assertThat(fixture.millisBetween(0, 1)).isBetween(350L, 5_000L);
  }

  @Test
  void negativeOrMalformedPushbackStopsRetrying() {
    fixture.failure = attempt -> Status.UNAVAILABLE;
    Channel channel = fixture.channel(retry(4, SHORT_BACKOFF, Status.Code.UNAVAILABLE), null);
    for (String stop : new String[] {"-1", "soon"}) {
      fixture.pushback = stop;
      int before = fixture.attempts();
      assertThatThrownBy(() -> channel.unaryCall(RetryFixture.UNARY, hello(), TEN_SECONDS))
          .satisfies(e -> assertThat(codeOf(e)).isEqualTo(Status.Code.UNAVAILABLE));
      assertThat(fixture.attempts() - before).as("attempts with pushback %s", stop).isEqualTo(1);
    }
  }

  @Test
  void aClientStreamIsRetriedByReplayingTheMessagesSentSoFarAndThoseSentAfter() throws Exception {
    fixture.failure = attempt -> attempt == 0 ? Status.UNAVAILABLE : null;
    Channel channel = fixture.channel(retry(3, SHORT_BACKOFF, Status.Code.UNAVAILABLE), null);

    try (ClientStreamingCall<BytesValue, StringValue> call =
        channel.clientStreamingCall(RetryFixture.COLLECT_EAGER, TEN_SECONDS)) {
      call.send(bytes("a"));
      assertThat(fixture.eagerFailed.await(RetryFixture.WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
      call.send(bytes("b"));
      call.send(bytes("c"));
      assertThat(call.complete().getValue()).isEqualTo("a,b,c");
    }
    assertThat(fixture.previousAttempts).containsExactly("none", "1");
  }

  @Test
  void aStreamingCallIsNotRetriedOnceResponseHeadersArrived() {
    fixture.failure = attempt -> Status.UNAVAILABLE;
    Channel channel = fixture.channel(retry(4, SHORT_BACKOFF, Status.Code.UNAVAILABLE), null);

    try (ResponseStream<StringValue> responses =
        channel.serverStreamingCall(RetryFixture.STREAM, hello(), TEN_SECONDS)) {
      responses.responseHeaders();
      fixture.failStream.countDown();
      assertThatThrownBy(responses::receive)
          .satisfies(e -> assertThat(codeOf(e)).isEqualTo(Status.Code.UNAVAILABLE));
    }
    assertThat(fixture.attempts()).isEqualTo(1);
  }

  @Test
  void aClientStreamSendingMoreThanTheBufferHoldsCommitsAndIsNotRetried() {
    fixture.failure = attempt -> Status.UNAVAILABLE;
    Channel channel = fixture.channel(retry(4, SHORT_BACKOFF, Status.Code.UNAVAILABLE), null);
    BytesValue big =
        BytesValue.of(ByteString.copyFrom(new byte[RetryingTransport.CALL_BUFFER_LIMIT]));

    try (ClientStreamingCall<BytesValue, StringValue> call =
        channel.clientStreamingCall(RetryFixture.COLLECT, TEN_SECONDS)) {
      call.send(bytes("small"));
      call.send(big);
      assertThatThrownBy(call::complete)
          .satisfies(e -> assertThat(codeOf(e)).isEqualTo(Status.Code.UNAVAILABLE));
    }
    assertThat(fixture.attempts()).isEqualTo(1);
    assertThat(fixture.received).containsExactly("small," + big.getValue().size() + " bytes");
  }

  @Test
  void aFirstMessageBiggerThanTheBufferIsSentOnceAndNotRetried() {
    fixture.failure = attempt -> Status.UNAVAILABLE;
    Channel channel = fixture.channel(retry(4, SHORT_BACKOFF, Status.Code.UNAVAILABLE), null);
    StringValue big = StringValue.of("x".repeat(RetryingTransport.CALL_BUFFER_LIMIT));

    assertThatThrownBy(() -> channel.unaryCall(RetryFixture.UNARY, big, TEN_SECONDS))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(Status.Code.UNAVAILABLE));
    assertThat(fixture.attempts()).isEqualTo(1);
  }

  @Test
  void theRetryBudgetStopsRetriesWhenMostAttemptsFail() {
    fixture.failure = attempt -> Status.UNAVAILABLE;
    // 10 tokens, retries only above 5: the first call's 4 failed attempts leave 6, its 5th
    // leaves 5, and from then on no call is retried.
    Channel channel =
        fixture.channel(
            retry(5, SHORT_BACKOFF, Status.Code.UNAVAILABLE), new RetryThrottling(10, 0.1));
    int calls = 10;
    for (int i = 0; i < calls; i++) {
      assertThatThrownBy(() -> channel.unaryCall(RetryFixture.UNARY, hello(), TEN_SECONDS))
          .satisfies(e -> assertThat(codeOf(e)).isEqualTo(Status.Code.UNAVAILABLE));
    }
    assertThat(fixture.attempts()).isEqualTo(5 + (calls - 1));
  }

  @Test
  void theDeadlineCoversEveryAttempt() {
    fixture.failure = attempt -> Status.UNAVAILABLE;
    fixture.pushback = "200";
    Channel channel = fixture.channel(retry(5, SHORT_BACKOFF, Status.Code.UNAVAILABLE), null);
    long start = System.nanoTime();

    assertThatThrownBy(
            () ->
                channel.unaryCall(
                    RetryFixture.UNARY,
                    hello(),
                    CallOptions.DEFAULT.withTimeout(Duration.ofMillis(500))))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2_000);
    assertThat(fixture.attempts()).isBetween(2, 3);
  }
}
