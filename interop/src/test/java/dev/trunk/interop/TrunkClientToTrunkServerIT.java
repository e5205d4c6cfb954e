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
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Trunk client against the Trunk server, only for what the grpc-java pairs cannot check:
 * grpc-java's server does not implement expect_compressed, so only a Trunk server can tell whether
 * the Trunk client really sets (and, per message, clears) the Compressed-Flag; and it lacks
 * CacheableUnaryCall, so only here does Trunk's client see the cache headers of Trunk's server. Not
 * part of the matrix (both ends are Trunk).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrunkClientToTrunkServerIT {
  private final ServerPerTransport servers = new ServerPerTransport(InteropServers::startTrunk);

  static Stream<Arguments> probingCases() {
    return InteropEnv.casesAndTransports(
        List.of("client_compressed_unary", "client_compressed_streaming"));
  }

  @ParameterizedTest(name = "Trunk client -> Trunk server: {0}, tls={1}")
  @MethodSource("probingCases")
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void probingCase(String testCase, boolean useTls) {
    try (ChildProcess client = runClient(testCase, useTls)) {
      assertThat(client.awaitExit(InteropEnv.CLIENT_TIMEOUT))
          .as(failure(client, testCase, useTls))
          .isEqualTo(InteropClient.EXIT_PASSED);
    }
  }

  /**
   * cacheable_unary, Trunk's server side: both calls answered, with a cache-control header. With no
   * cache in between (and over gRPC, as POST), Trunk's client reports the case unsupported (exit 3)
   * after checking the header; anything else is a failure.
   */
  @ParameterizedTest(name = "Trunk client -> Trunk server: cacheable_unary, tls={0}")
  @ValueSource(booleans = {false, true})
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void cacheableUnaryCallAnswersWithCacheHeaders(boolean useTls) {
    try (ChildProcess client = runClient("cacheable_unary", useTls)) {
      assertThat(client.awaitExit(InteropEnv.CLIENT_TIMEOUT))
          .as(failure(client, "cacheable_unary", useTls))
          .isEqualTo(InteropClient.EXIT_UNSUPPORTED);
      assertThat(client.output()).contains("cache-control: max-age=60, public");
    }
  }

  private String failure(ChildProcess client, String testCase, boolean useTls) {
    return "the Trunk client on "
        + testCase
        + " against the Trunk server"
        + (useTls ? " over TLS" : " in plaintext")
        + client.describe()
        + servers.stateIfDead(useTls);
  }

  private ChildProcess runClient(String testCase, boolean useTls) {
    RunningServer server = server(useTls);
    String name = "trunk-to-trunk-" + testCase + (useTls ? "-tls" : "-plaintext");
    return ChildProcess.startJava(
        name,
        InteropEnv.clientJvmFlags("trunk-client-" + getClass().getSimpleName()),
        List.of(
            "-jar",
            InteropEnv.interopJar().toString(),
            "client",
            "--server_host=127.0.0.1",
            "--server_port=" + server.port(),
            "--use_tls=" + useTls,
            "--use_test_ca=true",
            "--server_host_override=" + TestCerts.SERVER_HOST_OVERRIDE,
            "--test_case=" + testCase));
  }

  private RunningServer server(boolean tls) {
    return servers.get(tls);
  }

  @AfterAll
  void stopServers() {
    servers.close();
  }
}
