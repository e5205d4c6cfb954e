package dev.trunk.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trunk.TlsConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS flags against TLS and plaintext servers, mutual TLS, and the mismatches. */
class TlsTest {
  @TempDir static Path dir;

  private static TestTls serverCert;
  private static TestTls clientCert;
  private static EchoServer tls;
  private static EchoServer mutual;
  private static EchoServer plain;

  @BeforeAll
  static void start() throws Exception {
    serverCert = TestTls.create(dir, "server");
    clientCert = TestTls.create(dir, "client");
    tls =
        EchoServer.start(
            true, TlsConfig.builder().keyPair(serverCert.cert(), serverCert.key()).build());
    mutual =
        EchoServer.start(
            true,
            TlsConfig.builder()
                .keyPair(serverCert.cert(), serverCert.key())
                .trust(clientCert.cert())
                .requireClientAuth()
                .build());
    plain = EchoServer.start(true, null);
  }

  @AfterAll
  static void stop() {
    tls.close();
    mutual.close();
    plain.close();
  }

  private static Cli unary(String... flags) {
    String[] args = new String[flags.length + 4];
    System.arraycopy(flags, 0, args, 1, flags.length);
    args[0] = "call";
    args[flags.length + 1] = "trunk.cli.test.Echo/Unary";
    args[flags.length + 2] = "-d";
    args[flags.length + 3] = "{\"text\":\"tls\"}";
    return Cli.run(args);
  }

  @Test
  void cacertTrustsTheServer() {
    Cli cli = unary("--cacert", serverCert.cert().toString(), tls.target());
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.lines()).containsExactly("{\"text\":\"tls\"}");
  }

  @Test
  void insecureAcceptsAnUntrustedServerAndAnyName() {
    Cli cli = unary("--insecure", "--authority", "other.example", tls.target());
    assertThat(cli.exitCode()).as(cli.err()).isZero();
  }

  @Test
  void anUntrustedServerFails() {
    Cli cli = unary(tls.target());
    assertThat(cli.exitCode()).isEqualTo(64 + 14);
    assertThat(cli.err())
        .startsWith("ERROR: code UNAVAILABLE (14): ")
        .contains("not trusted (give its CA with --cacert, or use --insecure)")
        .hasLineCount(1);
  }

  @Test
  void aClientCertificateOpensMutualTls() {
    Cli cli =
        unary(
            "--cacert",
            serverCert.cert().toString(),
            "--cert",
            clientCert.cert().toString(),
            "--key",
            clientCert.key().toString(),
            mutual.target());
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    Cli insecure =
        unary(
            "--insecure",
            "--cert",
            clientCert.cert().toString(),
            "--key",
            clientCert.key().toString(),
            mutual.target());
    assertThat(insecure.exitCode()).as(insecure.err()).isZero();
  }

  @Test
  void withoutAClientCertificateMutualTlsFails() {
    Cli cli = unary("--cacert", serverCert.cert().toString(), mutual.target());
    assertThat(cli.exitCode()).isEqualTo(64 + 14);
    assertThat(cli.err())
        .contains(
            "requires a client certificate (mutual TLS), and none was given (--cert and --key)")
        .hasLineCount(1);
  }

  @Test
  void tlsToAPlaintextServerFailsInOneLine() {
    Cli cli = unary("--insecure", plain.target());
    assertThat(cli.exitCode()).isEqualTo(64 + 14);
    assertThat(cli.err())
        .startsWith("ERROR: code UNAVAILABLE (14): ")
        .contains(
            "answered the TLS handshake with plaintext HTTP/2 (is it a plaintext server? use --plaintext)")
        .hasLineCount(1);
  }

  @Test
  void plaintextToATlsServerFailsInOneLine() {
    Cli cli = unary("--plaintext", tls.target());
    assertThat(cli.exitCode()).isEqualTo(64 + 14);
    assertThat(cli.err())
        .contains("answered in TLS, and --plaintext was given: drop it to use TLS")
        .hasLineCount(1);
  }

  @Test
  void contradictoryFlagsAreUsageErrors() {
    Cli cli = unary("--plaintext", "--insecure", plain.target());
    assertThat(cli.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(cli.err())
        .isEqualTo(
            "trunk: --plaintext cannot be combined with --cacert, --cert, --key or --insecure\n");
    assertThat(unary("--cert", serverCert.cert().toString(), tls.target()).err())
        .isEqualTo("trunk: --cert and --key must be given together\n");
  }
}
