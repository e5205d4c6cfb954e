package dev.trunk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

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
}
