package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.StringValue;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS with certificates made for the test by the JDK's keytool: a CA, a server certificate for
 * localhost and 127.0.0.1, and a client certificate. Covers ALPN h2, an untrusted server, a wrong
 * host name and mutual TLS.
 */
class TlsTest {
  private static final String PASSWORD = "changeit";

  @TempDir static Path dir;

  private static byte[] caPem;
  private static byte[] serverChainPem;
  private static byte[] serverKeyPem;
  private static byte[] clientChainPem;
  private static byte[] clientKeyPem;

  private final AtomicInteger handlerRuns = new AtomicInteger();
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private Server server;

  @BeforeAll
  static void makeCertificates() throws Exception {
    Path keystore = dir.resolve("test.p12");
    keytool(keystore, "-alias", "ca", "-dname", "CN=Trunk Test CA", "-ext", "bc:c");
    keytool(
        keystore,
        "-alias",
        "server",
        "-dname",
        "CN=localhost",
        "-ext",
        "san=dns:localhost,ip:127.0.0.1",
        "-ext",
        "eku=serverAuth",
        "-signer",
        "ca");
    keytool(
        keystore,
        "-alias",
        "client",
        "-dname",
        "CN=trunk-test-client",
        "-ext",
        "eku=clientAuth",
        "-signer",
        "ca");
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      store.load(in, PASSWORD.toCharArray());
    }
    caPem = pem("CERTIFICATE", store.getCertificate("ca").getEncoded());
    serverChainPem = chainPem(store, "server");
    serverKeyPem = pem("PRIVATE KEY", store.getKey("server", PASSWORD.toCharArray()).getEncoded());
    clientChainPem = chainPem(store, "client");
    clientKeyPem = pem("PRIVATE KEY", store.getKey("client", PASSWORD.toCharArray()).getEncoded());
  }

  /** Runs {@code keytool -genkeypair} with an EC P-256 key valid for two days. */
  private static void keytool(Path keystore, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(
        List.of(
            "-genkeypair",
            "-keystore",
            keystore.toString(),
            "-storetype",
            "PKCS12",
            "-storepass",
            PASSWORD,
            "-keyalg",
            "EC",
            "-groupname",
            "secp256r1",
            "-validity",
            "2"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("keytool %s:\n%s", command, output).isZero();
  }

  private static byte[] chainPem(KeyStore store, String alias) throws Exception {
    StringBuilder chain = new StringBuilder();
    for (Certificate certificate : store.getCertificateChain(alias)) {
      chain.append(
          new String(pem("CERTIFICATE", certificate.getEncoded()), StandardCharsets.US_ASCII));
    }
    return chain.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] pem(String type, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return ("-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  private void startServer(TlsConfig tls) throws IOException {
    ServiceDefinition service =
        ServiceDefinition.builder(TestService.NAME)
            .unary(
                TestService.ECHO,
                request -> {
                  handlerRuns.incrementAndGet();
                  return request;
                })
            .build();
    server = Server.builder().address("127.0.0.1", 0).service(service).tls(tls).build().start();
  }

  private TlsConfig serverTls() {
    return TlsConfig.builder().keyPair(serverChainPem, serverKeyPem).build();
  }

  private Channel channel(Channel.Builder builder) {
    Channel channel = builder.build();
    toClose.add(channel::shutdownNow);
    return channel;
  }

  private Channel.Builder to127() {
    return Channel.forAddress("127.0.0.1", server.port());
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable closeable : toClose) {
      closeable.close();
    }
    if (server != null) {
      server.shutdownNow();
    }
  }

  private static StringValue echo(Channel channel, String text) {
    return channel.unaryCall(TestService.ECHO, StringValue.of(text), CallOptions.DEFAULT);
  }

  /** A JDK TLS socket trusting the test CA and offering these ALPN protocols. */
  private SSLSocket tlsSocket(String... protocols) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry(
        "ca",
        CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(caPem)));
    TrustManagerFactory trustManagers =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustManagers.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trustManagers.getTrustManagers(), null);
    SSLSocket socket =
        (SSLSocket)
            context
                .getSocketFactory()
                .createSocket(
                    new Socket("127.0.0.1", server.port()), "localhost", server.port(), true);
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setApplicationProtocols(protocols);
    socket.setSSLParameters(parameters);
    socket.setSoTimeout(10_000);
    return socket;
  }

  @Test
  void aTlsCallWorksAndTheServerNegotiatesH2WithAlpn() throws Exception {
    startServer(serverTls());
    Channel channel = channel(to127().tls(TlsConfig.builder().trust(caPem).build()));
    assertThat(echo(channel, "secret")).isEqualTo(StringValue.of("secret"));
    Channel byName =
        channel(
            Channel.forAddress("localhost", server.port())
                .tls(TlsConfig.builder().trust(caPem).build()));
    assertThat(echo(byName, "by name")).isEqualTo(StringValue.of("by name"));

    try (SSLSocket socket = tlsSocket("http/1.1", "h2")) {
      socket.startHandshake();
      assertThat(socket.getApplicationProtocol()).isEqualTo("h2");
    }
  }

  @Test
  void aTlsClientThatDoesNotOfferH2IsDisconnected() throws Exception {
    startServer(serverTls());
    try (SSLSocket socket = tlsSocket("http/1.1")) {
      int read;
      try {
        socket.startHandshake();
        read = socket.getInputStream().read();
      } catch (IOException closed) {
        read = -1;
      }
      assertThat(read).isEqualTo(-1);
    }
  }

  @Test
  void aClientThatDoesNotTrustTheServersCertificateFailsUnavailableSayingWhy() throws Exception {
    startServer(serverTls());
    Channel channel = channel(to127().tls()); // the JDK's default authorities
    assertThatThrownBy(() -> echo(channel, "x"))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE);
              assertThat(e.status().description()).containsIgnoringCase("certif");
            });
    assertThat(handlerRuns.get()).isZero();
  }

  @Test
  void aCertificateForAnotherNameIsRefused() throws Exception {
    startServer(serverTls());
    Channel channel =
        channel(
            to127()
                .overrideAuthority("elsewhere.example:" + server.port())
                .tls(TlsConfig.builder().trust(caPem).build()));
    assertThatThrownBy(() -> echo(channel, "x"))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE);
              assertThat(e.status().description()).contains("elsewhere.example");
            });
    assertThat(handlerRuns.get()).isZero();
  }

  @Test
  void mutualTlsRejectsAClientWithoutACertificateAndAcceptsOneWith() throws Exception {
    startServer(
        TlsConfig.builder()
            .keyPair(serverChainPem, serverKeyPem)
            .trust(caPem)
            .requireClientAuth()
            .build());
    Channel anonymous = channel(to127().tls(TlsConfig.builder().trust(caPem).build()));
    assertThatThrownBy(() -> echo(anonymous, "x"))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE);
              assertThat(e.status().description()).containsIgnoringCase("certificate");
            });
    assertThat(handlerRuns.get()).isZero();

    Channel identified =
        channel(
            to127()
                .tls(
                    TlsConfig.builder()
                        .trust(caPem)
                        .keyPair(clientChainPem, clientKeyPem)
                        .build()));
    assertThat(echo(identified, "me")).isEqualTo(StringValue.of("me"));
    assertThat(handlerRuns.get()).isEqualTo(1);
  }

  @Test
  void aPlaintextClientCannotTalkToATlsServer() throws Exception {
    startServer(serverTls());
    Channel plaintext = channel(to127());
    assertThatThrownBy(() -> echo(plaintext, "x"))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE));
    assertThat(handlerRuns.get()).isZero();
  }
}
