package dev.trunk.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trunk.interop.InteropServers.RunningServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Trunk's interop client, driven only by its flags ({@code --target=ipv4:...} and {@code
 * --service_config_json}), against three grpc-java interop servers: with {@code round_robin} its
 * large unary calls reach every server, with the default {@code pick_first} only one. grpc-java's
 * server keeps no count of calls, so each is behind a {@link CountingProxy} that counts the bytes
 * sent to it: a large_unary request is {@value #LARGE_REQUEST_BYTES} bytes of payload, so the count
 * shows how many requests a server got. Issue 13, item 10. The round_robin run is a matrix row of
 * its own (peer grpc-java, direction peer-server, path plaintext).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrunkClientRoundRobinToGrpcJavaServersIT {
  private static final int SERVERS = 3;

  /** The payload of a large_unary (and rpc_soak) request. */
  private static final int LARGE_REQUEST_BYTES = 271828;

  /** Large unary calls per run: ten per server if spread evenly. */
  private static final int CALLS = 30;

  /**
   * Fewest requests each server must get from round_robin: a third of {@link #CALLS} would be
   * exact, less leaves room for calls made before every connection was ready.
   */
  private static final int MIN_REQUESTS_PER_SERVER = 5;

  /** round_robin, and retries of UNAVAILABLE, as the item 10 asks for. */
  private static final String ROUND_ROBIN_CONFIG =
      """
      {"loadBalancingConfig": [{"round_robin": {}}],
       "methodConfig": [{"name": [{"service": "grpc.testing.TestService"}],
         "retryPolicy": {"maxAttempts": 3, "initialBackoff": "0.05s", "maxBackoff": "0.5s",
           "backoffMultiplier": 2, "retryableStatusCodes": ["UNAVAILABLE"]}}]}"""
          .replace("\n", " ");

  /** The same retries, no policy named: pick_first. */
  private static final String PICK_FIRST_CONFIG =
      """
      {"methodConfig": [{"name": [{"service": "grpc.testing.TestService"}],
         "retryPolicy": {"maxAttempts": 3, "initialBackoff": "0.05s", "maxBackoff": "0.5s",
           "backoffMultiplier": 2, "retryableStatusCodes": ["UNAVAILABLE"]}}]}"""
          .replace("\n", " ");

  private final List<RunningServer> servers = new ArrayList<>();

  @BeforeAll
  void startServers() {
    for (int i = 0; i < SERVERS; i++) {
      servers.add(InteropServers.startGrpcJava("grpc-java-server-round-robin-" + i, false));
    }
  }

  @AfterAll
  void stopServers() {
    for (RunningServer server : servers) {
      server.process().close();
    }
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void roundRobinSpreadsLargeUnaryCallsOverEveryServer() {
    List<CountingProxy> proxies = proxies();
    try {
      ChildRun soak = runTrunkClient("rpc_soak", ROUND_ROBIN_CONFIG, proxies);
      ChildRun empty = runTrunkClient("empty_unary", ROUND_ROBIN_CONFIG, proxies);
      ChildRun large = runTrunkClient("large_unary", ROUND_ROBIN_CONFIG, proxies);
      List<Long> requests = requestsPerServer(proxies);
      MatrixResults.recordChecks(
          "round_robin_ipv4_target",
          GrpcJavaClientToTrunkServerIT.PEER,
          MatrixResults.PEER_SERVER,
          "plaintext",
          "Trunk client --target=ipv4:<3 addresses> --service_config_json (round_robin, retry"
              + " policy) against 3 grpc-java servers, each behind a byte-counting TCP proxy:"
              + " rpc_soak ("
              + CALLS
              + " large unary calls), empty_unary and large_unary passed; large requests per server"
              + " "
              + requests
              + ". Logs: "
              + InteropEnv.display(soak.log())
              + ".",
          () -> {
            assertThat(soak.exit()).as(soak.description()).isEqualTo(InteropClient.EXIT_PASSED);
            assertThat(empty.exit()).as(empty.description()).isEqualTo(InteropClient.EXIT_PASSED);
            assertThat(large.exit()).as(large.description()).isEqualTo(InteropClient.EXIT_PASSED);
            assertThat(requests)
                .as("large requests per grpc-java server, from " + proxies + soak.description())
                .allMatch(count -> count >= MIN_REQUESTS_PER_SERVER);
          });
    } finally {
      proxies.forEach(CountingProxy::close);
    }
  }

  /** The control: the same measure shows pick_first sending every call to one server. */
  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void pickFirstSendsEveryLargeUnaryCallToOneServer() {
    List<CountingProxy> proxies = proxies();
    try {
      ChildRun soak = runTrunkClient("rpc_soak", PICK_FIRST_CONFIG, proxies);
      List<Long> requests = requestsPerServer(proxies);
      assertThat(soak.exit()).as(soak.description()).isEqualTo(InteropClient.EXIT_PASSED);
      assertThat(requests)
          .as("large requests per grpc-java server, from " + proxies + soak.description())
          .containsOnlyOnce((long) CALLS)
          .containsOnly(0L, (long) CALLS);
    } finally {
      proxies.forEach(CountingProxy::close);
    }
  }

  /** A client run's exit (null: timed out), log, and everything needed to explain a failure. */
  private record ChildRun(@Nullable Integer exit, Path log, String description) {}

  private List<CountingProxy> proxies() {
    List<CountingProxy> proxies = new ArrayList<>();
    for (RunningServer server : servers) {
      if (!server.process().isAlive()) {
        proxies.forEach(CountingProxy::close);
        throw new AssertionError("a grpc-java server has exited" + server.stateIfDead());
      }
      proxies.add(CountingProxy.start(server.port()));
    }
    return proxies;
  }

  private static List<Long> requestsPerServer(List<CountingProxy> proxies) {
    return proxies.stream().map(p -> p.bytesToBackend() / LARGE_REQUEST_BYTES).toList();
  }

  private ChildRun runTrunkClient(
      String testCase, String serviceConfig, List<CountingProxy> proxies) {
    String target =
        "ipv4:"
            + proxies.stream().map(p -> "127.0.0.1:" + p.port()).collect(Collectors.joining(","));
    List<String> args =
        new ArrayList<>(
            List.of(
                "-jar",
                InteropEnv.interopJar().toString(),
                "client",
                "--target=" + target,
                "--service_config_json=" + serviceConfig,
                "--test_case=" + testCase));
    if (testCase.equals("rpc_soak")) {
      args.addAll(
          List.of(
              "--soak_iterations=" + CALLS,
              "--soak_max_failures=0",
              "--soak_per_iteration_max_acceptable_latency_ms=5000",
              "--soak_overall_timeout_seconds=60"));
    }
    String name =
        "trunk-client-"
            + (serviceConfig.contains("round_robin") ? "round-robin-" : "pick-first-")
            + testCase;
    try (ChildProcess client =
        ChildProcess.startJava(
            name, InteropEnv.clientJvmFlags("trunk-client-" + getClass().getSimpleName()), args)) {
      Integer exit = client.awaitExit(InteropEnv.CLIENT_TIMEOUT);
      String description =
          "\nTrunk's client "
              + (exit == null ? "timed out after " + InteropEnv.CLIENT_TIMEOUT : "exited " + exit)
              + " on "
              + testCase
              + client.describe()
              + servers.stream().map(RunningServer::stateIfDead).collect(Collectors.joining());
      return new ChildRun(exit, client.log(), description);
    }
  }
}
