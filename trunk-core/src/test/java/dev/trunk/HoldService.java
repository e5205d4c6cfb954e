package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A server-streaming method for connection tests: its handler sends "holding", then waits until the
 * test releases it or the call is cancelled, and records which came first.
 */
final class HoldService {
  static final MethodDescriptor<Int64Value, StringValue> HOLD =
      MethodDescriptor.of(
          TestService.NAME,
          "Hold",
          MethodDescriptor.Type.SERVER_STREAMING,
          TestService.LONG,
          TestService.STRING);

  static final String PATH = "/" + HOLD.fullName();

  /** Counted down once a handler holds its call. */
  final CountDownLatch holding = new CountDownLatch(1);

  /** Counted down by the test to let held calls end normally. */
  final CountDownLatch release = new CountDownLatch(1);

  /** How the first held call ended: "released" or "cancelled". */
  final CompletableFuture<String> outcome = new CompletableFuture<>();

  /** Adds the Hold method to {@code builder}. */
  ServiceDefinition.Builder addTo(ServiceDefinition.Builder builder) {
    return builder.serverStreaming(
        HOLD,
        (request, responses) -> {
          CallContext.current()
              .onCancel(
                  () -> {
                    outcome.complete("cancelled");
                    release.countDown(); // handlers are not interrupted: end the wait
                  });
          responses.send(StringValue.of("holding"));
          holding.countDown();
          try {
            if (release.await(30, TimeUnit.SECONDS)) {
              outcome.complete("released");
            }
          } catch (InterruptedException e) {
            throw Status.CANCELLED.asException();
          }
        });
  }

  /** Opens a Hold call from a frame-level client and waits until its handler holds it. */
  FrameClient.Stream open(FrameClient client) throws Exception {
    FrameClient.Stream stream = client.open(FrameClient.grpcHeaders(PATH), false);
    client.message(stream, Int64Value.of(0).toByteArray(), true);
    assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
    return stream;
  }
}
