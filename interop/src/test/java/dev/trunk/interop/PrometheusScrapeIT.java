package dev.trunk.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trunk.CallOptions;
import dev.trunk.Channel;
import dev.trunk.StatusException;
import dev.trunk.opentelemetry.AdminServer;
import dev.trunk.opentelemetry.TrunkTelemetry;
import io.grpc.testing.integration.EmptyProtos.Empty;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Metrics end to end: the interop server with {@code --admin_port} (plaintext, and TLS for the
 * handshake failures) and a Trunk channel with its own admin server, scraped every second by a real
 * Prometheus that also evaluates observability/prometheus/trunk-rules.yml. After load through the
 * channel, every query of docs/observability.md's PromQL column and of the Grafana dashboards must
 * return data.
 */
class PrometheusScrapeIT {
  /** How long the queries may take to all return data: a few scrapes and rule evaluations. */
  private static final Duration DATA_TIMEOUT = Duration.ofSeconds(90);

  /** A small heap, so that the load makes the server collect garbage (jvm.gc.duration, M9). */
  private static final String SERVER_HEAP = "-Xmx64m";

  private static final String LOOPBACK = "127.0.0.1";

  private static final int LOAD_ROUNDS = 2;

  /** Three one-second scrapes. */
  private static final long SCRAPES_BETWEEN_ROUNDS_MILLIS = 3000;

  /** A series the first round creates (SliLoad's INTERNAL failures), seen by a scrape. */
  private static final String FIRST_ROUND_ERRORS =
      "grpc_server_call_duration_seconds_count{grpc_status=\"INTERNAL\"}";

  /** A deploy annotation: fires only when a JVM restarts, which no process here does. */
  private static final String RESTARTS = "resets(";

  /** An interop server child with its admin port. */
  private record MeteredServer(ChildProcess process, int port, int adminPort)
      implements AutoCloseable {
    static MeteredServer start(String name, boolean tls) {
      ChildProcess process =
          ChildProcess.startJava(
              name,
              List.of(SERVER_HEAP),
              List.of(
                  "-jar",
                  InteropEnv.interopJar().toString(),
                  "server",
                  "--port=0",
                  "--admin_port=0",
                  "--use_tls=" + tls));
      try {
        int adminPort = portAfter(process, InteropServer.ADMIN_LISTENING_ON + LOOPBACK + ":");
        int port = portAfter(process, InteropServer.LISTENING);
        process.awaitPort(LOOPBACK, port, InteropEnv.SERVER_START_TIMEOUT);
        return new MeteredServer(process, port, adminPort);
      } catch (RuntimeException | Error e) {
        process.close();
        throw e;
      }
    }

    private static int portAfter(ChildProcess process, String prefix) {
      String line =
          process.awaitLogLine(l -> l.startsWith(prefix), InteropEnv.SERVER_START_TIMEOUT);
      return Integer.parseInt(line.substring(prefix.length()).split(" ", 2)[0]);
    }

    String adminTarget() {
      return LOOPBACK + ":" + adminPort;
    }

    @Override
    public void close() {
      process.close();
    }
  }

  @Test
  void everyDocumentedSliQueryAndDashboardQueryReturnsDataAfterLoadThroughTrunk() throws Exception {
    List<String> queries = queries();
    assertThat(queries).as("queries of docs/observability.md").hasSizeGreaterThan(20);
    List<String> dashboardQueries = dashboardQueries();
    Path rules = ObservabilityFiles.repoDir().resolve("observability/prometheus/trunk-rules.yml");
    try (MeteredServer server = MeteredServer.start("metrics-server", false);
        MeteredServer tlsServer = MeteredServer.start("metrics-server-tls", true);
        AdminServer clientAdmin = AdminServer.builder().port(0).start();
        PrometheusServer prometheus =
            PrometheusServer.start(
                List.of(
                    server.adminTarget(),
                    tlsServer.adminTarget(),
                    LOOPBACK + ":" + clientAdmin.port()),
                List.of(rules))) {
      TrunkTelemetry telemetry = TrunkTelemetry.create(clientAdmin.openTelemetry());
      String target = LOOPBACK + ":" + server.port();
      try (Channel channel =
          Channel.forAddress(LOOPBACK, server.port())
              .plaintext()
              .defaultServiceConfig(SliLoad.RETRY_SERVICE_CONFIG)
              .eventListener(telemetry.channelListener(target))
              .build()) {
        // Twice, with scrapes between: a series' first sample is not an increase, so the
        // dashboards' "increase(...) > 0" panels need the second round.
        for (int round = 0; round < LOAD_ROUNDS; round++) {
          new SliLoad(channel).run();
          failTlsHandshake(tlsServer.port());
          PrometheusServer.sleep(SCRAPES_BETWEEN_ROUNDS_MILLIS);
          // Under load a scrape can come later than the sleep; the error series, new in the first
          // round, must have a sample from before the second, or its rate stays zero.
          assertThat(awaitData(prometheus, List.of(FIRST_ROUND_ERRORS)))
              .as("the first round's errors scraped")
              .isEmpty();
        }
      }

      List<String> empty = awaitData(prometheus, queries);

      assertThat(prometheus.hasData("trunk_no_such_metric")).as("an absent metric").isFalse();
      assertThat(empty)
          .as("queries without data after %s; Prometheus:%s", DATA_TIMEOUT, prometheus.describe())
          .isEmpty();
      List<String> emptyPanels = awaitData(prometheus, dashboardQueries);
      assertThat(emptyPanels).as("dashboard queries without data").isEmpty();
    }
  }

  /** A plaintext call to the TLS server: the server's handshake fails (M8). */
  private static void failTlsHandshake(int tlsPort) {
    try (Channel plaintext = Channel.forAddress(LOOPBACK, tlsPort).plaintext().build()) {
      CallOptions quick = CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(5));
      try {
        plaintext.unaryCall(TestMethods.EMPTY_CALL, Empty.getDefaultInstance(), quick);
      } catch (StatusException expected) {
        // the handshake failed, as intended
      }
    }
  }

  /**
   * Every query of the Grafana dashboards (observability/grafana), variables substituted; the
   * threshold of a restart annotation cut off.
   */
  private static List<String> dashboardQueries() {
    List<String> queries = new ArrayList<>();
    for (Path dashboard : ObservabilityFiles.dashboards()) {
      for (String query : ObservabilityFiles.dashboardQueries(ObservabilityFiles.json(dashboard))) {
        queries.add(
            query.startsWith(RESTARTS) ? ObservabilityFiles.withoutThreshold(query) : query);
      }
    }
    return queries;
  }

  /**
   * The documented queries, and for each server-side deadline or cancellation query its client-side
   * twin ("the same for grpc_client_…", M19, M20).
   */
  private static List<String> queries() {
    Set<String> queries = new LinkedHashSet<>(ObservabilityFiles.documentedQueries());
    for (String query : List.copyOf(queries)) {
      if (query.contains("grpc_server_call_duration_seconds_count{grpc_status=")) {
        queries.add(query.replace("grpc_server_", "grpc_client_"));
      }
    }
    return List.copyOf(queries);
  }

  /** Polls until every query returns data or the time is up; returns those still without. */
  private static List<String> awaitData(PrometheusServer prometheus, List<String> queries) {
    List<String> pending = new ArrayList<>(queries);
    long deadline = System.nanoTime() + DATA_TIMEOUT.toNanos();
    while (!pending.isEmpty() && System.nanoTime() < deadline) {
      pending.removeIf(prometheus::hasData);
      if (!pending.isEmpty()) {
        PrometheusServer.sleep(1000);
      }
    }
    return pending;
  }
}
