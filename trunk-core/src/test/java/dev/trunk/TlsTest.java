package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.StringValue;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS over real sockets with certificates made for the test by keytool: ALPN h2, what the caller
 * and the server log say when a handshake fails (untrusted or misnamed server certificate, mutual
 * TLS without a trusted client certificate, TLS against plaintext either way, no h2), and the
 * peer's certificate as handlers and interceptors see it.
 */
class TlsTest {
  private static final Duration LOG_WAIT = Duration.ofSeconds(20);

  @TempDir static Path dir;

  private static TestCertificates certificates;
  private static TestCertificates.Leaf serverLeaf;
  private static TestCertificates.Leaf clientLeaf;
  private static TestCertificates.Leaf rogueClientLeaf;

  private final AtomicInteger handlerRuns = new AtomicInteger();
  private final AtomicReference<Optional<TlsInfo>> handlerTls = new AtomicReference<>();
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private Server server;

  @BeforeAll
  @Timeout(value = 3, unit = TimeUnit.MINUTES) // keytool starts a JVM per certificate
  static void makeCertificates() throws Exception {
    certificates = TestCertificates.create(dir);
    serverLeaf = certificates.server("server");
    clientLeaf = certificates.client("trunk-test-client");
    rogueClientLeaf = certificates.selfSignedClient("rogue-client");
  }

  private void startServer(@Nullable TlsConfig tls, Interceptor... interceptors)
      throws IOException {
    ServiceDefinition service =
        ServiceDefinition.builder(TestService.NAME)
            .unary(
                TestService.ECHO,
                request -> {
                  handlerRuns.incrementAndGet();
                  handlerTls.set(CallContext.current().tls());
                  return request;
                })
            .build();
    Server.Builder builder = Server.builder().address("127.0.0.1", 0).service(service);
    for (Interceptor interceptor : interceptors) {
      builder.intercept(interceptor);
    }
    if (tls != null) {
      builder.tls(tls);
    }
    server = builder.build().start();
  }

  private static TlsConfig serverTls() {
    return TlsConfig.builder().keyPair(serverLeaf.chainPem(), serverLeaf.keyPem()).build();
  }

  private static TlsConfig mutualTls() {
    return TlsConfig.builder()
        .keyPair(serverLeaf.chainPem(), serverLeaf.keyPem())
        .trust(certificates.caPem())
        .requireClientAuth()
        .build();
  }

