package com.example.starter;

import dev.trunk.Server;

/** Serves the Greeter on 127.0.0.1:{@value #PORT} until stopped (Ctrl-C). */
public final class ServerMain {
  /** The port the server listens on and the client calls; gRPC's customary example port. */
  static final int PORT = 50051;

  private ServerMain() {}

  public static void main(String[] args) throws Exception {
    Server server =
        Server.builder().address("127.0.0.1", PORT).service(new GreeterService()).build().start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    System.out.println("Greeter listening on 127.0.0.1:" + server.port() + ", Ctrl-C stops it");
    server.awaitTermination();
  }
}
