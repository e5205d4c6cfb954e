package dev.trunk;

import dev.trunk.testing.InProcessServer;
import dev.trunk.testing.LeakCheck;
import org.junit.jupiter.api.extension.ExtendWith;

/** The call-lifecycle suite over the in-process transport, with the leak check on. */
@ExtendWith(LeakCheck.class)
class InProcessCallLifecycleTest extends CallLifecycleSuite {
  @Override
  CallSemanticsSuite.Fixture start(ServiceDefinition... services) {
    InProcessServer.Builder builder = InProcessServer.builder();
    for (ServiceDefinition service : services) {
      builder.service(service);
    }
    InProcessServer server = builder.build();
    Channel channel = server.newChannel();
    return new CallSemanticsSuite.Fixture() {
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
