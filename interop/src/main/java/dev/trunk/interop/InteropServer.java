package dev.trunk.interop;

import dev.trunk.Server;
import dev.trunk.TlsConfig;
import java.time.Duration;
import java.util.Set;

/**
 * The Trunk interop server: serves {@code grpc.testing.TestService} on 127.0.0.1, cleartext or TLS
 * with gRPC's server1 test certificate, and prints one line once it listens.
 */
public final class InteropServer {
  /** Printed, followed by the port, once the server accepts connections. */
  public static final String LISTENING = "Trunk interop server listening on 127.0.0.1:";

  /** Largest request accepted; very_large_request sends 10 MiB (grpc-java also allows 16 MiB). */
  static final int MAX_MESSAGE_SIZE = 16 * 1024 * 1024;

  private static final Set<String> FLAGS = Set.of("port", "use_tls");

  private InteropServer() {}

  public static void main(String[] args) throws Exception {
    int port;
    boolean useTls;
    try {
      Flags flags = Flags.parse(args, FLAGS);
      port = flags.port("port", 8080);
      useTls = flags.bool("use_tls", false);
    } catch (Flags.UsageException e) {
      if (!e.getMessage().isEmpty()) {
        System.err.println(e.getMessage());
      }
      System.err.println(
          "usage: server [--port=PORT (default 8080; 0 picks a free one)]"
              + " [--use_tls=true|false (default false)]");
      System.exit(2);
      return;
    }

    Server.Builder builder =
        Server.builder()
            .address("127.0.0.1", port)
            .service(TestServiceImpl.definition())
            .reflection()
            .maxInboundMessageSize(MAX_MESSAGE_SIZE)
            .shutdownGracePeriod(Duration.ofSeconds(2));
    if (useTls) {
      builder.tls(
          TlsConfig.builder().keyPair(TestCerts.server1Pem(), TestCerts.server1Key()).build());
    }
    Server server = builder.build().start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "interop-server-shutdown"));
    System.out.println(LISTENING + server.port() + (useTls ? " (TLS)" : " (plaintext)"));
    System.out.flush();
    server.awaitTermination();
  }
}
