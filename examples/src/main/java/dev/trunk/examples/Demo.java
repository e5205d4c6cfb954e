package dev.trunk.examples;

import dev.trunk.Channel;
import dev.trunk.EventListener;
import dev.trunk.Server;
import dev.trunk.examples.greeter.GreeterClient;
import dev.trunk.examples.greeter.GreeterService;
import dev.trunk.examples.greeter.HelloReply;
import dev.trunk.examples.greeter.HelloRequest;
import dev.trunk.examples.routeguide.FeatureDatabase;
import dev.trunk.examples.routeguide.RouteGuideClient;
import dev.trunk.examples.routeguide.RouteGuideClientMain;
import dev.trunk.examples.routeguide.RouteGuideService;
import dev.trunk.opentelemetry.AdminServer;
import dev.trunk.opentelemetry.DebugPage;
import dev.trunk.opentelemetry.TrunkTelemetry;
import io.opentelemetry.instrumentation.runtimetelemetry.RuntimeTelemetry;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The README demo: starts a real server on a loopback port, calls it over HTTP/2 with all four call
 * kinds and an async unary call, prints what came back, and shuts down. With {@code
 * --admin_port=PORT} it also records the calls' metrics (and the JVM's) and serves them to
 * Prometheus at {@code http://127.0.0.1:PORT/metrics}, with the debug page of the demo's calls at
 * {@code /debug} (its call form is off: the demo's server stops after the calls), until stopped
 * with Ctrl-C.
 */
public final class Demo {
  private static final String ADMIN_PORT = "--admin_port=";

  private Demo() {}

  public static void main(String[] args) throws Exception {
    Integer adminPort = null;
    for (String arg : args) {
      if (arg.startsWith(ADMIN_PORT)) {
        adminPort = Integer.valueOf(arg.substring(ADMIN_PORT.length()));
      } else if (!arg.isBlank()) {
        System.err.println("usage: Demo [--admin_port=PORT (serve metrics at /metrics)]");
        System.exit(2);
      }
    }
    if (adminPort == null) {
      run(System.out);
      return;
    }
    runWithMetrics(System.out, adminPort);
  }

  /** Runs the demo, printing to {@code out}. */
  public static void run(PrintStream out) throws Exception {
    run(out, List.of(), EventListener.NONE);
  }

  /**
   * Runs the demo with its metrics served on {@code adminPort}, then keeps serving them until the
   * process is stopped.
   */
  private static void runWithMetrics(PrintStream out, int adminPort) throws Exception {
    DebugPage debug = DebugPage.create();
    try (AdminServer admin = AdminServer.builder().port(adminPort).debugPage(debug).start()) {
      RuntimeTelemetry runtime = RuntimeTelemetry.create(admin.openTelemetry());
      try {
        TrunkTelemetry telemetry = TrunkTelemetry.create(admin.openTelemetry());
        out.println("metrics at http://127.0.0.1:" + admin.port() + AdminServer.METRICS_PATH);
        out.println("debug page at http://127.0.0.1:" + admin.port() + "/debug");
        run(
            out,
            List.of(telemetry.serverListener(), debug.serverListener()),
            telemetry.channelListener("127.0.0.1"));
        out.println("still serving the metrics; Ctrl-C to stop");
        Thread.currentThread().join();
      } finally {
        runtime.close();
      }
    }
  }

  private static void run(
      PrintStream out, List<EventListener> serverEvents, EventListener channelEvents)
      throws Exception {
    Server.Builder builder =
        Server.builder()
            .address("127.0.0.1", 0)
            .service(new RouteGuideService(FeatureDatabase.grid()))
            .service(new GreeterService());
    serverEvents.forEach(builder::eventListener);
    try (Server server = builder.build().start();
        Channel channel =
            Channel.forAddress("127.0.0.1", server.port())
                .plaintext()
                .eventListener(channelEvents)
                .build()) {
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