  private static TlsConfig trustCa() {
    return TlsConfig.builder().trust(certificates.caPem()).build();
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

  /** Makes a call that must fail UNAVAILABLE and returns the status's description. */
  private static String unavailableDescription(Channel channel) {
    AtomicReference<String> description = new AtomicReference<>();
    assertThatThrownBy(() -> echo(channel, "x"))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE);
              description.set(e.status().description());
            });
    return description.get();
  }

  /** A JDK TLS socket trusting the test CA and offering these ALPN protocols. */
  private SSLSocket tlsSocket(String... protocols) throws Exception {
    SSLContext context = certificates.sslContext("TLS", null);
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

  /** The server log lines about TLS connections from 127.0.0.1 that say {@code text}. */
  private static List<String> serverLines(LogCapture log, String text) {
    return log.lines(line -> line.contains("/127.0.0.1:") && line.contains(text));
  }

  private static void assertNoStackTraceOrError(LogCapture log) {
    assertThat(log.lines(line -> line.startsWith("\tat ") || line.contains(" ERROR ")))
        .as("log:\n%s", log.lines())
        .isEmpty();
  }

  @Test
  void aTlsCallWorksAndTheServerNegotiatesH2WithAlpn() throws Exception {
    startServer(serverTls());
    Channel channel = channel(to127().tls(trustCa()));
    assertThat(echo(channel, "secret")).isEqualTo(StringValue.of("secret"));
    Channel byName = channel(Channel.forAddress("localhost", server.port()).tls(trustCa()));
    assertThat(echo(byName, "by name")).isEqualTo(StringValue.of("by name"));

    try (SSLSocket socket = tlsSocket("http/1.1", "h2")) {
      socket.startHandshake();
      assertThat(socket.getApplicationProtocol()).isEqualTo("h2");
    }
  }

  @Test
  void aTlsClientThatOffersOnlyHttp11IsServedHttp11() throws Exception {
    startServer(serverTls());
    try (SSLSocket socket = tlsSocket("http/1.1")) {
      socket.startHandshake();
      assertThat(socket.getApplicationProtocol()).isEqualTo("http/1.1");
      socket
          .getOutputStream()
          .write(
              ("POST /"
                      + TestService.ECHO.fullName()
                      + " HTTP/1.1\r\nhost: localhost\r\n"
                      + "content-type: application/grpc\r\ncontent-length: 0\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      String answer = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
      // gRPC itself needs HTTP/2: the HTTP/1.1 answer says so (gRPC-Web and Connect are served).
      assertThat(answer).isEqualTo("HTTP/1.1 505");
    }
  }

  @Test
  void aClientThatDoesNotTrustTheServersCertificateFailsUnavailableSayingWhy() throws Exception {
    startServer(serverTls());
    Channel channel = channel(to127().tls()); // the JDK's default authorities
    try (LogCapture log = new LogCapture()) {
      assertThat(unavailableDescription(channel))
          .contains("the TLS handshake with 127.0.0.1:" + server.port() + " failed")
          .contains("the server's certificate is not trusted")
          .contains("PKIX");
      log.await(line -> line.contains("the client rejected this server's certificate"), LOG_WAIT);
      assertNoStackTraceOrError(log);
    }
    assertThat(handlerRuns.get()).isZero();
  }

  @Test
  void aCertificateForAnotherNameIsRefusedSayingSo() throws Exception {
    startServer(serverTls());
    Channel channel =
        channel(to127().overrideAuthority("elsewhere.example:" + server.port()).tls(trustCa()));
    assertThat(unavailableDescription(channel))
        .contains("the TLS handshake with 127.0.0.1:" + server.port() + " failed")
        .contains("the server's certificate is not valid for the name this channel connects to")
        .contains("elsewhere.example");
    assertThat(handlerRuns.get()).isZero();
  }

  @Test
  void mutualTlsRefusesAClientWithoutACertificateClearlyOnBothSides() throws Exception {
    startServer(mutualTls());
    Channel anonymous = channel(to127().tls(trustCa()));
    try (LogCapture log = new LogCapture()) {
      assertThat(unavailableDescription(anonymous))
          .contains("the TLS handshake with 127.0.0.1:" + server.port() + " failed")
          .contains("the server requires a client certificate (mutual TLS)");
      log.await(line -> line.contains("the client presented no certificate"), LOG_WAIT);
      assertThat(serverLines(log, "TLS handshake with"))
          .singleElement()
          .asString()
          .contains("INFO")
          .contains(
              "failed: the client presented no certificate, and this server requires one"
                  + " (mutual TLS)");
      assertNoStackTraceOrError(log);
    }
    assertThat(handlerRuns.get()).isZero();

    Channel identified =
        channel(
            to127()
                .tls(
                    TlsConfig.builder()
                        .trust(certificates.caPem())
                        .keyPair(clientLeaf.chainPem(), clientLeaf.keyPem())
                        .build()));
    assertThat(echo(identified, "me")).isEqualTo(StringValue.of("me"));
    assertThat(handlerRuns.get()).isEqualTo(1);
  }

  @Test
  void aClientWhoseCertificateNoTrustedAuthoritySignedIsToldItPresentedNone() throws Exception {
    startServer(mutualTls());
    Channel rogue =
        channel(
            to127()
                .tls(
                    TlsConfig.builder()
                        .trust(certificates.caPem())
                        .keyPair(rogueClientLeaf.chainPem(), rogueClientLeaf.keyPem())
                        .build()));
    // The JDK presents only a certificate from an authority the server named as acceptable.
    assertThat(unavailableDescription(rogue))
        .contains("the TLS handshake with 127.0.0.1:" + server.port() + " failed")
        .contains(
            "the server requires a client certificate (mutual TLS) signed by an authority it"
                + " trusts, and this channel's certificate is not");
    assertThat(handlerRuns.get()).isZero();
  }

  @Test
  void mutualTlsRefusesAnUntrustedClientCertificateClearlyOnBothSides() throws Exception {
    startServer(mutualTls());
    Channel rogue =
        channel(
            to127()
                .tls(
                    TlsConfig.builder()
                        .sslContext(certificates.clientContextAlwaysPresenting(rogueClientLeaf))
                        .build()));
    try (LogCapture log = new LogCapture()) {
      assertThat(unavailableDescription(rogue))
          .contains("the TLS handshake with 127.0.0.1:" + server.port() + " failed")
          .contains("the server rejected this client's certificate (alert");
      log.await(line -> line.contains("the client's certificate is not trusted"), LOG_WAIT);
      assertThat(serverLines(log, "TLS handshake with")).hasSize(1);
      assertNoStackTraceOrError(log);
    }
    assertThat(handlerRuns.get()).isZero();
  }

  @Test
  void aPlaintextClientOfATlsServerIsToldItMayNeedTlsAndTheServerSaysSoInOneLine()
      throws Exception {
    startServer(serverTls());
    Channel plaintext = channel(to127());
    try (LogCapture log = new LogCapture()) {
      // The server's TLS engine answers the preface with an alert record; were it to close
      // without one, the client would say the server closed without answering, with the same hint.
      assertThat(unavailableDescription(plaintext))
          .contains("the server at 127.0.0.1:" + server.port())
          .contains("this channel is plaintext")
          .contains("use Channel.Builder.tls()");
      log.await(line -> line.contains("the client sent plaintext to this TLS port"), LOG_WAIT);
      assertThat(serverLines(log, "TLS handshake with"))
          .singleElement()
          .asString()
          .contains("failed: the client sent plaintext to this TLS port; it must connect with TLS");
      assertNoStackTraceOrError(log);
      assertNoHexDump(log);
    }
    assertThat(handlerRuns.get()).isZero();
  }

  @Test
  void aTlsClientOfAPlaintextServerIsToldItAnsweredInPlaintextHttp2AndTheServerSaysSo()
      throws Exception {
    startServer(null);
    Channel tls = channel(to127().tls(trustCa()));
    try (LogCapture log = new LogCapture()) {
      String description = unavailableDescription(tls);
      assertThat(description)
          .contains("the server at 127.0.0.1:" + server.port())
          .contains("answered the TLS handshake with plaintext HTTP/2")
          .contains("use Channel.Builder.plaintext()");
      assertThat(description).doesNotContainPattern(HEX_DUMP);
      log.await(line -> line.contains("a client started TLS on this plaintext port"), LOG_WAIT);
      assertThat(serverLines(log, "started TLS"))
          .singleElement()
          .asString()
          .contains("INFO")
          .contains("Server.Builder.tls")
          .contains("Channel.Builder.plaintext()");
      assertNoStackTraceOrError(log);
      assertNoHexDump(log);
    }
    assertThat(handlerRuns.get()).isZero();
  }

  /** A run of hex digits as long as Netty's dumps of unexpected bytes. */
  private static final String HEX_DUMP = "[0-9a-f]{32}";

  private static void assertNoHexDump(LogCapture log) {
    assertThat(log.lines(line -> line.matches(".*" + HEX_DUMP + ".*")))
        .as("log:\n%s", log.lines())
        .isEmpty();
  }

  @Test
  void aTlsServerThatSelectsNoProtocolWithAlpnIsRefusedForNotNegotiatingH2() throws Exception {
    assertThat(describeFailureAgainstJdkServer(parameters -> {}))
        .contains("did not negotiate HTTP/2: the server selected no protocol with ALPN");
  }

  @Test
  void aTlsServerThatOffersOnlyHttp11IsRefusedForNotSupportingH2() throws Exception {
    assertThat(
            describeFailureAgainstJdkServer(
                parameters -> parameters.setApplicationProtocols(new String[] {"http/1.1"})))
        .contains("the TLS handshake with")
        .contains("the server does not support HTTP/2 over TLS (ALPN h2)");
  }

  /**
   * Calls a plain JDK TLS server (our server certificate, ALPN as {@code alpn} sets it) that
   * completes the handshake and waits for the client to leave; returns the call's description.
   */
  private String describeFailureAgainstJdkServer(Consumer<SSLParameters> alpn) throws Exception {
    SSLContext context = certificates.sslContext("TLS", serverLeaf);
    try (SSLServerSocket listener =
        (SSLServerSocket)
            context
                .getServerSocketFactory()
                .createServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
      SSLParameters parameters = listener.getSSLParameters();
      alpn.accept(parameters);
      listener.setSSLParameters(parameters);
      Thread acceptor =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try (Socket socket = listener.accept()) {
                      socket.setSoTimeout(20_000);
                      while (socket.getInputStream().read() >= 0) {
                        // until the client closes
                      }
                    } catch (IOException expected) {
                      // the handshake failed or the client went away
                    }
                  });
      Channel channel =
          channel(Channel.forAddress("localhost", listener.getLocalPort()).tls(trustCa()));
      String description = unavailableDescription(channel);
      channel.shutdownNow();
      assertThat(acceptor.join(Duration.ofSeconds(30))).isTrue();
      return description;
    }
  }

  @Test
  void aHandlerAndAnInterceptorBothSeeTheClientCertificateOfAMutualTlsCall() throws Exception {
    AtomicReference<Optional<TlsInfo>> interceptorTls = new AtomicReference<>();
    startServer(
        mutualTls(),
        new Interceptor() {
          @Override
          public <Req, Resp> CallObserver<Req, Resp> interceptCall(
              CallInfo<Req, Resp> call, Metadata requestHeaders) {
            interceptorTls.set(call.tls());
            return CallObserver.none();
          }
        });
    Channel identified =
        channel(
            to127()
                .tls(
                    TlsConfig.builder()
                        .trust(certificates.caPem())
                        .keyPair(clientLeaf.chainPem(), clientLeaf.keyPem())
                        .build()));
    assertThat(echo(identified, "me")).isEqualTo(StringValue.of("me"));

    for (Optional<TlsInfo> seen : List.of(handlerTls.get(), interceptorTls.get())) {
      TlsInfo tls = seen.orElseThrow();
      assertThat(tls.peerCertificates()).hasSize(2); // the client's certificate, then the CA
      assertThat(tls.peerCertificates().get(0).getSubjectX500Principal().getName())
          .isEqualTo("CN=trunk-test-client");
      assertThat(tls.protocol()).isEqualTo("TLSv1.3");
      assertThat(tls.cipherSuite()).startsWith("TLS_");
    }
  }

  @Test
  void withoutClientCertificatesTheSessionIsKnownAndOnPlaintextThereIsNone() throws Exception {
    AtomicReference<Optional<TlsInfo>> interceptorTls = new AtomicReference<>();
    Interceptor recorder =
        new Interceptor() {
          @Override
          public <Req, Resp> CallObserver<Req, Resp> interceptCall(
              CallInfo<Req, Resp> call, Metadata requestHeaders) {
            interceptorTls.set(call.tls());
            return CallObserver.none();
          }
        };
    startServer(serverTls(), recorder);
    echo(channel(to127().tls(trustCa())), "x");
    assertThat(handlerTls.get().orElseThrow().peerCertificates()).isEmpty();
    assertThat(interceptorTls.get().orElseThrow().protocol()).isEqualTo("TLSv1.3");
    server.shutdownNow();

    startServer(null, recorder);
    echo(channel(to127()), "x");
    assertThat(handlerTls.get()).isEmpty();
    assertThat(interceptorTls.get()).isEmpty();
  }
}
