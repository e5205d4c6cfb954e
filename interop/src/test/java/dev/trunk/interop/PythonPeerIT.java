package dev.trunk.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.trunk.interop.InteropServers.RunningServer;
import dev.trunk.interop.MatrixCell.ClientRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * gRPC C-core, through its Python binding grpcio, against Trunk in both directions: the grpcio
 * interop client ({@code interop/peers/python/interop_client.py}) against the Trunk interop server,
 * and the Trunk interop client against the grpcio interop server ({@code interop_server.py}), one
 * test per case and transport. One server per direction and transport serves every case.
 *
 * <p>The Python stubs are generated at test time into {@code target/python-gen} from the protos the
 * build unpacks. The peer needs Debian's {@value #APT_PACKAGES}; without them every test fails and
 * says what to install.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PythonPeerIT {
  /** The peer's name in the interop matrix. */
  static final String PEER = "grpc-core-python";

  /** The Debian packages the peer needs. */
  static final String APT_PACKAGES = "python3-grpcio python3-protobuf python3-grpc-tools";

  private static final String INSTALL_HINT =
      "install them with 'apt-get update && apt-get install -y --no-install-recommends "
          + APT_PACKAGES
          + "'";

  /** Printed by interop_server.py, followed by the port, once it accepts connections. */
  private static final String PYTHON_LISTENING = "Python interop server listening on 127.0.0.1:";

  /** Longest the interpreter check or the stub generation may take. */
  private static final Duration SETUP_TIMEOUT = Duration.ofSeconds(60);

  /** Every case run in both directions (interop-test-descriptions.md, plus very_large_request). */
  static final List<String> CASES =
      List.of(
          "empty_unary",
          "large_unary",
          "client_compressed_unary",
          "server_compressed_unary",
          "client_streaming",
          "client_compressed_streaming",
          "server_streaming",
          "server_compressed_streaming",
          "ping_pong",
          "empty_stream",
          "custom_metadata",
          "status_code_and_message",
          "special_status_message",
          "unimplemented_method",
          "unimplemented_service",
          "cancel_after_begin",
          "cancel_after_first_response",
          "timeout_on_sleeping_server",
          "very_large_request");

  /**
   * The matrix cases beyond {@link #CASES}, run in both directions through {@link MatrixCell}
   * (recorded first, then asserted; a known limit is n/a only with its signature in the output).
   */
  static final List<String> MORE_CASES =
      List.of("cacheable_unary", "pick_first_unary", "rpc_soak", "channel_soak");

  /** Why the grpcio client's cacheable_unary fails against Trunk's server: no cache in the path. */
  static final String CLIENT_CACHEABLE_NEEDS_A_CACHE =
      GrpcJsAndConnectEsPeers.cacheableNeedsACache(
          "grpcio", "grpcio 1.51 has no way to mark a call cacheable, so no GET request");

  /** Cases the grpcio client cannot express, with the reason: recorded n/a and not run. */
  static final Map<String, String> CLIENT_NOT_APPLICABLE =
      Map.of(
          "client_compressed_streaming",
          "grpcio cannot choose compression per message on the client (a call's messages are all"
              + " compressed or none is; its API has no per-write flags), and the case sends a"
              + " compressed message then an uncompressed one on one stream");

  /**
   * The Trunk client's variant of a case run against the grpcio server. A grpcio server cannot see
   * whether a request message arrived compressed (C-core decompresses it and hides both the message
   * flag and grpc-encoding), so it cannot implement the CompressedRequest feature and accepts
   * expect_compressed unchecked: the feature probe, which needs the server to reject an
   * uncompressed message, is skipped, as against grpc-java's server.
   */
  static final Map<String, String> SERVER_VARIANTS =
      Map.of(
          "client_compressed_unary", "client_compressed_unary_noprobe",
          "client_compressed_streaming", "client_compressed_streaming_noprobe");

  private static final String NO_PROBE_NOTE =
      "ran Trunk's %s: the grpcio server cannot see a request's Compressed-Flag (no"
          + " CompressedRequest feature), so the expect_compressed probe is skipped";

  /** What a passing cell did not check, by direction and case. */
  private static final Map<String, String> CLIENT_NOTES =
      Map.of(
          "server_compressed_unary", responseFlagNote("grpcio"),
          "server_compressed_streaming", responseFlagNote("grpcio"));

  private static final Map<String, String> SERVER_NOTES =
      Map.of(
          "server_compressed_unary", responseFlagNote("Trunk's client API"),
          "server_compressed_streaming", responseFlagNote("Trunk's client API"));

  /** Trunk servers (Python clients call them), index 0: plaintext, 1: TLS. */
  private final ServerPerTransport trunkServers =
      new ServerPerTransport(InteropServers::startTrunk);

  /** grpcio servers (the Trunk client calls them), index 0: plaintext, 1: TLS. */
  private final ServerPerTransport pythonServers = new ServerPerTransport(this::startPythonServer);

  /** Null until checked; then empty if the peer is ready, else why it is not. */
  private String setupFailure;

  private static String responseFlagNote(String who) {
    return "the Compressed-Flag of the responses was not checked: "
        + who
        + " does not expose it (optional in the spec)";
  }

  static Stream<Arguments> pythonClientCases() {
    return InteropEnv.casesAndTransports(
        CASES.stream().filter(c -> !CLIENT_NOT_APPLICABLE.containsKey(c)).toList());
  }

  static Stream<Arguments> pythonServerCases() {
    return InteropEnv.casesAndTransports(CASES);
  }

  @BeforeAll
  void recordNotApplicableCells() {
    for (Map.Entry<String, String> cell : CLIENT_NOT_APPLICABLE.entrySet()) {
      for (String path : List.of("plaintext", "tls")) {
        MatrixResults.notApplicable(
            cell.getKey(), PEER, MatrixResults.PEER_CLIENT, path, cell.getValue());
      }
    }
  }

  @ParameterizedTest(name = "grpcio (Python) client -> Trunk server: {0}, tls={1}")
  @MethodSource("pythonClientCases")
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void pythonClientToTrunkServer(String testCase, boolean useTls) {
    String path = path(useTls);
    String direction = MatrixResults.PEER_CLIENT;
    RunningServer server;
    try {
      requirePeer();
      server = trunkServer(useTls);
    } catch (AssertionError | RuntimeException e) {
      MatrixResults.record(testCase, PEER, direction, path, false, "not run: " + firstLine(e));
      throw e;
    }
    List<String> command = python("interop_client.py");
    command.addAll(
        List.of(
            "--server_host=127.0.0.1",
            "--server_port=" + server.port(),
            "--use_tls=" + useTls,
            "--use_test_ca=true",
            "--server_host_override=" + TestCerts.SERVER_HOST_OVERRIDE,
            "--test_case=" + testCase));
    command.addAll(locationFlags());
    try (ChildProcess client =
        ChildProcess.start("python-client-" + testCase + "-" + path, command)) {
      Integer exit = client.awaitExit(InteropEnv.CLIENT_TIMEOUT);
      boolean passed = exit != null && exit == 0;
      MatrixResults.record(
          testCase,
          PEER,
          direction,
          path,
          passed,
          passed ? CLIENT_NOTES.getOrDefault(testCase, "") : failureNote(exit, client));
      assertThat(exit)
          .as(
              "the grpcio (Python) client "
                  + (exit == null
                      ? "timed out after " + InteropEnv.CLIENT_TIMEOUT
                      : "exited " + exit)
                  + " on "
                  + testCase
                  + " against the Trunk server "
                  + describePath(useTls)
                  + client.describe()
                  + server.stateIfDead())
          .isEqualTo(0);
    }
  }

  @ParameterizedTest(name = "Trunk client -> grpcio (Python) server: {0}, tls={1}")
  @MethodSource("pythonServerCases")
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void trunkClientToPythonServer(String testCase, boolean useTls) {
    String path = path(useTls);
    String direction = MatrixResults.PEER_SERVER;
    RunningServer server;
    try {
      requirePeer();
      server = pythonServer(useTls);
    } catch (AssertionError | RuntimeException e) {
      MatrixResults.record(testCase, PEER, direction, path, false, "not run: " + firstLine(e));
      throw e;
    }
    String variant = SERVER_VARIANTS.getOrDefault(testCase, testCase);
    List<String> jvmFlags = new ArrayList<>(InteropEnv.CLIENT_JVM_FLAGS);
    // The Trunk client JVM starts once per case: a class data archive saves a good part of it.
    jvmFlags.add("-XX:+AutoCreateSharedArchive");
    jvmFlags.add(
        "-XX:SharedArchiveFile=" + InteropEnv.workDir().resolve("python-it-trunk-client.jsa"));
    try (ChildProcess client =
        ChildProcess.startJava(
            "trunk-client-to-python-" + testCase + "-" + path,
            jvmFlags,
            List.of(
                "-jar",
                InteropEnv.interopJar().toString(),
                "client",
                "--server_host=127.0.0.1",
                "--server_port=" + server.port(),
                "--use_tls=" + useTls,
                "--use_test_ca=true",
                "--server_host_override=" + TestCerts.SERVER_HOST_OVERRIDE,
                "--test_case=" + variant))) {
      Integer exit = client.awaitExit(InteropEnv.CLIENT_TIMEOUT);
      boolean passed = exit != null && exit == InteropClient.EXIT_PASSED;
      String note =
          variant.equals(testCase)
              ? SERVER_NOTES.getOrDefault(testCase, "")
              : String.format(NO_PROBE_NOTE, variant);
      MatrixResults.record(
          testCase, PEER, direction, path, passed, passed ? note : failureNote(exit, client));
      assertThat(exit)
          .as(
              "the Trunk client "
                  + (exit == null
                      ? "timed out after " + InteropEnv.CLIENT_TIMEOUT
                      : "exited " + exit)
                  + " on "
                  + variant
                  + " against the grpcio (Python) server "
                  + describePath(useTls)
                  + client.describe()
                  + server.stateIfDead())
          .isEqualTo(InteropClient.EXIT_PASSED);
    }
  }

  static Stream<Arguments> moreCases() {
    return InteropEnv.casesAndTransports(MORE_CASES);
  }

  /** What the grpcio client's cell of one of {@link #MORE_CASES} runs. */
  static MatrixCell clientPlan(String testCase) {
    return testCase.equals("cacheable_unary")
        ? MatrixCell.knownLimit(
            testCase, GrpcJsAndConnectEsPeers.NO_CACHE_SIGNATURE, CLIENT_CACHEABLE_NEEDS_A_CACHE)
        : MatrixCell.run(testCase);
  }

  /** What Trunk's client's cell against the grpcio server of one of {@link #MORE_CASES} runs. */
  static MatrixCell serverPlan(String testCase) {
    return testCase.equals("cacheable_unary")
        ? MatrixCell.knownLimit(
            testCase,
            GrpcJsAndConnectEsPeers.TRUNK_CACHEABLE_SIGNATURE,
            GrpcJsAndConnectEsPeers.trunkClientCacheable("grpcio"))
        : MatrixCell.run(testCase);
  }

  @ParameterizedTest(name = "grpcio (Python) client -> Trunk server: {0}, tls={1}")
  @MethodSource("moreCases")
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void pythonClientToTrunkServerMore(String testCase, boolean useTls) {
    clientPlan(testCase)
        .evaluate(
            PEER, MatrixResults.PEER_CLIENT, path(useTls), name -> runPythonClient(name, useTls));
  }

  @ParameterizedTest(name = "Trunk client -> grpcio (Python) server: {0}, tls={1}")
  @MethodSource("moreCases")
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void trunkClientToPythonServerMore(String testCase, boolean useTls) {
    serverPlan(testCase)
        .evaluate(
            PEER, MatrixResults.PEER_SERVER, path(useTls), name -> runTrunkClient(name, useTls));
  }

  /** Runs the grpcio client on {@code testCase} (with the soak flags for a soak case). */
  private ClientRun runPythonClient(String testCase, boolean useTls) {
    requirePeer();
    RunningServer server = trunkServer(useTls);
    List<String> command = python("interop_client.py");
    command.addAll(
        List.of(
            "--server_host=127.0.0.1",
            "--server_port=" + server.port(),
            "--use_tls=" + useTls,
            "--use_test_ca=true",
            "--server_host_override=" + TestCerts.SERVER_HOST_OVERRIDE,
            "--test_case=" + testCase));
    command.addAll(InteropEnv.soakFlags(testCase));
    command.addAll(locationFlags());
    try (ChildProcess client =
        ChildProcess.start("python-client-" + testCase + "-" + path(useTls), command)) {
      Integer exit = client.awaitExit(InteropEnv.CLIENT_TIMEOUT);
      String description =
          "\nthe grpcio (Python) client "
              + (exit == null ? "timed out after " + InteropEnv.CLIENT_TIMEOUT : "exited " + exit)
              + " on "
              + testCase
              + " against the Trunk server "
              + describePath(useTls)
              + client.describe()
              + server.stateIfDead();
      return new ClientRun(
          testCase, exit, false, client.output(), description, InteropEnv.display(client.log()));
    }
  }

  /** Runs Trunk's client on {@code testCase} against the grpcio server. */
  private ClientRun runTrunkClient(String testCase, boolean useTls) {
    requirePeer();
    RunningServer server = pythonServer(useTls);
    List<String> args =
        new ArrayList<>(
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
    args.addAll(InteropEnv.soakFlags(testCase));
    try (ChildProcess client =
        ChildProcess.startJava(
            "trunk-client-to-python-" + testCase + "-" + path(useTls),
            InteropEnv.clientJvmFlags("trunk-client-" + getClass().getSimpleName()),
            args)) {
      Integer exit = client.awaitExit(InteropEnv.CLIENT_TIMEOUT);
      String description =
          "\nthe Trunk client "
              + (exit == null ? "timed out after " + InteropEnv.CLIENT_TIMEOUT : "exited " + exit)
              + " on "
              + testCase
              + " against the grpcio (Python) server "
              + describePath(useTls)
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

  // ---------------------------------------------------------------------------------------------
  // The Python peer

  /** Fails the test if Python, grpcio or the stubs are not ready (the caller records the cell). */
  private void requirePeer() {
    String failure = setUpPeer();
    if (!failure.isEmpty()) {
      fail(failure);
    }
  }

  /**
   * Checks the interpreter and grpcio, then writes the test certificates and generates the stubs
   * into target/python-gen, once. Returns "" when ready, else what is wrong.
   */
  private synchronized String setUpPeer() {
    if (setupFailure != null) {
      return setupFailure;
    }
    setupFailure = checkAndGenerate();
    return setupFailure;
  }

  private String checkAndGenerate() {
    Path python = pythonExecutable();
    if (!Files.isExecutable(python)) {
      return python
          + " is missing: the Python interop peer needs Debian's python3 with "
          + APT_PACKAGES
          + ": "
          + INSTALL_HINT;
    }
    for (String script : List.of("interop_client.py", "interop_server.py", "generate.py")) {
      if (!Files.isRegularFile(peerDir().resolve(script))) {
        return peerDir().resolve(script) + " is missing";
      }
    }
    List<String> check = new ArrayList<>(pythonFlags());
    check.addAll(
        List.of(
            "-c",
            "import grpc, grpc_tools.protoc, google.protobuf;"
                + " print('grpcio', grpc.__version__, 'protobuf', google.protobuf.__version__)"));
    String failure = runSetupStep("python-grpcio-check", check);
    if (!failure.isEmpty()) {
      return python + " cannot import grpcio, protobuf and grpc_tools: " + INSTALL_HINT + failure;
    }

    Path certs = certsDir();
    try {
      Files.createDirectories(certs);
      Files.write(certs.resolve("ca.pem"), TestCerts.caPem());
      Files.write(certs.resolve("server1.pem"), TestCerts.server1Pem());
      Files.write(certs.resolve("server1.key"), TestCerts.server1Key());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the test certificates into " + certs, e);
    }

    List<String> generate = python("generate.py");
    generate.add("--protos_dir=" + protosDir());
    generate.add("--out_dir=" + genDir());
    failure = runSetupStep("python-generate-stubs", generate);
    if (!failure.isEmpty()) {
      return "generating the Python stubs failed (" + INSTALL_HINT + ")" + failure;
    }
    return "";
  }

  /** Runs a setup child; returns "" if it exits 0, else its exit and output. */
  private static String runSetupStep(String name, List<String> command) {
    try (ChildProcess child = ChildProcess.start(name, command)) {
      Integer exit = child.awaitExit(SETUP_TIMEOUT);
      if (exit != null && exit == 0) {
        return "";
      }
      return "\n"
          + name
          + (exit == null ? " timed out after " + SETUP_TIMEOUT : " exited " + exit)
          + child.describe();
    } catch (UncheckedIOException e) {
      return "\n" + name + " could not start: " + e.getCause();
    }
  }

  private RunningServer pythonServer(boolean tls) {
    return pythonServers.get(tls);
  }

  /** {@code interop_server.py --port=0}; the port comes from its "listening" line. */
  private RunningServer startPythonServer(boolean tls) {
    List<String> command = python("interop_server.py");
    command.add("--port=0");
    command.add("--use_tls=" + tls);
    command.addAll(locationFlags());
    ChildProcess process = ChildProcess.start("python-server-" + path(tls), command);
    try {
      String line =
          process.awaitLogLine(
              l -> l.startsWith(PYTHON_LISTENING), InteropEnv.SERVER_START_TIMEOUT);
      String rest = line.substring(PYTHON_LISTENING.length());
      int port = Integer.parseInt(rest.substring(0, rest.indexOf(' ')));
      process.awaitPort(port, InteropEnv.SERVER_START_TIMEOUT);
      return new RunningServer(process, port);
    } catch (RuntimeException | Error e) {
      process.close();
      throw e;
    }
  }

  private RunningServer trunkServer(boolean tls) {
    return trunkServers.get(tls);
  }

  @AfterAll
  void stopServers() {
    trunkServers.close();
    pythonServers.close();
  }

  // ---------------------------------------------------------------------------------------------
  // Paths and commands

  /** Debian's interpreter, where apt installs grpcio (not a pyenv one on PATH). */
  private static Path pythonExecutable() {
    return Path.of(System.getProperty("interop.python", "/usr/bin/python3"));
  }

  /**
   * -B: no __pycache__ in the source tree; -E -s: ignore PYTHON* variables and user site packages,
   * so only Debian's packages load; -u: unbuffered output, for the log and the "listening" line.
   */
  private static List<String> pythonFlags() {
    return List.of(pythonExecutable().toString(), "-B", "-E", "-s", "-u");
  }

  /** {@code python3 FLAGS interop/peers/python/SCRIPT}, to add arguments to. */
  private static List<String> python(String script) {
    List<String> command = new ArrayList<>(pythonFlags());
    command.add(peerDir().resolve(script).toString());
    return command;
  }

  private static List<String> locationFlags() {
    return List.of("--gen_dir=" + genDir(), "--certs_dir=" + certsDir());
  }

  /** interop/peers/python. */
  static Path peerDir() {
    String basedir = System.getProperty("basedir");
    Path base = basedir == null || basedir.isBlank() ? Path.of("") : Path.of(basedir);
    return base.toAbsolutePath().resolve("peers").resolve("python").normalize();
  }

  /** target/python-gen: the generated stubs, and the test certificates under certs/. */
  static Path genDir() {
    return InteropEnv.workDir().toAbsolutePath().getParent().resolve("python-gen");
  }

  private static Path certsDir() {
    return genDir().resolve("certs");
  }

  private static Path protosDir() {
    String dir = System.getProperty("interop.protos.dir");
    if (dir == null || dir.isBlank()) {
      throw new IllegalStateException(
          "system property interop.protos.dir is not set: run the tests with 'mvn verify'");
    }
    return Path.of(dir).toAbsolutePath();
  }

  // ---------------------------------------------------------------------------------------------
  // Messages

  private static String path(boolean tls) {
    return tls ? "tls" : "plaintext";
  }

  private static String describePath(boolean tls) {
    return tls ? "over TLS" : "in plaintext";
  }

  /** A one-line reason for a failed cell: the child's FAILED line, or its last line. */
  private static String failureNote(Integer exit, ChildProcess child) {
    String reason = "";
    for (String line : child.output().split("\n")) {
      if (line.startsWith("FAILED")) {
        reason = line;
        break;
      }
      if (!line.isBlank()) {
        reason = line;
      }
    }
    String status = exit == null ? "timed out" : "exit " + exit;
    return truncate(status + (reason.isEmpty() ? "" : ": " + reason.strip()));
  }

  private static String firstLine(Throwable e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return truncate(newline < 0 ? message : message.substring(0, newline));
  }

  private static String truncate(String text) {
    return text.length() <= 300 ? text : text.substring(0, 297) + "...";
  }
}
