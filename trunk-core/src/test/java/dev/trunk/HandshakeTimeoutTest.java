package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.StringValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The handshake timeout: a client must finish TLS (if served), the HTTP/2 preface and its first
 * SETTINGS within {@code Server.Builder.handshakeTimeout}, or be disconnected. Raw sockets play
 * clients that send nothing or trickle bytes (slowloris).
 */
class HandshakeTimeoutTest {
  private static final Duration TIMEOUT = Duration.ofMillis(300);

  /** How long the tests wait for the server to hang up; Netty's own TLS timeout is 10 s. */
  private static final int HANG_UP_WITHIN_MILLIS = 5_000;

  @TempDir Path dir;

  private Server server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.shutdownNow();
    }
  }

  private void start(Server.Builder builder) throws IOException {
    ServiceDefinition service =
        ServiceDefinition.builder(TestService.NAME).unary(TestService.ECHO, r -> r).build();
    server = builder.address("127.0.0.1", 0).service(service).build().start();
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
    socket.setSoTimeout(HANG_UP_WITHIN_MILLIS);
    return socket;
  }

  /** Reads (and drops) whatever the server sends until it closes the connection. */
  private static void assertHangsUp(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[1024];
    try {
      while (in.read(buffer) >= 0) {
        // the server's SETTINGS, or TLS records
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server kept the connection open", e);
    } catch (IOException reset) {
      // closed with a reset: hung up as well
    }
  }

  @Test
  void aClientThatSendsNothingIsDisconnected() throws Exception {
    start(Server.builder().handshakeTimeout(TIMEOUT));
    try (Socket socket = connect()) {
      assertHangsUp(socket);
    }
  }

  @Test
  void aClientThatTricklesThePrefaceIsDisconnected() throws Exception {
    start(Server.builder().handshakeTimeout(TIMEOUT));
    try (Socket socket = connect()) {
      byte[] preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
      Thread trickle =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      OutputStream out = socket.getOutputStream();
                      for (byte b : preface) {
                        out.write(b);
                        out.flush();
                        Thread.sleep(100); // 2.4 s for the preface: far more than the timeout
                      }
                    } catch (IOException | InterruptedException e) {
                      // the server hung up, as it should
                    }
                  });
      assertHangsUp(socket);
      trickle.join(TimeUnit.SECONDS.toMillis(10));
    }
  }

  @Test
  void aClientThatStallsTheTlsHandshakeIsDisconnected() throws Exception {
    start(Server.builder().handshakeTimeout(TIMEOUT).tls(selfSignedTls()));
    try (Socket socket = connect()) {
      // Half a ClientHello record header: the TLS handshake has begun, and goes no further.
      socket.getOutputStream().write(new byte[] {0x16, 0x03, 0x01});
      assertHangsUp(socket);
    }
  }

  @Test
  void aConnectionThatCompletedItsHandshakeOutlivesTheTimeout() throws Exception {
    Duration timeout = Duration.ofSeconds(1); // room for a loaded machine to read the preface
    start(Server.builder().handshakeTimeout(timeout));
    try (FrameClient client = new FrameClient(server.port())) {
      client.settings.get(10, TimeUnit.SECONDS);
      Thread.sleep(2 * timeout.toMillis());
      FrameClient.Stream echo =
          client.open(FrameClient.grpcHeaders("/" + TestService.ECHO.fullName()), false);
      client.message(echo, StringValue.of("still here").toByteArray(), true);
      assertThat(echo.awaitEnd().grpcStatus()).isEqualTo("0");
      assertThat(client.disconnected).isNotDone();
    }
  }

  @Test
  void theHandshakeTimeoutMustBePositive() {
    assertThatThrownBy(() -> Server.builder().handshakeTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("handshakeTimeout");
  }

  /** A self-signed certificate for localhost, made by the JDK's keytool. */
  private TlsConfig selfSignedTls() throws Exception {
    Path keystore = dir.resolve("server.p12");
    String password = "changeit";
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-keystore",
                keystore.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                password,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-validity",
                "2",
                "-alias",
                "server",
                "-dname",
                "CN=localhost"));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("keytool:\n%s", output).isZero();
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      store.load(in, password.toCharArray());
    }
    byte[] certificate = pem("CERTIFICATE", store.getCertificate("server").getEncoded());
    byte[] key = pem("PRIVATE KEY", store.getKey("server", password.toCharArray()).getEncoded());
    return TlsConfig.builder().keyPair(certificate, key).build();
  }

  private static byte[] pem(String type, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return ("-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n")
        .getBytes(StandardCharsets.US_ASCII);
  }
}
