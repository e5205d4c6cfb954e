package dev.trunk.bench;

import dev.trunk.CallInfo;
import dev.trunk.EventListener;
import dev.trunk.Metadata;
import dev.trunk.Server;
import dev.trunk.opentelemetry.TrunkTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * {@code server}: serves {@code grpc.testing.BenchmarkService} on Trunk.
 *
 * <pre>
 * java -jar trunk-bench.jar server --port=50051 [--host=127.0.0.1] [--executor=virtual|eventloop]
 *     [--telemetry=off|on|metrics|noop|seam] [--sampling=0.01] [--baseline-port=50052]
 * </pre>
 *
 * <p>{@code --executor=virtual} (default) runs every handler on a virtual thread; {@code eventloop}
 * registers UnaryCall with {@code Server.Builder.nonBlockingService}, so it runs on the event loop,
 * while the streaming methods stay on virtual threads. {@code --telemetry=on} records Trunk's
 * metrics and traces (sampling ratio {@code --sampling}) as {@link BenchTelemetry} sets them up;
 * {@code --telemetry=metrics} its metrics alone; {@code --telemetry=noop} Trunk's metrics and
 * traces over {@code OpenTelemetry.noop()} (Trunk's own per-call work, without the SDK's); {@code
 * --telemetry=seam} installs a listener that takes every call's events and does nothing (the event
 * seam's own cost). {@code --baseline-port} also serves, in the same JVM, a second server with no
 * telemetry on that port: {@code bench/telemetry-cost.sh} loads the two in turn, so that
 * telemetry's cost is measured under one JIT and one heap (two JVMs of the same build differ by as
 * much as that cost). Prints {@code LISTENING <port> <pid>} once it serves; stops on SIGTERM, or
 * when standard input closes if {@code --stdin-watch} is set (the comparison runs it that way so
 * that a dying orchestrator never leaves it behind).
 */
final class BenchServerMain {
  /**
   * {@code --telemetry=seam}: a listener that wants every call's events and does nothing with them,
   * so that the core's event delivery alone is measured.
   */
  private static final EventListener SEAM_ONLY =
      new EventListener() {
        @Override
        public CallEvents callStarted(CallInfo<?, ?> call, Metadata requestHeaders) {
          return new CallEvents() {};
        }
      };

  private BenchServerMain() {}

  static void run(List<String> args) throws IOException, InterruptedException {
    Flags flags = Flags.parse(args);
    String host = flags.string("host", "127.0.0.1");
    int port = flags.integer("port", 50051);
    String executor = flags.string("executor", "virtual");
    boolean stdinWatch = flags.bool("stdin-watch", false);
    String telemetry = flags.string("telemetry", "off");
    double sampling = flags.decimal("sampling", 1.0);
    int baselinePort = flags.integer("baseline-port", 0);
    flags.rejectUnknown();

    Server.Builder builder = builder(host, port, executor);
    switch (telemetry) {
      case "off" -> {}
      case "on" -> builder.eventListener(new BenchTelemetry(sampling).serverListener());
      case "metrics" -> builder.eventListener(new BenchTelemetry(sampling).metricsListener());
      case "noop" -> builder.eventListener(TrunkTelemetry.create(OpenTelemetry.noop()).server());
      case "seam" -> builder.eventListener(SEAM_ONLY);
      default ->
          throw new IllegalArgumentException(
              "--telemetry must be off, on, metrics, noop or seam: " + telemetry);
    }
    Server server = builder.build().start();
    Server baseline =
        baselinePort == 0 ? null : builder(host, baselinePort, executor).build().start();
    System.out.println("LISTENING " + server.port() + " " + ProcessHandle.current().pid());
    System.out.flush();
    Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow, "bench-server-stop"));
    if (stdinWatch) {
      watchStdin(server);
    }
    server.awaitTermination();
    if (baseline != null) {
      baseline.shutdownNow();
    }
  }

  private static Server.Builder builder(String host, int port, String executor) {
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
    return builder;
  }

  /** Stops {@code server} when standard input closes. */
  private static void watchStdin(Server server) {
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
}
