package dev.trunk;

import java.io.IOException;
import java.io.UncheckedIOException;

/** The call-lifecycle suite over the Netty HTTP/2 transport on a loopback socket. */
class NettyCallLifecycleTest extends CallLifecycleSuite {
  @Override
  CallSemanticsSuite.Fixture start(ServiceDefinition... services) {
    Server.Builder builder = Server.builder().address("127.0.0.1", 0);
    for (ServiceDefinition service : services) {
      builder.service(service);
    }
    Server server;
    try {
      server = builder.build().start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Channel channel = Channel.forAddress("127.0.0.1", server.port()).build();
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
