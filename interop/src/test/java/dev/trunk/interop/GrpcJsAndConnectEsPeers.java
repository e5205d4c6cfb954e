package dev.trunk.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.trunk.interop.InteropServers.RunningServer;
import dev.trunk.interop.MatrixCell.ClientRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The interop matrix of a Node.js peer against Trunk, shared by {@link GrpcJsPeerIT} and {@link
 * ConnectEsPeerIT}: every case of interop-test-descriptions.md, plaintext and TLS, in both
 * directions: the peer's client ({@code interop/peers/node/PEER/client.js}) against the Trunk
 * interop server, and the Trunk interop client against the peer's server ({@code server.js}). One
 * server per direction and transport serves every case.
 *
 * <p>The peer scripts live in {@code interop/peers/node}. Before the first case they are copied
 * into {@code target/node/peers}, next to the {@code node_modules} that the build installs with
 * {@code npm ci}, because the connect-es scripts and their generated code are ES modules, which
 * resolve packages only from {@code node_modules} folders above them ({@code NODE_PATH} does not
 * apply to them); the grpc-js scripts are copied the same way for one layout.
 *
 * <p>A cell the peer cannot express is recorded n/a with the reason and is not run. When Trunk's
 * client has a stand-in for it (a {@code _noprobe} variant, which skips a probe of a server feature
 * the peer lacks), the stand-in runs and must pass, and the n/a reason says so.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class GrpcJsAndConnectEsPeers {
  /** Every case of the matrix, required then optional. */
  static final List<String> CASES =
      Stream.concat(InteropEnv.REQUIRED_CASES.stream(), InteropEnv.OPTIONAL_CASES.stream())
          .toList();

  /**
   * The matrix cases beyond {@link #CASES}, run in both directions through {@link MatrixCell}
   * (recorded first, then asserted; a known limit is n/a only with its signature in the output).
   */
  static final List<String> MORE_CASES =
      List.of("cacheable_unary", "pick_first_unary", "rpc_soak", "channel_soak");

  /**
   * What the peer clients (grpcio, grpc-js, connect-es) print when cacheable_unary's two payloads
   * differ, that is when no cache answered the second call.
   */
  static final String NO_CACHE_SIGNATURE = "no cache answered the second call";

  /** What Trunk's client prints when it reports cacheable_unary unsupported (exit 3). */
  static final String TRUNK_CACHEABLE_SIGNATURE = "UNSUPPORTED cacheable_unary";

  /** Longest copying the scripts or generating code may take. */
  private static final Duration SETUP_TIMEOUT = Duration.ofSeconds(60);

  /**
   * A case the peer cannot express in one direction: recorded n/a for {@code reason}. A non-null
   * {@code standIn} names a Trunk client case that runs instead and must pass.
   */
  record Limit(String reason, @Nullable String standIn) {
    static Limit of(String reason) {
      return new Limit(reason, null);
    }
  }

  /** Trunk servers (the peer's client calls them), index 0: plaintext, 1: TLS. */
  private final ServerPerTransport trunkServers = new ServerPerTransport(this::startTrunkServer);

  /** The peer's servers (Trunk's client calls them), index 0: plaintext, 1: TLS. */
  private final ServerPerTransport peerServers = new ServerPerTransport(this::startPeerServer);

  /** Null until set up; then empty if the peer is ready, else why it is not. */
  private @Nullable String setupFailure;

  /** The peer's name in the matrix, its folder under interop/peers/node and its log prefix. */
  abstract String peer();

  /** Why the peer's client sends cacheable_unary's calls as POST, for the n/a reason. */
  abstract String whyPost();

  /**
   * The n/a reason of cacheable_unary from a peer's client against Trunk's server, as grpc-java's
   * (GrpcJavaClientToTrunkServerIT): the spec's caching proxy is missing from the path.
   */
  static String cacheableNeedsACache(String client, String whyPost) {
    return "The case needs a caching proxy in front of the server (the spec's set-up), and this"
        + " path has none: "
        + client
        + "'s client sent both calls as POST ("
        + whyPost
        + "; Trunk's server answers POST only), the Trunk server answered each with a fresh"
        + " timestamp, and the client's check that the two payloads are equal failed, as it must"
        + " without a cache.";
  }

  /** The n/a reason of cacheable_unary from Trunk's client against a peer's server. */
  static String trunkClientCacheable(String server) {
    return "The case needs a caching proxy in front of the server, and this path has none (over"
        + " gRPC and gRPC-Web Trunk's client also sends the calls as POST, which no cache answers;"
        + " its Connect GET through nginx's cache is checked by ConnectEsCacheableUnaryIT). The "
        + server
        + " server implements CacheableUnaryCall: Trunk's client got both responses, each with"
        + " cache-control: max-age=60, public and its own timestamp, and reported the case"
        + " unsupported (exit 3).";
  }

  /** Cases the peer's client cannot express (against Trunk's server). */
  abstract Map<String, Limit> clientLimits();

  /** Cases the peer's server cannot serve as the spec says (to Trunk's client). */
  abstract Map<String, Limit> serverLimits();

  /** Flags naming the protos and certs for the peer's scripts. */
  abstract List<String> locationFlags();

  /**
   * Readies the copied scripts in {@code peerDir}, for example generates code.
   *
   * @return "" on success, else what went wrong
   */
  String prepare(Path peerDir) {
    return "";
  }

  // ---------------------------------------------------------------------------------------------
  // The cells

  Stream<Arguments> peerClientCases() {
    return casesAndTransports(CASES.stream().filter(c -> !clientLimits().containsKey(c)));
  }

  Stream<Arguments> trunkClientCases() {
    return casesAndTransports(
        CASES.stream()
            .filter(
                c -> !serverLimits().containsKey(c) || serverLimits().get(c).standIn() != null));
  }

  private Stream<Arguments> casesAndTransports(Stream<String> cases) {
    return cases.flatMap(
        c -> Stream.of(Arguments.of(peer(), c, false), Arguments.of(peer(), c, true)));
  }

  /** The cells that run nothing: recorded n/a here, not run. */
  @BeforeAll
  void recordNotApplicableCells() {
    for (String path : List.of("plaintext", "tls")) {
      clientLimits()
          .forEach(
              (testCase, limit) ->
                  MatrixResults.notApplicable(
                      testCase, peer(), MatrixResults.PEER_CLIENT, path, limit.reason()));
      serverLimits().entrySet().stream()
          .filter(e -> e.getValue().standIn() == null)
          .forEach(
              e ->
                  MatrixResults.notApplicable(
                      e.getKey(), peer(), MatrixResults.PEER_SERVER, path, e.getValue().reason()));
    }
  }

  @ParameterizedTest(name = "{0} client -> Trunk server: {1}, tls={2}")
  @MethodSource("peerClientCases")
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void peerClientToTrunkServer(String peer, String testCase, boolean useTls) {
    String path = path(useTls);
    String direction = MatrixResults.PEER_CLIENT;
    RunningServer server;
    try {
      requirePeer();
      server = trunkServer(useTls);
    } catch (AssertionError | RuntimeException e) {
      MatrixResults.record(testCase, peer, direction, path, false, "not run: " + firstLine(e));
      throw e;
    }
    List<String> command = new ArrayList<>(List.of("node", script("client.js")));
    command.addAll(clientFlags(server.port(), useTls, testCase));
    command.addAll(locationFlags());
    try (ChildProcess client =
        ChildProcess.start(peer + "-client-" + testCase + "-" + path, command)) {
      Integer exit = client.awaitExit(InteropEnv.CLIENT_TIMEOUT);
      boolean passed = exit != null && exit == 0;
      MatrixResults.record(
          testCase, peer, direction, path, passed, passed ? notes(client) : failure(exit, client));
      assertThat(exit)
          .as(
              "the "
                  + peer
                  + " client "
                  + outcome(exit)
                  + " on "
                  + testCase
                  + " against the Trunk server "
                  + describePath(useTls)
                  + client.describe()
                  + server.stateIfDead())
          .isEqualTo(0);
    }
  }

  @ParameterizedTest(name = "Trunk client -> {0} server: {1}, tls={2}")
  @MethodSource("trunkClientCases")
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void trunkClientToPeerServer(String peer, String testCase, boolean useTls) {
    String path = path(useTls);
    String direction = MatrixResults.PEER_SERVER;
    RunningServer server;
    Path jar;
    try {
      requirePeer();
      jar = InteropEnv.interopJar();
      server = peerServer(useTls);
    } catch (AssertionError | RuntimeException e) {
      MatrixResults.record(testCase, peer, direction, path, false, "not run: " + firstLine(e));
      throw e;
    }
    Limit limit = serverLimits().get(testCase);
    String variant = limit == null ? testCase : limit.standIn();
    List<String> jvmFlags = new ArrayList<>(InteropEnv.CLIENT_JVM_FLAGS);
    if (Runtime.version().feature() >= 19) {
      // The Trunk client JVM starts once per case: a class data archive saves a good part of it.
      jvmFlags.add("-XX:+AutoCreateSharedArchive");
      jvmFlags.add(
          "-XX:SharedArchiveFile=" + InteropEnv.workDir().resolve("node-peers-trunk-client.jsa"));
    }
    List<String> args = new ArrayList<>(List.of("-jar", jar.toString()));
    args.add("client");
    args.addAll(clientFlags(server.port(), useTls, variant));
    try (ChildProcess client =
        ChildProcess.startJava(
            "trunk-client-to-" + peer + "-" + testCase + "-" + path, jvmFlags, args)) {
      Integer exit = client.awaitExit(InteropEnv.CLIENT_TIMEOUT);
      boolean passed = exit != null && exit == InteropClient.EXIT_PASSED;
      if (limit != null && passed) {
        MatrixResults.notApplicable(
            testCase, peer, direction, path, limit.reason() + " Stand-in " + variant + ": pass.");
      } else if (limit != null) {
        MatrixResults.record(
            testCase,
            peer,
            direction,
            path,
            false,
            limit.reason() + " Its stand-in " + variant + " failed: " + failure(exit, client));
      } else {
        MatrixResults.record(
            testCase,
            peer,
            direction,
            path,
            passed,
            passed ? notes(client) : failure(exit, client));
      }
      assertThat(exit)
          .as(
              "the Trunk client "
                  + outcome(exit)
                  + " on "
                  + variant
                  + (limit == null ? "" : " (the stand-in for " + testCase + ")")
                  + " against the "
                  + peer
                  + " server "
                  + describePath(useTls)
                  + client.describe()
                  + server.stateIfDead())
          .isEqualTo(InteropClient.EXIT_PASSED);
    }
  }

  Stream<Arguments> moreCases() {
    return casesAndTransports(MORE_CASES.stream());
  }

  /** What the peer client's cell of one of {@link #MORE_CASES} runs. */
  MatrixCell clientPlan(String testCase) {
    return testCase.equals("cacheable_unary")
        ? MatrixCell.knownLimit(
            testCase, NO_CACHE_SIGNATURE, cacheableNeedsACache(peer(), whyPost()))
        : MatrixCell.run(testCase);
  }

  /** What Trunk's client's cell against the peer's server of one of {@link #MORE_CASES} runs. */
  MatrixCell serverPlan(String testCase) {
    return testCase.equals("cacheable_unary")
        ? MatrixCell.knownLimit(testCase, TRUNK_CACHEABLE_SIGNATURE, trunkClientCacheable(peer()))
        : MatrixCell.run(testCase);
  }

  @ParameterizedTest(name = "{0} client -> Trunk server: {1}, tls={2}")
  @MethodSource("moreCases")
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void peerClientToTrunkServerMore(String peer, String testCase, boolean useTls) {
    clientPlan(testCase)
        .evaluate(
            peer, MatrixResults.PEER_CLIENT, path(useTls), name -> runPeerClient(name, useTls));
  }

  @ParameterizedTest(name = "Trunk client -> {0} server: {1}, tls={2}")
  @MethodSource("moreCases")
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void trunkClientToPeerServerMore(String peer, String testCase, boolean useTls) {
    serverPlan(testCase)
        .evaluate(
            peer, MatrixResults.PEER_SERVER, path(useTls), name -> runTrunkClient(name, useTls));
  }

  /** Runs the peer's client on {@code testCase} (with the soak flags for a soak case). */
  private ClientRun runPeerClient(String testCase, boolean useTls) {
    requirePeer();
    RunningServer server = trunkServer(useTls);
    List<String> command = new ArrayList<>(List.of("node", script("client.js")));
    command.addAll(clientFlags(server.port(), useTls, testCase));
    command.addAll(InteropEnv.soakFlags(testCase));
    command.addAll(locationFlags());
    try (ChildProcess client =
        ChildProcess.start(peer() + "-client-" + testCase + "-" + path(useTls), command)) {
      Integer exit = client.awaitExit(InteropEnv.CLIENT_TIMEOUT);
      String description =
          "\nthe "
              + peer()
              + " client "
              + outcome(exit)
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

  /** Runs Trunk's client on {@code testCase} against the peer's server. */
  private ClientRun runTrunkClient(String testCase, boolean useTls) {
    requirePeer();
    Path jar = InteropEnv.interopJar();
    RunningServer server = peerServer(useTls);
    List<String> args = new ArrayList<>(List.of("-jar", jar.toString(), "client"));
    args.addAll(clientFlags(server.port(), useTls, testCase));
    args.addAll(InteropEnv.soakFlags(testCase));
    try (ChildProcess client =
        ChildProcess.startJava(
            "trunk-client-to-" + peer() + "-" + testCase + "-" + path(useTls),
            InteropEnv.clientJvmFlags("trunk-client-" + getClass().getSimpleName()),
            args)) {
      Integer exit = client.awaitExit(InteropEnv.CLIENT_TIMEOUT);
      String description =
          "\nthe Trunk client "
              + outcome(exit)
              + " on "
              + testCase
              + " against the "
              + peer()
              + " server "
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

  private static List<String> clientFlags(int port, boolean useTls, String testCase) {
    return List.of(
        "--server_host=127.0.0.1",
        "--server_port=" + port,
        "--use_tls=" + useTls,
        "--use_test_ca=true",
        "--server_host_override=" + TestCerts.SERVER_HOST_OVERRIDE,
        "--test_case=" + testCase);
  }

  // ---------------------------------------------------------------------------------------------
  // The peer's scripts

  /** interop/target/node: package.json, the lock file and node_modules ({@code npm ci}). */
  static Path nodeDir() {
    return Path.of(System.getProperty("interop.node.dir", "target/node")).toAbsolutePath();
  }

  /** interop/peers/node, the scripts' sources. */
  static Path peersSource() {
    return Path.of(System.getProperty("basedir", ""))
        .toAbsolutePath()
        .resolve("peers")
        .resolve("node")
        .normalize();
  }

  /** target/node/peers, where the scripts run. */
  static Path peersCopy() {
    return nodeDir().resolve("peers");
  }

  /** The copied {@code name} of this peer. */
  String script(String name) {
    return peersCopy().resolve(peer()).resolve(name).toString();
  }

  /** --protos_dir, the folder with grpc/testing/test.proto that the build unpacks. */
  static String protosFlag() {
    return "--protos_dir=" + Path.of(System.getProperty("interop.protos.dir", "target/protos"));
  }

  /** --certs_dir, gRPC's test certs (ca.pem, server1.pem, server1.key), written for the peers. */
  static String certsFlag() {
    return "--certs_dir=" + certsDir();
  }

  private static Path certsDir() {
    return InteropEnv.workDir().resolve("node-peers-certs");
  }

  /** Fails the test if the peer is not ready (the caller records the cell). */
  void requirePeer() {
    String failure = setUpPeer();
    if (!failure.isEmpty()) {
      fail(failure);
    }
  }

  private synchronized String setUpPeer() {
    if (setupFailure == null) {
      setupFailure = copyAndPrepare();
    }
    return setupFailure;
  }

  /** Copies the scripts and the test certs, then prepares the peer; returns "" when ready. */
  private String copyAndPrepare() {
    Path source = peersSource();
    if (!Files.isRegularFile(source.resolve("common.cjs"))
        || !Files.isDirectory(source.resolve(peer()))) {
      return source + " does not hold common.cjs and " + peer() + "/";
    }
    String node = runSetupStep(peer() + "-node-version", List.of("node", "--version"));
    if (!node.isEmpty()) {
      return "the " + peer() + " peer needs Node.js ('node' on the PATH): " + node;
    }
    if (!Files.isDirectory(nodeDir().resolve("node_modules").resolve("@grpc"))) {
      return nodeDir() + "/node_modules is missing: run the tests with 'mvn verify' (npm ci)";
    }
    try {
      Path target = peersCopy().resolve(peer());
      deleteTree(target);
      Files.createDirectories(target);
      Files.copy(
          source.resolve("common.cjs"),
          peersCopy().resolve("common.cjs"),
          StandardCopyOption.REPLACE_EXISTING);
      copyTree(source.resolve(peer()), target);
      Path certs = certsDir();
      Files.createDirectories(certs);
      Files.write(certs.resolve("ca.pem"), TestCerts.caPem());
      Files.write(certs.resolve("server1.pem"), TestCerts.server1Pem());
      Files.write(certs.resolve("server1.key"), TestCerts.server1Key());
      return prepare(target);
    } catch (IOException e) {
      return "cannot copy " + source + " into " + peersCopy() + ": " + e;
    }
  }

  /** Copies {@code from} into {@code to}, but for generated code and installed modules. */
  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : files.toList()) {
        Path relative = from.relativize(file);
        if (relative.getNameCount() > 0
            && (relative.getName(0).toString().equals("gen")
                || relative.getName(0).toString().equals("node_modules"))) {
          continue;
        }
        Path copy = to.resolve(relative.toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(copy);
        } else {
          Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  /** Runs a setup child; returns "" if it exits 0, else its exit and output. */
  static String runSetupStep(String name, List<String> command) {
    try (ChildProcess child = ChildProcess.start(name, command)) {
      Integer exit = child.awaitExit(SETUP_TIMEOUT);
      if (exit != null && exit == 0) {
        return "";
      }
      return name
          + (exit == null ? " timed out after " + SETUP_TIMEOUT : " exited " + exit)
          + child.describe();
    } catch (UncheckedIOException e) {
      return name + " could not start: " + e.getCause();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Servers

  private RunningServer trunkServer(boolean tls) {
    return trunkServers.get(tls);
  }

  /**
   * {@code trunk-interop.jar server --port=0}, as {@link InteropServers#startTrunk} starts it, but
   * with a log of this peer's own (other test classes' servers may log at the same time).
   */
  private RunningServer startTrunkServer(boolean tls) {
    ChildProcess process =
        ChildProcess.startJava(
            peer() + "-matrix-trunk-server-" + path(tls),
            List.of(),
            List.of(
                "-jar",
                InteropEnv.interopJar().toString(),
                "server",
                "--port=0",
                "--use_tls=" + tls));
    return awaitListening(process, InteropServer.LISTENING);
  }

  private RunningServer peerServer(boolean tls) {
    return peerServers.get(tls);
  }

  /** The peer's {@code server.js --port=0}; the port comes from its "listening" line. */
  private RunningServer startPeerServer(boolean tls) {
    List<String> command = new ArrayList<>(List.of("node", script("server.js")));
    command.add("--port=0");
    command.add("--use_tls=" + tls);
    command.addAll(locationFlags());
    ChildProcess process = ChildProcess.start(peer() + "-server-" + path(tls), command);
    return awaitListening(process, peer() + " interop server listening on 127.0.0.1:");
  }

  /** Waits for {@code process} to print "{@code listening}PORT ..." and to accept connections. */
  static RunningServer awaitListening(ChildProcess process, String listening) {
    try {
      String line =
          process.awaitLogLine(l -> l.startsWith(listening), InteropEnv.SERVER_START_TIMEOUT);
      String rest = line.substring(listening.length());
      int space = rest.indexOf(' ');
      int port = Integer.parseInt(space < 0 ? rest.strip() : rest.substring(0, space));
      process.awaitPort(port, InteropEnv.SERVER_START_TIMEOUT);
      return new RunningServer(process, port);
    } catch (RuntimeException | Error e) {
      process.close();
      throw e;
    }
  }

  @AfterAll
  void stopServers() {
    trunkServers.close();
    peerServers.close();
  }

  // ---------------------------------------------------------------------------------------------
  // Notes

  static String path(boolean tls) {
    return tls ? "tls" : "plaintext";
  }

  private static String describePath(boolean tls) {
    return tls ? "over TLS" : "in plaintext";
  }

  private static String outcome(@Nullable Integer exit) {
    return exit == null ? "timed out after " + InteropEnv.CLIENT_TIMEOUT : "exited " + exit;
  }

  /** What a passing client said it did not check: its "note: " lines. */
  private static String notes(ChildProcess client) {
    return client
        .output()
        .lines()
        .map(String::strip)
        .filter(l -> l.startsWith("note: "))
        .map(l -> l.substring("note: ".length()))
        .distinct()
        .collect(Collectors.joining(" "));
  }

  /** A failed client's first telling line, for the matrix. */
  private static String failure(@Nullable Integer exit, ChildProcess client) {
    if (exit == null) {
      return "timed out after " + InteropEnv.CLIENT_TIMEOUT;
    }
    String line =
        client
            .output()
            .lines()
            .map(String::strip)
            .filter(
                l ->
                    l.startsWith("FAILED")
                        || l.startsWith("UNSUPPORTED")
                        || l.contains("Error")
                        || l.contains("Exception"))
            .filter(l -> !l.startsWith("at "))
            .findFirst()
            .orElse("exit " + exit);
    return line.length() > 400 ? line.substring(0, 400) + "…" : line;
  }

  private static String firstLine(Throwable e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
