package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A client interceptor reads how many attempts a call made ({@link CallInfo#attempts()}): the
 * "retries per request" measure, with a retry policy from the builder's service config.
 */
class RetryAttemptsTest {
  @Test
  void anInterceptorSeesTheAttemptsOfARetriedCallWhenItEnds() throws Exception {
    ServiceDefinition service =
        ServiceDefinition.builder(TestService.NAME)
            .unary(
                TestService.ECHO,
                request -> {
                  String previous =
                      CallContext.current().requestHeaders().get(Metadata.PREVIOUS_RPC_ATTEMPTS);
                  if (previous == null || Integer.parseInt(previous) < 2) {
                    throw Status.UNAVAILABLE.withDescription("not yet").asException();
                  }
                  return request;
                })
            .build();
    CompletableFuture<Integer> attemptsAtClose = new CompletableFuture<>();
    Interceptor counter =
        new Interceptor() {
          @Override
          public <Req, Resp> CallObserver<Req, Resp> interceptCall(
              CallInfo<Req, Resp> call, Metadata headers) {
            return new CallObserver<>() {
              @Override
              public void onClose(Status status, Metadata trailers) {
                attemptsAtClose.complete(call.attempts());
              }
            };
          }
        };
    String config =
        """
        {"methodConfig": [{"name": [{"service": "trunk.test.TestService"}],
          "retryPolicy": {"maxAttempts": 4, "initialBackoff": "0.01s", "maxBackoff": "0.05s",
            "backoffMultiplier": 2, "retryableStatusCodes": ["UNAVAILABLE"]}}]}
        """;
    try (Server server = Server.builder().address("127.0.0.1", 0).service(service).build().start();
        Channel channel =
            Channel.forAddress("127.0.0.1", server.port())
                .defaultServiceConfig(config)
                .intercept(counter)
                .build()) {
      StringValue answer =
          channel.unaryCall(
              TestService.ECHO,
              StringValue.of("third time lucky"),
              CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10)));
      assertThat(answer.getValue()).isEqualTo("third time lucky");
      assertThat(attemptsAtClose.get(5, TimeUnit.SECONDS)).isEqualTo(3);
    }
  }
}
