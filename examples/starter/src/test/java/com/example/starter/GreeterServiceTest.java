package com.example.starter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trunk.Channel;
import dev.trunk.Status;
import dev.trunk.StatusException;
import dev.trunk.testing.InProcessServer;
import dev.trunk.testing.LeakCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Calls the service through a real gRPC call stack, in memory; fails if a call is left open. */
@ExtendWith(LeakCheck.class)
class GreeterServiceTest {
  private final InProcessServer server =
      InProcessServer.builder().service(new GreeterService()).build();
  private final Channel channel = server.newChannel();
  private final GreeterClient greeter = GreeterClient.create(channel);

  @AfterEach
  void stop() {
    channel.close();
    server.close();
  }

  @Test
  void greetsByName() {
    HelloReply reply = greeter.sayHello(HelloRequest.newBuilder().setName("Ada").build());
    assertEquals("Hello, Ada!", reply.getMessage());
  }

  @Test
  void refusesAnEmptyName() {
    StatusException e =
        assertThrows(
            StatusException.class, () -> greeter.sayHello(HelloRequest.getDefaultInstance()));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.status().code());
  }
}
