package dev.trunk;

import com.google.protobuf.StringValue;

/**
 * Serves a method whose handler throws, calls it once and prints what the client saw; run in a
 * child JVM by {@link LoggingFallbackTest} to see where the server's log of the failure goes.
 */
final class HandlerFailureMain {
  static final String FAILURE = "the handler failed on purpose";

  private HandlerFailureMain() {}

  public static void main(String[] args) throws Exception {
    ServiceDefinition failing =
        ServiceDefinition.builder(TestService.NAME)
            .unary(
                TestService.ECHO,
                request -> {
                  throw new IllegalStateException(FAILURE);
                })
            .build();
    try (Server server = Server.builder().address("127.0.0.1", 0).service(failing).build().start();
        Channel channel = Channel.forAddress("127.0.0.1", server.port()).build()) {
      channel.unaryCall(TestService.ECHO, StringValue.of("x"), CallOptions.DEFAULT);
      System.out.println("the call succeeded");
    } catch (StatusException e) {
      System.out.println("the client saw " + e.status());
    }
  }
}
