package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.StringValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS 1.3 and 1.2 only, whatever the JDK's policy or the user's {@link SSLContext} would allow;
 * ALPN h2 with a user's context on both sides; configuration errors named at build time.
 */
class TlsProtocolsTest {
  @TempDir static Path dir;

  private static TestCertificates certificates;
  private static TestCertificates.Leaf serverLeaf;
  private static TestCertificates.Leaf clientLeaf;

  private final AtomicReference<Optional<TlsInfo>> handlerTls = new AtomicReference<>();
  private Server server;
  private Channel channel;

  @BeforeAll
  @Timeout(value = 3, unit = TimeUnit.MINUTES) // keytool starts a JVM per certificate
  static void makeCertificates() throws Exception {
    certificates = TestCertificates.create(dir);
    serverLeaf = certificates.server("server");
    clientLeaf = certificates.client("trunk-test-client");
  }

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.shutdownNow();
    }
  }

  private void startServer(TlsConfig tls) throws IOException {
    ServiceDefinition service =
        ServiceDefinition.builder(TestService.NAME)
            .unary(
                TestService.ECHO,
                request -> {
                  handlerTls.set(CallContext.current().tls());
                  return request;
                })
            .build();
    server = Server.builder().address("127.0.0.1", 0).service(service).tls(tls).build().start();
  }

  /** Handshakes with the server offering only {@code protocol} and ALPN h2; the session's TLS. */
  private String[] handshake(String protocol) throws Exception {
    SSLContext context = certificates.sslContext("TLS", null);
    try (SSLSocket socket =
        (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", server.port())) {
      socket.setEnabledProtocols(new String[] {protocol});
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setApplicationProtocols(new String[] {"h2"});
      socket.setSSLParameters(parameters);
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      return new String[] {
        socket.getSession().getProtocol(),
        socket.getApplicationProtocol(),
        socket.getSession().getCipherSuite()
      };
    }
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void aTls11OrTls10ClientIsRefusedEvenWhereTheJdkPolicyStillAllowsThem() throws Exception {
    Path chain = dir.resolve("legacy.crt");
    Path key = dir.resolve("legacy.key");
    serverLeaf.writeTo(chain, key);
    // This JVM's default policy disables TLS 1.0 and 1.1 in the JDK itself; the child's does not.
    Path policy = dir.resolve("legacy.security");
    Files.writeString(
        policy,
        "jdk.tls.disabledAlgorithms=SSLv3, RC4, DES, MD5withRSA, DH keySize < 1024,"
            + " EC keySize < 224, 3DES_EDE_CBC, anon, NULL\n");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process =
        new ProcessBuilder(
                List.of(
                    java,
                    "-Djava.security.properties=" + policy,
                    "-cp",
                    System.getProperty("java.class.path"),
                    "dev.trunk.internal.netty.LegacyTlsMain",
                    chain.toString(),
                    key.toString()))
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).as(output).isTrue();
    assertThat(process.exitValue()).as(output).isZero();

    assertThat(output)
        .as("the premise: the child's JDK would enable TLS 1.1")
        .contains("jdk-default [TLSv1.3, TLSv1.2, TLSv1.1, TLSv1]");
    assertThat(output)
        .contains("trunk-server [TLSv1.3, TLSv1.2]")
        .contains("trunk-client [TLSv1.3, TLSv1.2]")
        .contains("trunk-server-own-context [TLSv1.3, TLSv1.2]")
        .contains("trunk-client-own-context [TLSv1.3, TLSv1.2]")
        .containsPattern("TLSv1.1 refused: .*protocol_version")
        .containsPattern("TLSv1 refused: .*protocol_version")
        .contains(
            "failed: no TLS version in common with the client (Trunk allows TLSv1.3 and"
                + " TLSv1.2)");
  }

  @Test
  void clientsOfferingOnlyTls13OrOnlyTls12AreServedWithAnHttp2CipherSuite() throws Exception {
    startServer(TlsConfig.builder().keyPair(serverLeaf.chainPem(), serverLeaf.keyPem()).build());
    assertThat(handshake("TLSv1.3")).containsExactly("TLSv1.3", "h2", "TLS_AES_128_GCM_SHA256");
    String[] tls12 = handshake("TLSv1.2");
    assertThat(tls12[0]).isEqualTo("TLSv1.2");
    assertThat(tls12[1]).isEqualTo("h2");
    assertThat(tls12[2]).startsWith("TLS_ECDHE_ECDSA_WITH_").endsWith("_GCM_SHA256");
  }

  @Test
  void aServerWithItsOwnSslContextNegotiatesH2AndTls13Or12() throws Exception {
    startServer(TlsConfig.builder().sslContext(certificates.sslContext("TLS", serverLeaf)).build());

    assertThat(handshake("TLSv1.3")).startsWith("TLSv1.3", "h2");
    assertThat(handshake("TLSv1.2")).startsWith("TLSv1.2", "h2");
    channel =
        Channel.forAddress("localhost", server.port())
            .tls(TlsConfig.builder().trust(certificates.caPem()).build())
            .build();
    assertThat(channel.unaryCall(TestService.ECHO, StringValue.of("hi"), CallOptions.DEFAULT))
        .isEqualTo(StringValue.of("hi"));
  }

  @Test
  void aChannelWithItsOwnSslContextStillOffersTls13AndH2AndPresentsItsCertificate()
      throws Exception {
    startServer(
        TlsConfig.builder()
            .keyPair(serverLeaf.chainPem(), serverLeaf.keyPem())
            .trust(certificates.caPem())
            .requireClientAuth()
            .build());
    // A "TLSv1.2" context's client engines offer only TLS 1.2; Trunk's protocol list still applies.
    SSLContext tls12Only = certificates.sslContext("TLSv1.2", clientLeaf);
    SSLEngine engine = tls12Only.createSSLEngine();
    engine.setUseClientMode(true);
    assertThat(engine.getEnabledProtocols()).containsExactly("TLSv1.2");
    channel =
        Channel.forAddress("localhost", server.port())
            .tls(TlsConfig.builder().sslContext(tls12Only).build())
            .build();
    // The call itself needs h2: the server closes a connection that did not negotiate it.
    assertThat(channel.unaryCall(TestService.ECHO, StringValue.of("hi"), CallOptions.DEFAULT))
        .isEqualTo(StringValue.of("hi"));
    TlsInfo tls = handlerTls.get().orElseThrow();
    assertThat(tls.protocol()).isEqualTo("TLSv1.3");
    assertThat(tls.peerCertificates().get(0).getSubjectX500Principal().getName())
        .isEqualTo("CN=trunk-test-client");
  }

  @Test
  void badTlsConfigurationIsRefusedNamingTheProblem() throws Exception {
    assertThatThrownBy(() -> TlsConfig.builder().reloadInterval(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reloadInterval must be positive, was PT0S");
    assertThatThrownBy(
            () ->
                TlsConfig.builder()
                    .sslContext(SSLContext.getDefault())
                    .trust(certificates.caPem())
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("do not combine it with keyPair or trust");
    TlsConfig wrongKey =
        TlsConfig.builder().keyPair(serverLeaf.chainPem(), clientLeaf.keyPem()).build();
    assertThatThrownBy(() -> startServer(wrongKey))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(
            "the private key in the PEM bytes given to keyPair does not belong to the certificate")
        .hasMessageContaining("CN=localhost");
  }
}
