package dev.trunk.examples.greeter;

/** Greets whoever asks. */
public final class GreeterService implements Greeter {
  @Override
  public HelloReply sayHello(HelloRequest request) {
    return HelloReply.newBuilder().setMessage("Hello, " + request.getName() + "!").build();
  }
}
