package dev.trunk.examples.routeguide;

import dev.trunk.Server;

/** Runs the route guide server: {@code RouteGuideServerMain [port]} (default 50051). */
public final class RouteGuideServerMain {
  /** The port used when none is given. */
  static final int DEFAULT_PORT = 50051;

  private RouteGuideServerMain() {}

  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_PORT;
    Server server =
        Server.builder()
            .address("127.0.0.1", port)
            .service(new RouteGuideService(FeatureDatabase.grid()))
            .reflection()
            .build()
            .start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    System.out.println("route guide listening on 127.0.0.1:" + server.port());
    server.awaitTermination();
  }
}
