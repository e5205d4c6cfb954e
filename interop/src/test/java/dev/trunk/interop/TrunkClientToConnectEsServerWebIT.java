package dev.trunk.interop;

import dev.trunk.interop.ConnectEsWebProtocolsIT.Mode;
import dev.trunk.interop.InteropServers.RunningServer;
import dev.trunk.interop.MatrixCell.ClientRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Trunk interop client against connect-es's server ({@code
 * interop/peers/node/connect-es/server.js}, which serves gRPC, gRPC-Web and Connect) in the
 * gRPC-Web and Connect protocols over HTTP/1.1 and HTTP/2: every matrix case in each mode, recorded
 * in the server direction of the same columns as {@link ConnectEsWebProtocolsIT}'s binary modes
 * (peer {@code connect-es (connect, HTTP/1.1, binary)} and so on). Trunk's client speaks protobuf
 * only, so there is no JSON mode. HTTP/1.1 runs in plaintext (Trunk's HTTP/1.1 channel has no TLS
 * yet); HTTP/2 in plaintext (prior knowledge) and over TLS (ALPN h2). The gRPC protocol is {@link
 * ConnectEsPeerIT}'s.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrunkClientToConnectEsServerWebIT {
  /** The cases that need FullDuplexCall to be full duplex, which HTTP/1.1 cannot carry. */
  private static final List<String> FULL_DUPLEX_CASES =
      List.of("ping_pong", "empty_stream", "cancel_after_first_response");

  /** Why a full-duplex case is n/a over HTTP/1.1 (Trunk's client exits 3 for it). */
  static final String NO_BIDI_OVER_HTTP1 =
      "FullDuplexCall is bidirectional streaming, which needs HTTP/2: over HTTP/1.1 the whole"
          + " request is sent before the response, so Trunk's HTTP/1.1 channel fails"
          + " bidi-streaming calls with UNIMPLEMENTED (and connect-es's server answers them with"
          + " 505 HTTP Version Not Supported), and Trunk's client reports the case unsupported."
          + " custom_metadata, status_code_and_message and timeout_on_sleeping_server run their"
          + " streaming half as a StreamingOutputCall instead, and say so in a note.";

  /** What Trunk's client prints when its client_compressed_unary probe is not refused. */
  private static final String UNARY_PROBE_NOT_REFUSED =
      "probe: uncompressed UnaryCall with expect_compressed=true: succeeded";

  /** What Trunk's client prints when its client_compressed_streaming probe is not refused. */
  private static final String STREAMING_PROBE_NOT_REFUSED =
      "probe: uncompressed StreamingInputCall message with expect_compressed=true: succeeded";

  /** The modes: gRPC-Web and Connect, HTTP/1.1 and HTTP/2, protobuf. */
  static final List<Mode> MODES =
      ConnectEsWebProtocolsIT.MODES.stream().filter(mode -> !mode.json()).toList();

  /** The connect-es scripts, copied and generated as {@link ConnectEsPeerIT} does it. */
  private final ConnectEsPeerIT scripts = new ConnectEsPeerIT();

  /** connect-es's server, one per HTTP version (node serves one version per socket). */
  private final Map<String, ServerPerTransport> servers =
      Map.of(
          "1.1", new ServerPerTransport(tls -> start("1.1", tls)),
          "2", new ServerPerTransport(tls -> start("2", tls)));

  static Stream<Arguments> cells() {
    return MODES.stream()
        .flatMap(
            mode ->
                mode.paths().stream()
                    .flatMap(
                        path ->
                            InteropEnv.MATRIX_CASES.stream()
                                .map(testCase -> Arguments.of(mode, testCase, path))));
  }

  @ParameterizedTest(name = "Trunk client ({0}) -> connect-es server: {1}, {2}")
  @MethodSource("cells")
  @Timeout(value = 150, unit = TimeUnit.SECONDS)
  void trunkClientPassesEveryCaseTheServerCanServe(Mode mode, String testCase, String path) {
    plan(mode, testCase)
        .evaluate(mode.peer(), MatrixResults.PEER_SERVER, path, c -> run(mode, c, path));
  }

  /** What a cell runs, and which failures are connect-es's or HTTP/1.1's known limits. */
  private static MatrixCell plan(Mode mode, String testCase) {
    return switch (testCase) {
      case "cacheable_unary" ->
          MatrixCell.knownLimit(
              testCase,
              GrpcJsAndConnectEsPeers.TRUNK_CACHEABLE_SIGNATURE,
              GrpcJsAndConnectEsPeers.trunkClientCacheable("connect-es"));
      case "client_compressed_unary" ->
          MatrixCell.knownLimit(
                  testCase, UNARY_PROBE_NOT_REFUSED, ConnectEsPeerIT.NO_COMPRESSED_REQUEST)
              .withStandIn("client_compressed_unary_noprobe");
      case "client_compressed_streaming" ->
          MatrixCell.knownLimit(
                  testCase, STREAMING_PROBE_NOT_REFUSED, ConnectEsPeerIT.NO_COMPRESSED_REQUEST)
              .withStandIn("client_compressed_streaming_noprobe");
      case "server_compressed_unary", "server_compressed_streaming" ->
          MatrixCell.notApplicable(testCase, ConnectEsPeerIT.NO_COMPRESSED_RESPONSE);
      default ->
          mode.http1() && FULL_DUPLEX_CASES.contains(testCase)
              ? MatrixCell.knownLimit(testCase, "UNSUPPORTED " + testCase + ":", NO_BIDI_OVER_HTTP1)
              : MatrixCell.run(testCase);
    };
  }

  /** Runs Trunk's client in {@code mode} on {@code testCase} over {@code path}. */
  private ClientRun run(Mode mode, String testCase, String path) {
    boolean tls = path.equals("tls");
    RunningServer server = servers.get(mode.httpVersion()).get(tls);
    List<String> args =
        new ArrayList<>(
            List.of(
                "-jar",
                InteropEnv.interopJar().toString(),
                "client",
                "--server_host=127.0.0.1",
                "--server_port=" + server.port(),
                "--use_tls=" + tls,
                "--use_test_ca=true",
                "--server_host_override=" + TestCerts.SERVER_HOST_OVERRIDE,
                "--test_case=" + testCase,
                "--protocol=" + mode.protocol(),
                "--http_version=" + mode.httpVersion()));
    args.addAll(InteropEnv.soakFlags(testCase));
    try (ChildProcess client =
        ChildProcess.startJava(
            "trunk-client-"
                + mode.protocol()
                + "-h"
                + mode.httpVersion()
                + "-to-connect-es-"
                + testCase
                + "-"
                + path,
            InteropEnv.clientJvmFlags("trunk-client-" + getClass().getSimpleName()),
            args)) {
      Integer exit = client.awaitExit(InteropEnv.CLIENT_TIMEOUT);
      String description =
          "\nthe Trunk client ("
              + mode
              + ") "
              + ConnectEsWebProtocolsIT.outcome(exit)
              + " on "
              + testCase
              + " against the connect-es server over "
              + path
              + client.describe()
              + server.stateIfDead();
      return new ClientRun(
          testCase,
          exit,
          exit != null && exit == InteropClient.EXIT_UNSUPPORTED,
          client.output(),
          description,
          InteropEnv.display(client.log()));
    }
  }

  private RunningServer start(String httpVersion, boolean tls) {
    return ConnectEsWebProtocolsIT.startConnectEs("trunk-client-web", scripts, httpVersion, tls);
  }

  @AfterAll
  void stopServers() {
    servers.values().forEach(ServerPerTransport::close);
  }
}
