package dev.trunk;

import dev.trunk.testing.InProcessServer;
import dev.trunk.testing.LeakCheck;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;

/** The call-semantics suite over the in-process transport, with the leak check on. */
@ExtendWith(LeakCheck.class)
class InProcessCallSemanticsTest extends CallSemanticsSuite {
  @Override
  Fixture start(
      ServiceDefinition service,
      List<Interceptor> serverInterceptors,
      List<Interceptor> clientInterceptors,
      int maxRequestBytes) {
    InProcessServer.Builder builder =
        InProcessServer.builder().service(service).maxInboundMessageSize(maxRequestBytes);
    serverInterceptors.forEach(builder::intercept);
    InProcessServer server = builder.build();
    Channel channel = server.newChannel(clientInterceptors.toArray(Interceptor[]::new));
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
}
