package com.example.starter;

import dev.trunk.Status;

/** The Greeter service: implements the interface generated from greeter.proto. */
public final class GreeterService implements Greeter {
  @Override
  public HelloReply sayHello(HelloRequest request) {
    if (request.getName().isEmpty()) {
      throw Status.INVALID_ARGUMENT.withDescription("name is empty").asException();
    }
    return HelloReply.newBuilder().setMessage("Hello, " + request.getName() + "!").build();
  }
}
