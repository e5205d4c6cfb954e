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
 * grpc-java's interop client ({@code io.grpc.testing.integration.TestServiceClient}) against the
 * Trunk interop server ({@code trunk-interop.jar server}), one test per case and transport. One
 * server per transport serves every case.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrpcJavaClientToTrunkServerIT {
  /** Index 0: plaintext, 1: TLS; each started by the first case that needs it. */
  private final RunningServer[] servers = new RunningServer[2];

  static Stream<Arguments> requiredCases() {
    return InteropEnv.casesAndTransports(InteropEnv.REQUIRED_CASES);
  }

  static Stream<Arguments> optionalCases() {
    return InteropEnv.casesAndTransports(InteropEnv.OPTIONAL_CASES);
  }

  @ParameterizedTest(name = "grpc-java client -> Trunk server: {0}, tls={1}")
  @MethodSource("requiredCases")
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void requiredCase(String testCase, boolean useTls) {
    run(testCase, useTls);
  }

  @ParameterizedTest(name = "grpc-java client -> Trunk server: {0}, tls={1}")
  @MethodSource("optionalCases")
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void optionalCase(String testCase, boolean useTls) {
    run(testCase, useTls);
  }

  private void run(String testCase, boolean useTls) {
    RunningServer server = server(useTls);
    String name = "grpc-java-client-" + testCase + (useTls ? "-tls" : "-plaintext");
    try (ChildProcess client =
        ChildProcess.startJava(
            name,
            InteropEnv.CLIENT_JVM_FLAGS,
            List.of(
                "-cp",
                InteropEnv.peerClassPath(),
                "io.grpc.testing.integration.TestServiceClient",
                "--server_host=127.0.0.1",
                "--server_port=" + server.port(),
                "--use_tls=" + useTls,
                "--use_test_ca=true",
                "--server_host_override=" + TestCerts.SERVER_HOST_OVERRIDE,
                "--test_case=" + testCase))) {
      Integer exit = client.awaitExit(InteropEnv.CLIENT_TIMEOUT);
      String failure =
          "grpc-java's client "
              + (exit == null ? "timed out after " + InteropEnv.CLIENT_TIMEOUT : "exited " + exit)
              + " on "
              + testCase
              + " against the Trunk server"
              + (useTls ? " over TLS" : " in plaintext")
              + client.describe()
              + server.stateIfDead();
      assertThat(exit).as(failure).isEqualTo(0);
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
