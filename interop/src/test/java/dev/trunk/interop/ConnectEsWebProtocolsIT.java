package dev.trunk.interop;

import dev.trunk.interop.InteropServers.RunningServer;
import dev.trunk.interop.MatrixCell.ClientRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * connect-es's client ({@code interop/peers/node/connect-es/client.js}) against the Trunk interop
 * server in the gRPC-Web and Connect protocols, over HTTP/1.1 and HTTP/2, in binary and JSON: every
 * matrix case in each of the eight modes, one matrix column per mode and path (peer {@code
 * connect-es (connect, HTTP/1.1, JSON)} and so on). HTTP/1.1 runs in plaintext (the server tells it
 * from HTTP/2 by the first bytes); HTTP/2 in plaintext (prior knowledge) and over TLS (ALPN h2).
 *
 * <p>With {@code -Dweb.server=connect-es} the same cells run against connect-es's own server
 * ({@code server.js}, which serves all three protocols), recorded in columns of their own: that
 * checks the client itself.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectEsWebProtocolsIT {
  /** Selects the server the cells call: {@code trunk} (the default) or {@code connect-es}. */
  static final String SERVER_PROPERTY = "web.server";

  /** The matrix direction of the cells against connect-es's own server. */
  static final String AGAINST_CONNECT_ES = "client → connect-es server";

  /** What connect-es's server prints once it listens. */
  private static final String CONNECT_ES_LISTENING =
      "connect-es interop server listening on 127.0.0.1:";

  /** The cases that need FullDuplexCall to be full duplex, which HTTP/1.1 cannot carry. */
  private static final List<String> FULL_DUPLEX_CASES =
      List.of("ping_pong", "empty_stream", "cancel_after_first_response");

  /** Why a full-duplex case is n/a over HTTP/1.1 (the client exits 3 with this reason). */
  static final String NO_BIDI_OVER_HTTP1 =
      "FullDuplexCall is bidirectional streaming, which needs HTTP/2: over HTTP/1.1 a request body"
          + " and its response cannot be relied on to flow at once (connect-es's own server answers"
          + " a bidi-streaming call over HTTP/1.x with 505 HTTP Version Not Supported), so"
          + " connect-es's client reports the case unsupported. custom_metadata,"
          + " status_code_and_message and timeout_on_sleeping_server run their streaming half as a"
          + " StreamingOutputCall instead, and say so in a note.";

  /** cacheable_unary's n/a reason in gRPC-Web, which has no GET. */
  static final String GRPC_WEB_CACHEABLE =
      "The case needs a caching proxy in front of the server (the spec's set-up) and cacheable GET"
          + " requests, and this path has neither: gRPC-Web sends every call as POST, the server"
          + " answered each with a fresh timestamp, and the client's check that the two payloads"
          + " are equal failed, as it must without a cache.";

  /** cacheable_unary's n/a reason in the Connect protocol, which calls the method with GET. */
  static final String CONNECT_CACHEABLE =
      "The case needs a caching proxy in front of the server (the spec's set-up), and this path"
          + " has none: connect-es's Connect client sent both calls as GET requests"
          + " (CacheableUnaryCall marked NO_SIDE_EFFECTS, useHttpGet), the server answered each"
          + " with a fresh timestamp, and the client's check that the two payloads are equal"
          + " failed, as it must without a cache. Through nginx's cache (the 'nginx cache' path)"
          + " the same client passes.";

  /** What the client prints when its client_compressed_unary probe is not refused. */
  private static final String PROBE_NOT_REFUSED =
      "probe: uncompressed UnaryCall with expect_compressed=true: succeeded";

  /** One way connect-es's client talks to the server. */
  record Mode(String protocol, String httpVersion, boolean json) {
    /** The matrix peer: "connect-es (connect, HTTP/1.1, JSON)". */
    String peer() {
      return "connect-es (" + protocol + ", HTTP/" + httpVersion + ", " + format() + ")";
    }

    private String format() {
      return json ? "JSON" : "binary";
    }

    boolean http1() {
      return httpVersion.equals("1.1");
    }

    /** The client's flags for this mode. */
    List<String> flags() {
      return List.of(
          "--protocol=" + protocol, "--http_version=" + httpVersion, "--use_json=" + json);
    }

    /** The name of a client run's log: "connect-es-connect-h1.1-JSON-client-CASE-PATH". */
    String logName(String testCase, String path) {
      String name = "connect-es-" + protocol + "-h" + httpVersion + "-" + format();
      return name + "-client-" + testCase + "-" + path.replace(' ', '-');
    }

    /** Plaintext and TLS (ALPN http/1.1 or h2). */
    List<String> paths() {
      return List.of("plaintext", "tls");
    }

    @Override
    public String toString() {
      return protocol + ", HTTP/" + httpVersion + ", " + format();
    }
  }

  /** Every mode: gRPC-Web and Connect, HTTP/1.1 and HTTP/2, binary and JSON. */
  static final List<Mode> MODES =
      Stream.of("grpc-web", "connect")
          .flatMap(
              protocol ->
                  Stream.of("1.1", "2")
                      .flatMap(
                          version ->
                              Stream.of(false, true)
                                  .map(json -> new Mode(protocol, version, json))))
          .toList();

  /** The connect-es scripts, copied and generated as {@link ConnectEsPeerIT} does it. */
  private final ConnectEsPeerIT scripts = new ConnectEsPeerIT();

  /** Trunk's interop server: one port for every protocol and HTTP version. */
  private final ServerPerTransport trunkServers =
      new ServerPerTransport(tls -> startTrunk("connect-es-web", tls));

  /** connect-es's server, one per HTTP version (node serves one version per socket). */
  private final Map<String, ServerPerTransport> connectEsServers =
      Map.of(
          "1.1",
              new ServerPerTransport(tls -> startConnectEs("connect-es-web", scripts, "1.1", tls)),
          "2", new ServerPerTransport(tls -> startConnectEs("connect-es-web", scripts, "2", tls)));

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

  @ParameterizedTest(name = "connect-es client ({0}) -> server: {1}, {2}")
  @MethodSource("cells")
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void connectEsClientPassesEveryCaseItCanExpress(Mode mode, String testCase, String path) {
    plan(mode, testCase).evaluate(mode.peer(), direction(), path, c -> run(mode, c, path));
  }

  /** What a cell runs, and which failures are the client's known limits. */
  private static MatrixCell plan(Mode mode, String testCase) {
    if (testCase.equals("cacheable_unary")) {
      String reason = mode.protocol().equals("connect") ? CONNECT_CACHEABLE : GRPC_WEB_CACHEABLE;
      return MatrixCell.knownLimit(testCase, GrpcJsAndConnectEsPeers.NO_CACHE_SIGNATURE, reason);
    }
    if (testCase.equals("client_compressed_streaming")) {
      return MatrixCell.knownLimit(
          testCase, unsupported(testCase), ConnectEsPeerIT.NO_PER_MESSAGE_COMPRESSION);
    }
    if (mode.http1() && FULL_DUPLEX_CASES.contains(testCase)) {
      return MatrixCell.knownLimit(testCase, unsupported(testCase), NO_BIDI_OVER_HTTP1);
    }
    if (againstConnectEs() && testCase.equals("client_compressed_unary")) {
      return MatrixCell.knownLimit(
          testCase, PROBE_NOT_REFUSED, ConnectEsPeerIT.NO_COMPRESSED_REQUEST);
    }
    return MatrixCell.run(testCase);
  }

  private static String unsupported(String testCase) {
    return "UNSUPPORTED " + testCase + ":";
  }

  static boolean againstConnectEs() {
    return System.getProperty(SERVER_PROPERTY, "trunk").equals("connect-es");
  }

  private static String direction() {
    return againstConnectEs() ? AGAINST_CONNECT_ES : MatrixResults.PEER_CLIENT;
  }

  /** Runs connect-es's client in {@code mode} on {@code testCase} over {@code path}. */
  private ClientRun run(Mode mode, String testCase, String path) {
    scripts.requirePeer();
    boolean tls = path.equals("tls");
    ServerPerTransport servers =
        againstConnectEs() ? connectEsServers.get(mode.httpVersion()) : trunkServers;
    RunningServer server = servers.get(tls);
    List<String> command = clientCommand(scripts, mode, testCase, server.port(), tls);
    try (ChildProcess client = ChildProcess.start(mode.logName(testCase, path), command)) {
      Integer exit = client.awaitExit(InteropEnv.CLIENT_TIMEOUT);
      String description =
          "\nthe connect-es client ("
              + mode
              + ") "
              + outcome(exit)
              + " on "
              + testCase
              + " against the "
              + (againstConnectEs() ? "connect-es" : "Trunk")
              + " server over "
              + path
              + client.describe()
              + server.stateIfDead();
      return new ClientRun(
          testCase, exit, false, client.output(), description, InteropEnv.display(client.log()));
    }
  }

  /** The command that runs connect-es's client in {@code mode} on {@code testCase} at a port. */
  static List<String> clientCommand(
      ConnectEsPeerIT scripts, Mode mode, String testCase, int port, boolean tls) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "node",
                scripts.script("client.js"),
                "--server_host=127.0.0.1",
                "--server_port=" + port,
                "--use_tls=" + tls,
                "--use_test_ca=true",
                "--server_host_override=" + TestCerts.SERVER_HOST_OVERRIDE,
                "--test_case=" + testCase,
                GrpcJsAndConnectEsPeers.certsFlag()));
    command.addAll(mode.flags());
    command.addAll(InteropEnv.soakFlags(testCase));
    return command;
  }

  static String outcome(@Nullable Integer exit) {
    return exit == null ? "timed out after " + InteropEnv.CLIENT_TIMEOUT : "exited " + exit;
  }

  /** {@code trunk-interop.jar server --port=0}, as {@link GrpcJsAndConnectEsPeers} starts it. */
  static RunningServer startTrunk(String logPrefix, boolean tls) {
    ChildProcess process =
        ChildProcess.startJava(
            logPrefix + "-trunk-server-" + GrpcJsAndConnectEsPeers.path(tls),
            List.of(),
            List.of(
                "-jar",
                InteropEnv.interopJar().toString(),
                "server",
                "--port=0",
                "--use_tls=" + tls));
    return GrpcJsAndConnectEsPeers.awaitListening(process, InteropServer.LISTENING);
  }

  /** connect-es's {@code server.js} on one HTTP version, gRPC, gRPC-Web and Connect on. */
  static RunningServer startConnectEs(
      String logPrefix, ConnectEsPeerIT scripts, String httpVersion, boolean tls) {
    scripts.requirePeer();
    ChildProcess process =
        ChildProcess.start(
            logPrefix
                + "-connect-es-server-h"
                + httpVersion
                + "-"
                + GrpcJsAndConnectEsPeers.path(tls),
            List.of(
                "node",
                scripts.script("server.js"),
                "--port=0",
                "--use_tls=" + tls,
                "--http_version=" + httpVersion,
                GrpcJsAndConnectEsPeers.certsFlag()));
    return GrpcJsAndConnectEsPeers.awaitListening(process, CONNECT_ES_LISTENING);
  }

  @AfterAll
  void stopServers() {
    trunkServers.close();
    connectEsServers.values().forEach(ServerPerTransport::close);
  }
}
