package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.StringValue;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client call made inside a server handler (Outer calls Inner) inherits the handler's deadline
 * and is cancelled when the handler's call is cancelled, so abandoned work does not pile up
 * downstream.
 */
class NestedCallTest {
  private static final MethodDescriptor<StringValue, StringValue> OUTER =
      MethodDescriptor.of(
          TestService.NAME,
          "Outer",
          MethodDescriptor.Type.UNARY,
          TestService.STRING,
          TestService.STRING);
  private static final MethodDescriptor<StringValue, StringValue> INNER =
      MethodDescriptor.of(
          TestService.NAME,
          "Inner",
          MethodDescriptor.Type.UNARY,
          TestService.STRING,
          TestService.STRING);

  private final CountDownLatch innerStarted = new CountDownLatch(1);

  /** What the inner handler saw of its deadline ("none" or the time left in ms). */
  private final CompletableFuture<String> innerDeadline = new CompletableFuture<>();

  /** How the inner handler ended. */
  private final CompletableFuture<String> innerOutcome = new CompletableFuture<>();

  /** What the outer handler's nested call ended with. */
  private final CompletableFuture<Status.Code> nestedCallStatus = new CompletableFuture<>();

  private Server server;
  private Channel client;
  private volatile Channel nested;

  @BeforeEach
  void start() throws Exception {
    ServiceDefinition service =
        ServiceDefinition.builder(TestService.NAME)
            .unary(
                OUTER,
                request -> {
                  try {
                    StringValue reply = nested.unaryCall(INNER, request, CallOptions.DEFAULT);
                    nestedCallStatus.complete(Status.Code.OK);
                    return reply;
                  } catch (StatusException e) {
                    nestedCallStatus.complete(e.status().code());
                    throw e;
                  }
                })
            .unary(INNER, this::inner)
            .build();
    server = Server.builder().address("127.0.0.1", 0).service(service).build().start();
    client = Channel.forAddress("127.0.0.1", server.port()).build();
    nested = Channel.forAddress("127.0.0.1", server.port()).build();
  }

  private StringValue inner(StringValue request) {
    CallContext call = CallContext.current();
    innerDeadline.complete(
        call.deadline().map(d -> Long.toString(d.remaining().toMillis())).orElse("none"));
    CountDownLatch cancelled = new CountDownLatch(1);
    call.onCancel(cancelled::countDown);
    innerStarted.countDown();
    try {
      boolean wasCancelled = cancelled.await(20, TimeUnit.SECONDS);
      innerOutcome.complete(wasCancelled ? "cancelled" : "not cancelled");
    } catch (InterruptedException e) {
      innerOutcome.complete("interrupted, cancelled=" + call.isCancelled());
    }
    return request;
  }

  @AfterEach
  void stop() {
    client.shutdownNow();
    nested.shutdownNow();
    server.shutdownNow();
  }

  @Test
  void theNestedCallInheritsTheDeadlineAndEndsWithIt() throws Exception {
    long start = System.nanoTime();
    assertThatThrownBy(
            () ->
                client.unaryCall(
                    OUTER,
                    StringValue.of("x"),
                    CallOptions.DEFAULT.withTimeout(Duration.ofMillis(700))))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));

    assertThat(innerDeadline.get(5, TimeUnit.SECONDS)).isNotEqualTo("none");
    assertThat(Long.parseLong(innerDeadline.get())).isBetween(1L, 700L);
    assertThat(innerOutcome.get(5, TimeUnit.SECONDS)).isNotEqualTo("not cancelled");
    assertThat(nestedCallStatus.get(5, TimeUnit.SECONDS))
        .isIn(Status.Code.DEADLINE_EXCEEDED, Status.Code.CANCELLED);
  }

  @Test
  void cancellingTheOuterCallCancelsTheNestedCall() throws Exception {
    CompletableFuture<StringValue> outer =
        client.unaryCallAsync(OUTER, StringValue.of("x"), CallOptions.DEFAULT);
    assertThat(innerStarted.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(innerDeadline.get()).isEqualTo("none");

    outer.cancel(true);
    assertThat(innerOutcome.get(5, TimeUnit.SECONDS)).isNotEqualTo("not cancelled");
    assertThat(nestedCallStatus.get(5, TimeUnit.SECONDS)).isEqualTo(Status.Code.CANCELLED);
  }
}
