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
 * The Trunk interop client ({@code trunk-interop.jar client}) against grpc-java's interop server
 * ({@code io.grpc.testing.integration.TestServiceServer}): every matrix case on every path
 * (plaintext, TLS, and plaintext through nginx), each cell recorded in the matrix as peer {@value
 * GrpcJavaClientToTrunkServerIT#PEER}, direction {@value MatrixResults#PEER_SERVER}. One grpc-java
 * server per transport serves every case; nginx forwards to the plaintext one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Execution(ExecutionMode.CONCURRENT) // alongside the other direction; see the pom
class TrunkClientToGrpcJavaServerIT {
  static final String PEER = GrpcJavaClientToTrunkServerIT.PEER;

  static final String NO_CACHEABLE_UNARY_CALL =
      "grpc-java 1.79's interop server does not implement CacheableUnaryCall: it answers"
          + " UNIMPLEMENTED. The case would also need a caching proxy and cacheable GET requests,"
          + " and Trunk's client sends every call as POST.";

  static final String NO_COMPRESSED_REQUEST =
      "grpc-java 1.79's interop server does not implement the CompressedRequest feature: it"
          + " ignores expect_compressed, so the spec's feature probe (an uncompressed request with"
          + " expect_compressed=true) succeeded instead of failing with INVALID_ARGUMENT."
          + " grpc-java's own client fails the probing case against this server the same way, and"
          + " offers the _noprobe variant for such servers: it sends the same compressed and"
          + " uncompressed requests without the probe.";

  static final String NO_SERVER_ID =
      "grpc-java 1.79's interop server ignores fill_server_id (server_id and hostname stay"
          + " empty), so the client cannot tell which server answered; grpc-java's own client"
          + " passes only because it compares the empty ids with each other.";

  /** Index 0: plaintext, 1: TLS; each started by the first case that needs it. */
  private final ServerPerTransport servers =
      new ServerPerTransport(InteropServers::startGrpcJava, "nginx-to-grpc-java-server");

  static Stream<Arguments> cells() {
    return InteropEnv.matrixCells();
  }

  /** What the cell runs; every case runs unless listed here. */
  static MatrixCell plan(String testCase, String path) {
    return switch (testCase) {
      case "cacheable_unary" ->
          path.equals("nginx")
              ? MatrixCell.notApplicable(testCase, NginxProxy.NO_CACHE)
              : MatrixCell.knownLimit(
                  testCase,
                  "UNIMPLEMENTED: Method grpc.testing.TestService/CacheableUnaryCall is"
                      + " unimplemented",
                  NO_CACHEABLE_UNARY_CALL);
      case "client_compressed_unary", "client_compressed_streaming" ->
          MatrixCell.knownLimit(
                  testCase,
                  "with expect_compressed=true: succeeded, but it must fail",
                  NO_COMPRESSED_REQUEST)
              .withStandIn(testCase + "_noprobe");
      case "pick_first_unary" ->
          MatrixCell.knownLimit(
              testCase, "server_id is empty although fill_server_id is set", NO_SERVER_ID);
      default -> MatrixCell.run(testCase);
    };
  }

  @ParameterizedTest(name = "Trunk client -> grpc-java server [{1}]: {0}")
  @MethodSource("cells")
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  @Execution(ExecutionMode.SAME_THREAD) // one cell at a time within the class
  void cell(String testCase, String path) {
    plan(testCase, path)
        .evaluate(PEER, MatrixResults.PEER_SERVER, path, name -> runClient(name, path));
  }

  private ClientRun runClient(String testCase, String path) {
    boolean tls = path.equals("tls");
    int port = servers.port(path);
    List<String> args =
        new ArrayList<>(
            List.of(
                "-jar",
                InteropEnv.interopJar().toString(),
                "client",
                "--server_host=127.0.0.1",
                "--server_port=" + port,
                "--use_tls=" + tls,
                "--use_test_ca=true",
                "--server_host_override=" + TestCerts.SERVER_HOST_OVERRIDE,
                "--test_case=" + testCase));
    args.addAll(InteropEnv.soakFlags(testCase));
    try (ChildProcess client =
        ChildProcess.startJava(
            "trunk-client-" + path + "-" + testCase,
            InteropEnv.clientJvmFlags("trunk-client-" + getClass().getSimpleName()),
            args)) {
      Integer exit = client.awaitExit(InteropEnv.CLIENT_TIMEOUT);
      String description =
          "\nThe Trunk client "
              + (exit == null ? "timed out after " + InteropEnv.CLIENT_TIMEOUT : "exited " + exit)
              + " on "
              + testCase
              + " against grpc-java's server ("
              + path
              + ")"
              + client.describe()
              + servers.state(path);
      return new ClientRun(
          testCase,
          exit,
          exit != null && exit == InteropClient.EXIT_UNSUPPORTED,
          client.output(),
          description,
          InteropEnv.display(client.log()));
    }
  }

  @AfterAll
  void stopServers() {
    servers.close();
  }
}
