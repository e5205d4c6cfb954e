package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The call-semantics suite over the Netty HTTP/2 transport on a loopback socket. */
class NettyCallSemanticsTest extends CallSemanticsSuite {
  @Override
  Fixture start(
      ServiceDefinition service,
      List<Interceptor> serverInterceptors,
      List<Interceptor> clientInterceptors,
      int maxRequestBytes) {
    Server.Builder serverBuilder =
        Server.builder()
            .address("127.0.0.1", 0)
            .service(service)
            .maxInboundMessageSize(maxRequestBytes);
    serverInterceptors.forEach(serverBuilder::intercept);
    Server server;
    try {
      server = serverBuilder.build().start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Channel.Builder channelBuilder = Channel.forAddress("127.0.0.1", server.port());
    clientInterceptors.forEach(channelBuilder::intercept);
    Channel channel = channelBuilder.build();
    return new Fixture() {
      @Override
      public Channel channel() {
        return channel;
      }

      @Override
      public void close() {
        channel.shutdownNow();
        server.shutdownNow();
      }
    };
  }

  @Test
  void serverHandlersSeeTheClientsUserAgentThoughUsersCannotAddOne() {
    MethodDescriptor<StringValue, StringValue> userAgent =
        MethodDescriptor.of(
            TestService.NAME,
            "UserAgent",
            MethodDescriptor.Type.UNARY,
            TestService.STRING,
            TestService.STRING);
    ServiceDefinition service =
        ServiceDefinition.builder(TestService.NAME)
            .unary(
                userAgent,
                request -> {
                  Metadata received = CallContext.current().requestHeaders();
                  return StringValue.of(
                      received.getAll("user-agent").size() + " " + received.get("user-agent"));
                })
            .build();
    try (Fixture fixture = start(service, List.of(), List.of(), 4 << 20)) {
      String seen =
          fixture
              .channel()
              .unaryCall(userAgent, StringValue.of("x"), CallOptions.DEFAULT)
              .getValue();
      assertThat(seen).startsWith("1 trunk-java/");
    }
  }
}
