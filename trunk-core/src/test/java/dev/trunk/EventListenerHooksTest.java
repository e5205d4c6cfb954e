package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The events that let a listener bind context to the handler's thread and tag each attempt. */
class EventListenerHooksTest {
  private static final String ATTEMPT_HEADER = "x-attempt";
  private static final String RETRY_CONFIG =
      """
      {"methodConfig": [{"name": [{"service": "trunk.test.TestService", "method": "Headers"}],
        "retryPolicy": {"maxAttempts": 3, "initialBackoff": "0.01s", "maxBackoff": "0.05s",
          "backoffMultiplier": 2, "retryableStatusCodes": ["UNAVAILABLE"]}}]}
      """;

  private final List<String> seen = new CopyOnWriteArrayList<>();
  private final AtomicInteger calls = new AtomicInteger();

  private ServiceDefinition service() {
    return ServiceDefinition.builder(TestService.NAME)
        .unary(
            TestService.ECHO,
            request -> {
              seen.add("handler on " + Thread.currentThread().getName());
              return request;
            })
        .unary(
            TestService.HEADERS,
            request -> {
              seen.add(String.valueOf(CallContext.current().requestHeaders().get(ATTEMPT_HEADER)));
              if (calls.incrementAndGet() == 1) {
                throw Status.UNAVAILABLE.withDescription("first attempt fails").asException();
              }
              return request;
            })
        .build();
  }

  /** Records the handler-thread events with their thread. */
  private EventListener threadEvents() {
    return new EventListener() {
      @Override
      public CallEvents callStarted(CallInfo<?, ?> call, Metadata requestHeaders) {
        return new CallEvents() {
          @Override
          public void handlerThreadEntered() {
            seen.add("entered on " + Thread.currentThread().getName());
          }

          @Override
          public void handlerThreadExited() {
            seen.add("exited on " + Thread.currentThread().getName());
          }

          @Override
          public void closed(Status status, Metadata trailers) {
            seen.add("closed " + status.code());
          }
        };
      }
    };
  }

  /** Tags each attempt's request metadata with the attempt's number. */
  private static EventListener attemptTagger() {
    return new EventListener() {
      @Override
      public CallEvents callStarted(CallInfo<?, ?> call, Metadata requestHeaders) {
        return new CallEvents() {
          @Override
          public void attemptRequestHeaders(EventListener.Attempt attempt, Metadata headers) {
            headers.removeAll(ATTEMPT_HEADER);
            headers.add(ATTEMPT_HEADER, Integer.toString(attempt.number()));
          }
        };
      }
    };
  }

  @Test
  void theHandlerThreadIsEnteredBeforeTheInterceptorsAndExitedAfterTheCallClosed()
      throws Exception {
    Interceptor interceptor =
        Interceptor.onStart(
            (call, headers) -> seen.add("interceptor on " + Thread.currentThread().getName()));
    try (Server server =
            Server.builder()
                .address("127.0.0.1", 0)
                .service(service())
                .intercept(interceptor)
                .eventListener(EventListener.all(EventListener.NONE, threadEvents()))
                .build()
                .start();
        Channel channel = Channel.forAddress("127.0.0.1", server.port()).build()) {
      channel.unaryCall(TestService.ECHO, StringValue.of("x"), CallOptions.DEFAULT);
    }
    // Closing the server waited for the handler's thread to finish.
    assertThat(seen)
        .containsExactly(
            "entered on trunk-handler",
            "interceptor on trunk-handler",
            "handler on trunk-handler",
            "closed OK",
            "exited on trunk-handler");
  }

  @Test
  void eachAttemptCarriesTheHeadersItsListenerAddedForIt() throws Exception {
    try (Server server =
            Server.builder().address("127.0.0.1", 0).service(service()).build().start();
        Channel channel =
            Channel.forAddress("127.0.0.1", server.port())
                .defaultServiceConfig(RETRY_CONFIG)
                .eventListener(attemptTagger())
                .build();
        Channel withoutPolicy =
            Channel.forAddress("127.0.0.1", server.port()).eventListener(attemptTagger()).build()) {
      channel.unaryCall(TestService.HEADERS, StringValue.of("x"), CallOptions.DEFAULT);
      withoutPolicy.unaryCall(TestService.HEADERS, StringValue.of("x"), CallOptions.DEFAULT);
    }
    assertThat(seen).containsExactly("1", "2", "1");
  }
}
