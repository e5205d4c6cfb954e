package dev.trunk.examples;

import dev.trunk.Channel;
import dev.trunk.Server;
import dev.trunk.examples.greeter.GreeterClient;
import dev.trunk.examples.greeter.GreeterService;
import dev.trunk.examples.greeter.HelloReply;
import dev.trunk.examples.greeter.HelloRequest;
import dev.trunk.examples.routeguide.FeatureDatabase;
import dev.trunk.examples.routeguide.RouteGuideClient;
import dev.trunk.examples.routeguide.RouteGuideClientMain;
import dev.trunk.examples.routeguide.RouteGuideService;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The README demo: starts a real server on a loopback port, calls it over HTTP/2 with all four call
 * kinds and an async unary call, prints what came back, and shuts down.
 */
public final class Demo {
  private Demo() {}

  public static void main(String[] args) throws Exception {
    run(System.out);
  }

  /** Runs the demo, printing to {@code out}. */
  public static void run(PrintStream out) throws Exception {
    try (Server server =
            Server.builder()
                .address("127.0.0.1", 0)
                .service(new RouteGuideService(FeatureDatabase.grid()))
                .service(new GreeterService())
                .build()
                .start();
        Channel channel = Channel.forAddress("127.0.0.1", server.port()).plaintext().build()) {
      out.println("server listening on 127.0.0.1:" + server.port());
      GreeterClient greeter = GreeterClient.create(channel).withTimeout(Duration.ofSeconds(5));
      HelloReply hello = greeter.sayHello(HelloRequest.newBuilder().setName("Trunk").build());
      out.println("unary SayHello: " + hello.getMessage());
      CompletableFuture<HelloReply> later =
          greeter.sayHelloAsync(HelloRequest.newBuilder().setName("async").build());
      out.println("async SayHello: " + later.get(5, TimeUnit.SECONDS).getMessage());
      RouteGuideClientMain.tour(
          RouteGuideClient.create(channel).withTimeout(Duration.ofSeconds(10)), out);
    }
    out.println("server stopped");
  }
}
