package dev.trunk.examples.greeter;

import dev.trunk.Channel;
import dev.trunk.Server;
import java.time.Duration;

/** Starts a greeter on a free port, greets the name given (default "world"), and stops. */
public final class GreeterMain {
  private GreeterMain() {}

  public static void main(String[] args) throws Exception {
    String name = args.length > 0 ? args[0] : "world";
    try (Server server =
            Server.builder().address("127.0.0.1", 0).service(new GreeterService()).build().start();
        Channel channel = Channel.forAddress("127.0.0.1", server.port()).plaintext().build()) {
      GreeterClient greeter = GreeterClient.create(channel).withTimeout(Duration.ofSeconds(5));
      HelloReply reply = greeter.sayHello(HelloRequest.newBuilder().setName(name).build());
      System.out.println(reply.getMessage());
    }
  }
}
