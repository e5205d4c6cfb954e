package com.example.starter;

import dev.trunk.Channel;
import java.time.Duration;

/** Calls the Greeter that {@link ServerMain} serves and prints the reply. */
public final class ClientMain {
  /** How long the call may take, connecting included, before it fails with DEADLINE_EXCEEDED. */
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private ClientMain() {}

  public static void main(String[] args) {
    try (Channel channel = Channel.forAddress("127.0.0.1", ServerMain.PORT).plaintext().build()) {
      GreeterClient greeter = GreeterClient.create(channel).withTimeout(TIMEOUT);
      HelloReply reply = greeter.sayHello(HelloRequest.newBuilder().setName("world").build());
      System.out.println(reply.getMessage());
    }
  }
}
