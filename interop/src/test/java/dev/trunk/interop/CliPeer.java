package dev.trunk.interop;

import dev.trunk.interop.InteropServers.RunningServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The interop servers the {@code trunk} command is tested against, and the schema flags each one
 * needs: Trunk's serves reflection, grpc-java's does not, so the command compiles the interop
 * protos for it ({@code --proto}).
 */
enum CliPeer {
  TRUNK("Trunk") {
    @Override
    RunningServer start(boolean tls) {
      return InteropServers.startTrunk(logName("trunk", tls), tls);
    }

    @Override
    List<String> schemaFlags() {
      return List.of();
    }
  },
  GRPC_JAVA("grpc-java") {
    @Override
    RunningServer start(boolean tls) {
      return InteropServers.startGrpcJava(logName("grpc-java", tls), tls);
    }

    @Override
    List<String> schemaFlags() {
      return protoFlags();
    }
  };

  /** The service every interop server serves. */
  static final String TEST_SERVICE = "grpc.testing.TestService";

  /** The interop protos' file with the services, relative to {@link #protosDir()}. */
  static final String TEST_PROTO = "grpc/testing/test.proto";

  private final String label;

  CliPeer(String label) {
    this.label = label;
  }

  /** Starts this peer's interop server on 127.0.0.1, with TLS (gRPC's test certificate) or not. */
  abstract RunningServer start(boolean tls);

  /** The schema flags {@code list}, {@code describe} and {@code call} need for this server. */
  abstract List<String> schemaFlags();

  @Override
  public String toString() {
    return label;
  }

  /** The log name of a server the CLI tests start, apart from other tests' servers. */
  private static String logName(String server, boolean tls) {
    return "cli-" + server + "-server-" + (tls ? "tls" : "plaintext");
  }

  /** {@code --import-path PROTOS --proto grpc/testing/test.proto}. */
  static List<String> protoFlags() {
    return List.of("--import-path", protosDir().toString(), "--proto", TEST_PROTO);
  }

  /** The interop protos that the build unpacks from grpc-java's release (target/protos). */
  static Path protosDir() {
    return Path.of(System.getProperty("interop.protos.dir", "target/protos")).toAbsolutePath();
  }

  /** gRPC's test CA, written to the work directory for {@code --cacert}. */
  static Path caFile() {
    Path file = InteropEnv.workDir().resolve("cli").resolve("ca.pem");
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, TestCerts.caPem());
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
