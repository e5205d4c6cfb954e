package dev.trunk.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** Where the interop tests find the programs they run, and what they run. */
final class InteropEnv {
  /** Longest a client child may run. */
  static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(60);

  /** Longest a server child may take to start listening. */
  static final Duration SERVER_START_TIMEOUT = Duration.ofSeconds(60);

  /** The cases every gRPC implementation must pass (the lead's list). */
  static final List<String> REQUIRED_CASES =
      List.of(
          "empty_unary",
          "large_unary",
          "client_streaming",
          "server_streaming",
          "ping_pong",
          "empty_stream",
          "custom_metadata",
          "status_code_and_message",
          "special_status_message",
          "unimplemented_method",
          "unimplemented_service",
          "cancel_after_begin",
          "cancel_after_first_response",
          "timeout_on_sleeping_server");

  /** Compression and size cases, run in both directions too. */
  static final List<String> OPTIONAL_CASES =
      List.of(
          "client_compressed_unary",
          "server_compressed_unary",
          "client_compressed_streaming",
          "server_compressed_streaming",
          "very_large_request");

  /**
   * Every case of interop-test-descriptions.md that runs without cloud credentials or xDS, in the
   * order of the matrix in docs/interop.md.
   */
  static final List<String> MATRIX_CASES =
      List.of(
          "empty_unary",
          "cacheable_unary",
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
          "very_large_request",
          "pick_first_unary",
          "rpc_soak",
          "channel_soak");

  /** The matrix paths: direct cleartext, direct TLS, and cleartext through nginx. */
  static final List<String> PATHS = List.of("plaintext", "tls", "nginx");

  /**
   * The soak flags every client gets for rpc_soak and channel_soak: 10 iterations keep a run short.
   * The per-iteration limit is 5 s instead of the spec's default 1 s: the first iteration of a
   * freshly started client JVM (class loading, TLS set-up, channel_soak's new channel) takes up to
   * about 1.3 s on a busy 2-core machine, and that measures the JVM, not the peer.
   */
  static final List<String> SOAK_FLAGS =
      List.of(
          "--soak_iterations=10",
          "--soak_max_failures=0",
          "--soak_per_iteration_max_acceptable_latency_ms=5000",
          "--soak_overall_timeout_seconds=45");

  /**
   * JVM flags for short-lived client children: they make many small calls, so a quick start beats
   * peak speed, and they share 2 cores with the servers.
   */
  static final List<String> CLIENT_JVM_FLAGS =
      List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx512m");

  private InteropEnv() {}

  /** Every matrix case on every path. */
  static Stream<Arguments> matrixCells() {
    return MATRIX_CASES.stream()
        .flatMap(name -> PATHS.stream().map(path -> Arguments.of(name, path)));
  }

  /** The soak flags for a soak case, nothing for the others. */
  static List<String> soakFlags(String testCase) {
    return testCase.endsWith("_soak") ? SOAK_FLAGS : List.of();
  }

  /**
   * {@link #CLIENT_JVM_FLAGS} plus a class-data-sharing archive for this kind of client (created by
   * its first run, then mapped by every later one), which cuts a client JVM's start by about a
   * third. {@code archive} must be unique per test class: two JVMs must never write one archive.
   */
  static List<String> clientJvmFlags(String archive) {
    Path file = workDir().resolve("cds").resolve(archive + ".jsa");
    try {
      Files.createDirectories(file.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + file.getParent(), e);
    }
    List<String> flags = new java.util.ArrayList<>(CLIENT_JVM_FLAGS);
    flags.add("-XX:+AutoCreateSharedArchive");
    flags.add("-XX:SharedArchiveFile=" + file);
    flags.add("-Xlog:cds*=off"); // no warnings about classes left out of the archive
    return List.copyOf(flags);
  }

  /** Every case with plaintext and with TLS. */
  static Stream<Arguments> casesAndTransports(List<String> cases) {
    return cases.stream()
        .flatMap(name -> Stream.of(Arguments.of(name, false), Arguments.of(name, true)));
  }

  /** target/trunk-interop.jar. */
  static Path interopJar() {
    Path jar = Path.of(property("interop.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: run the tests with 'mvn verify'");
    }
    return jar;
  }

  /** The class path of grpc-java's interop programs: interop-peer/target/lib/*. */
  static String peerClassPath() {
    Path lib = Path.of(property("interop.peer.lib")).toAbsolutePath().normalize();
    if (!hasInteropTestingJar(lib)) {
      throw new IllegalStateException(
          lib
              + " has no grpc-interop-testing jar: run"
              + " './mvnw -B -f interop-peer/pom.xml install' first");
    }
    return lib + "/*";
  }

  private static boolean hasInteropTestingJar(Path lib) {
    if (!Files.isDirectory(lib)) {
      return false;
    }
    try (Stream<Path> files = Files.list(lib)) {
      return files.anyMatch(f -> f.getFileName().toString().startsWith("grpc-interop-testing-"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A directory for child logs and files. */
  static Path workDir() {
    Path dir = Path.of(property("interop.work.dir"));
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
  }

  /** {@code path} as the module sees it (target/interop-work/...), for notes in the matrix. */
  static String display(Path path) {
    Path module = workDir().toAbsolutePath().getParent().getParent();
    Path absolute = path.toAbsolutePath();
    return absolute.startsWith(module) ? module.relativize(absolute).toString() : path.toString();
  }

  /** A port free on 127.0.0.1 right now. */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress("127.0.0.1", 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port", e);
    }
  }

  /**
   * A hosts file that maps this machine's name to 127.0.0.1, for {@code -Djdk.net.hosts.file}.
   * grpc-java's server with {@code --address_type=IPV4} also listens on the address of the local
   * host name; with this file that address is loopback, so it listens on 127.0.0.1 only.
   */
  static Path loopbackHostsFile() {
    String hostName = localHostName();
    Path file = workDir().resolve("hosts");
    try {
      Files.writeString(file, "127.0.0.1 localhost " + hostName + "\n::1 ip6-localhost\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    return file;
  }

  private static String localHostName() {
    Path kernel = Path.of("/proc/sys/kernel/hostname");
    try {
      if (Files.isReadable(kernel)) {
        String name = Files.readString(kernel).trim();
        if (!name.isEmpty()) {
          return name;
        }
      }
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  private static String property(String name) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(
          "system property " + name + " is not set: run the tests with 'mvn verify'");
    }
    return value;
  }
}
