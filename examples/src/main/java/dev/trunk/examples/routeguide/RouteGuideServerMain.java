package dev.trunk.examples.routeguide;

import dev.trunk.Server;
import java.nio.file.Path;

/**
 * Runs the route guide server: {@code RouteGuideServerMain [port [webDir]]} (default port 50051).
 * With {@code webDir} (such as {@code examples/web}) it also serves that directory's page, which
 * calls GetFeature from a browser with the Connect protocol, at {@code http://127.0.0.1:PORT/}.
 */
public final class RouteGuideServerMain {
  /** The port used when none is given. */
  static final int DEFAULT_PORT = 50051;

  private RouteGuideServerMain() {}

  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_PORT;
    Server.Builder builder =
        Server.builder()
            .address("127.0.0.1", port)
            .service(new RouteGuideService(FeatureDatabase.grid()))
            .reflection();
    if (args.length > 1) {
      builder.staticFiles("/", Path.of(args[1]));
    }
    Server server = builder.build().start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    System.out.println("route guide listening on 127.0.0.1:" + server.port());
    if (args.length > 1) {
      System.out.println("its web page: http://127.0.0.1:" + server.port() + "/");
    }
    server.awaitTermination();
  }
}
