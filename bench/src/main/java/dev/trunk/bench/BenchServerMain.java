package dev.trunk.bench;

import dev.trunk.Server;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * {@code server}: serves {@code grpc.testing.BenchmarkService} on Trunk.
 *
 * <pre>
 * java -jar trunk-bench.jar server --port=50051 [--host=127.0.0.1] [--executor=virtual|eventloop]
 *     [--telemetry=off|on|metrics] [--sampling=0.01]
 * </pre>
 *
 * <p>{@code --executor=virtual} (default) runs every handler on a virtual thread; {@code eventloop}
 * registers UnaryCall with {@code Server.Builder.nonBlockingService}, so it runs on the event loop,
 * while the streaming methods stay on virtual threads. {@code --telemetry=on} records Trunk's
 * metrics and traces (sampling ratio {@code --sampling}) as {@link BenchTelemetry} sets them up;
 * {@code --telemetry=metrics} its metrics alone. Prints {@code LISTENING <port> <pid>} once it
 * serves; stops on SIGTERM, or when standard input closes if {@code --stdin-watch} is set (the
 * comparison runs it that way so that a dying orchestrator never leaves it behind).
 */
final class BenchServerMain {
  private BenchServerMain() {}

  static void run(List<String> args) throws IOException, InterruptedException {
    Flags flags = Flags.parse(args);
    String host = flags.string("host", "127.0.0.1");
    int port = flags.integer("port", 50051);
    String executor = flags.string("executor", "virtual");
    boolean stdinWatch = flags.bool("stdin-watch", false);
    String telemetry = flags.string("telemetry", "off");
    double sampling = flags.decimal("sampling", 1.0);
    flags.rejectUnknown();

    Server.Builder builder =
        Server.builder().address(host, port).shutdownGracePeriod(Duration.ofSeconds(1));
    switch (executor) {
      case "virtual" -> builder.service(BenchService.all());
      case "eventloop" ->
          builder.nonBlockingService(BenchService::unaryOnly).service(BenchService.streamingOnly());
      default ->
          throw new IllegalArgumentException(
              "--executor must be virtual or eventloop: " + executor);
    }
    switch (telemetry) {
      case "off" -> {}
      case "on" -> builder.eventListener(new BenchTelemetry(sampling).serverListener());
      case "metrics" -> builder.eventListener(new BenchTelemetry(sampling).metricsListener());
      default ->
          throw new IllegalArgumentException(
              "--telemetry must be off, on or metrics: " + telemetry);
    }
    Server server = builder.build().start();
    System.out.println("LISTENING " + server.port() + " " + ProcessHandle.current().pid());
    System.out.flush();
    Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow, "bench-server-stop"));
    if (stdinWatch) {
      Thread watch =
          new Thread(
              () -> {
                try {
                  while (System.in.read() >= 0) {
                    // The orchestrator never writes; it only closes.
                  }
                } catch (IOException e) {
                  // Treat as closed.
                }
                server.shutdownNow();
              },
              "bench-server-stdin");
      watch.setDaemon(true);
      watch.start();
    }
    server.awaitTermination();
  }
}
