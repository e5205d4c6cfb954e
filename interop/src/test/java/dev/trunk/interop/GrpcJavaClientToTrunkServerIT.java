package dev.trunk.interop;

import dev.trunk.interop.MatrixCell.ClientRun;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * grpc-java's interop client ({@code io.grpc.testing.integration.TestServiceClient}) against the
 * Trunk interop server ({@code trunk-interop.jar server}): every matrix case on every path
 * (plaintext, TLS, and plaintext through nginx), each cell recorded in the matrix as peer {@value
 * #PEER}, direction {@value MatrixResults#PEER_CLIENT}. One Trunk server per transport serves every
 * case; nginx forwards to the plaintext one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Execution(ExecutionMode.CONCURRENT) // alongside the other direction; see the pom
class GrpcJavaClientToTrunkServerIT {
  static final String PEER = "grpc-java";

  /**
   * grpc-java's client runs cacheable_unary as the spec says: CacheableUnaryCall twice with one
   * payload, then once with another, asserting that the first two responses are equal (the second
   * came from a cache) and the third differs. With no cache in the path its first assertion fails.
   */
  static final String CACHEABLE_NEEDS_A_CACHE =
      "The case needs a caching proxy in front of the server (the spec's set-up), and this path"
          + " has none: grpc-java's client sent both calls as POST (Trunk's server answers POST"
          + " only), the Trunk server answered each with a fresh timestamp, and the client's"
          + " assertEquals on the two payloads failed, as it must without a cache.";

  /** Index 0: plaintext, 1: TLS; each started by the first case that needs it. */
  private final ServerPerTransport servers =
      new ServerPerTransport(InteropServers::startTrunk, "nginx-to-trunk-server");

  static Stream<Arguments> cells() {
    return InteropEnv.matrixCells();
  }

  /** What the cell runs; every case runs unless listed here. */
  static MatrixCell plan(String testCase, String path) {
    if (testCase.equals("cacheable_unary")) {
      return path.equals("nginx")
          ? MatrixCell.notApplicable(testCase, NginxProxy.NO_CACHE)
          : MatrixCell.knownLimit(
              testCase, "java.lang.AssertionError: expected:<payload", CACHEABLE_NEEDS_A_CACHE);
    }
    return MatrixCell.run(testCase);
  }

  @ParameterizedTest(name = "grpc-java client -> Trunk server [{1}]: {0}")
  @MethodSource("cells")
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  @Execution(ExecutionMode.SAME_THREAD) // one cell at a time within the class
  void cell(String testCase, String path) {
    plan(testCase, path)
        .evaluate(PEER, MatrixResults.PEER_CLIENT, path, name -> runClient(name, path));
  }

  private ClientRun runClient(String testCase, String path) {
    boolean tls = path.equals("tls");
    int port = servers.port(path);
    List<String> args =
        new ArrayList<>(
            List.of(
                "-cp",
                InteropEnv.peerClassPath(),
                "io.grpc.testing.integration.TestServiceClient",
                "--server_host=127.0.0.1",
                "--server_port=" + port,
                "--use_tls=" + tls,
                "--use_test_ca=true",
                "--server_host_override=" + TestCerts.SERVER_HOST_OVERRIDE,
                "--test_case=" + testCase));
    args.addAll(InteropEnv.soakFlags(testCase));
    try (ChildProcess client =
        ChildProcess.startJava(
            "grpc-java-client-" + path + "-" + testCase,
            InteropEnv.clientJvmFlags("grpc-java-client-" + getClass().getSimpleName()),
            args)) {
      Integer exit = client.awaitExit(InteropEnv.CLIENT_TIMEOUT);
      String description =
          "\ngrpc-java's client "
              + (exit == null ? "timed out after " + InteropEnv.CLIENT_TIMEOUT : "exited " + exit)
              + " on "
              + testCase
              + " against the Trunk server ("
              + path
              + ")"
              + client.describe()
              + servers.state(path);
      return new ClientRun(
          testCase, exit, false, client.output(), description, InteropEnv.display(client.log()));
    }
  }

  @AfterAll
  void stopServers() {
    servers.close();
  }
}
