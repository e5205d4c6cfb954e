package dev.trunk.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trunk.interop.InteropServers.RunningServer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Trunk client against the Trunk server, only for the cases the other directions cannot check:
 * grpc-java's server does not implement expect_compressed, so only a Trunk server can tell whether
 * the Trunk client really sets (and, per message, clears) the Compressed-Flag.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrunkClientToTrunkServerIT {
  private final RunningServer[] servers = new RunningServer[2];

  static Stream<Arguments> probingCases() {
    return InteropEnv.casesAndTransports(
        List.of("client_compressed_unary", "client_compressed_streaming"));
  }

  @ParameterizedTest(name = "Trunk client -> Trunk server: {0}, tls={1}")
  @MethodSource("probingCases")
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void probingCase(String testCase, boolean useTls) {
    RunningServer server = server(useTls);
    String name = "trunk-to-trunk-" + testCase + (useTls ? "-tls" : "-plaintext");
    try (ChildProcess client =
        ChildProcess.startJava(
            name,
            InteropEnv.CLIENT_JVM_FLAGS,
            List.of(
                "-jar",
                InteropEnv.interopJar().toString(),
                "client",
                "--server_host=127.0.0.1",
                "--server_port=" + server.port(),
                "--use_tls=" + useTls,
                "--use_test_ca=true",
                "--server_host_override=" + TestCerts.SERVER_HOST_OVERRIDE,
                "--test_case=" + testCase))) {
      Integer exit = client.awaitExit(InteropEnv.CLIENT_TIMEOUT);
      assertThat(exit)
          .as(
              "the Trunk client "
                  + (exit == null ? "timed out" : "exited " + exit)
                  + " on "
                  + testCase
                  + " against the Trunk server"
                  + client.describe()
                  + server.stateIfDead())
          .isEqualTo(InteropClient.EXIT_PASSED);
    }
  }

  private synchronized RunningServer server(boolean tls) {
    int index = tls ? 1 : 0;
    RunningServer running = servers[index];
    if (running == null || !running.process().isAlive()) {
      if (running != null) {
        running.process().close();
      }
      running = InteropServers.startTrunk(tls);
      servers[index] = running;
    }
    return running;
  }

  @AfterAll
  void stopServers() {
    for (int i = 0; i < servers.length; i++) {
      if (servers[i] != null) {
        servers[i].process().close();
        servers[i] = null;
      }
    }
  }
}
