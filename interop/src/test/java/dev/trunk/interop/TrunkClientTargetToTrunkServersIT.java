package dev.trunk.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trunk.CallOptions;
import dev.trunk.Channel;
import dev.trunk.Metadata;
import dev.trunk.interop.InteropServers.RunningServer;
import io.grpc.testing.integration.Messages.SimpleRequest;
import io.grpc.testing.integration.Messages.SimpleResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Trunk's interop client with {@code --target=ipv4:127.0.0.1:P1,127.0.0.2:P2} and {@code
 * --service_config_json} (round_robin and a retry policy) runs standard cases against two Trunk
 * interop servers, one bound to 127.0.0.2 with {@code --address} (on Linux all of 127/8 is
 * loopback). Issue 13, item 8. Not part of the matrix (both ends are Trunk).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrunkClientTargetToTrunkServersIT {
  /** The second server's address: loopback, but not the default one. */
  private static final String SECOND_ADDRESS = "127.0.0.2";

  /** round_robin and retries of UNAVAILABLE for the whole service. */
  private static final String SERVICE_CONFIG =
      """
      {"loadBalancingConfig": [{"round_robin": {}}],
       "methodConfig": [{"name": [{"service": "grpc.testing.TestService"}],
         "retryPolicy": {"maxAttempts": 3, "initialBackoff": "0.01s", "maxBackoff": "0.05s",
           "backoffMultiplier": 2, "retryableStatusCodes": ["UNAVAILABLE"]}}]}"""
          .replace("\n", " ");

  /** Calls made through the API to see both servers answer. */
  private static final int CALLS = 20;

  /** Deadline of each call made through the API. */
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(20);

  private final List<RunningServer> servers = new ArrayList<>();

  @BeforeAll
  void startServers() {
    servers.add(InteropServers.startTrunk("trunk-server-target-first", "127.0.0.1"));
    servers.add(InteropServers.startTrunk("trunk-server-target-second", SECOND_ADDRESS));
  }

  @AfterAll
  void stopServers() {
    for (RunningServer server : servers) {
      server.process().close();
    }
  }

  @ParameterizedTest(name = "Trunk client --target=ipv4:two addresses: {0}")
  @ValueSource(
      strings = {
        "empty_unary",
        "large_unary",
        "client_streaming",
        "server_streaming",
        "ping_pong",
        "custom_metadata",
        "status_code_and_message",
        "timeout_on_sleeping_server"
      })
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void standardCasePassesWithTargetAndServiceConfigFlags(String testCase) {
    assertCasePasses(testCase, List.of("--service_config_json=" + SERVICE_CONFIG));
  }

  /**
   * pick_first_unary means something with two addresses: with no policy set, one server answers.
   */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void pickFirstUnaryPassesWithoutAPolicy() {
    assertCasePasses("pick_first_unary", List.of());
  }

  /** The same target and config through the API: both servers answer, and retries work. */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void roundRobinReachesTheServerOn127002AndRetriesFailedAttempts() {
    Channel channel = Channel.forTarget(target()).defaultServiceConfig(SERVICE_CONFIG).build();
    try {
      SimpleRequest request = SimpleRequest.newBuilder().setFillServerId(true).build();
      CallOptions options = CallOptions.DEFAULT.withTimeout(CALL_TIMEOUT);
      Set<String> serverIds = new HashSet<>();
      for (int i = 0; i < CALLS; i++) {
        serverIds.add(channel.unaryCall(TestMethods.UNARY_CALL, request, options).getServerId());
      }
      assertThat(serverIds).as("server ids over " + CALLS + " calls" + serversState()).hasSize(2);

      Metadata failTwice = new Metadata().add(TestServiceImpl.FAIL_ATTEMPTS_KEY, "2");
      SimpleResponse retried =
          channel.unaryCall(TestMethods.UNARY_CALL, request, options.withMetadata(failTwice));
      assertThat(retried.getServerId()).isIn(serverIds);
      String log = servers.get(0).process().output() + servers.get(1).process().output();
      assertThat(log)
          .as("the servers' test hook lines")
          .contains(TestServiceImpl.ATTEMPT_LOG + " previous_attempts=1 ")
          .contains(TestServiceImpl.ATTEMPT_LOG + " previous_attempts=2 ");
    } finally {
      channel.shutdownNow();
    }
  }

  private void assertCasePasses(String testCase, List<String> extraFlags) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "-jar",
                InteropEnv.interopJar().toString(),
                "client",
                "--target=" + target(),
                "--test_case=" + testCase));
    args.addAll(extraFlags);
    try (ChildProcess client =
        ChildProcess.startJava(
            "trunk-client-target-" + testCase,
            InteropEnv.clientJvmFlags("trunk-client-" + getClass().getSimpleName()),
            args)) {
      Integer exit = client.awaitExit(InteropEnv.CLIENT_TIMEOUT);
      assertThat(exit)
          .as("Trunk's client on " + testCase + client.describe() + serversState())
          .isEqualTo(InteropClient.EXIT_PASSED);
    }
  }

  private String target() {
    return "ipv4:127.0.0.1:"
        + servers.get(0).port()
        + ","
        + SECOND_ADDRESS
        + ":"
        + servers.get(1).port();
  }

  private String serversState() {
    return servers.get(0).stateIfDead() + servers.get(1).stateIfDead();
  }
}
