package dev.trunk.examples.guide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trunk.Channel;
import dev.trunk.Server;
import dev.trunk.Status;
import dev.trunk.StatusException;
import dev.trunk.testing.LeakCheck;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The guide's mutual TLS example, with self-signed certificates made by the JDK's keytool. */
@ExtendWith(LeakCheck.class)
class TlsExampleTest {
  private static final String PASSWORD = "changeit";

  /** How long keytool may take to make one key pair. */
  private static final long KEYTOOL_TIMEOUT_SECONDS = 60;

  private static final String CLIENT_NAME = "CN=shop-frontend";

  @TempDir Path dir;

  /** A certificate and its key, as PEM files. */
  private record Pem(Path certificate, Path key) {}

  @Test
  void theTrustedClientIsServedAndItsHandlerSeesItsNameAnUnknownClientIsNot() throws Exception {
    Pem server = selfSigned("server", "CN=localhost", "san=dns:localhost,ip:127.0.0.1");
    Pem client = selfSigned("client", CLIENT_NAME, null);
    Pem intruder = selfSigned("intruder", "CN=intruder", null);
    Pricing pricing =
        new Pricing() {
          @Override
          public Price getPrice(ItemRequest request) {
            Tls.requireClient(CLIENT_NAME);
            return Price.newBuilder().setCents(250).build();
          }
        };
    ItemRequest apple = ItemRequest.newBuilder().setSku("apple").build();

    try (Server tls =
            Tls.mutualTlsServer(
                pricing, server.certificate(), server.key(), client.certificate(), "127.0.0.1", 0);
        Channel trusted =
            Tls.mutualTlsChannel(
                "localhost", tls.port(), server.certificate(), client.certificate(), client.key());
        Channel unknown =
            Tls.mutualTlsChannel(
                "localhost",
                tls.port(),
                server.certificate(),
                intruder.certificate(),
                intruder.key())) {
      assertThat(PricingClient.create(trusted).getPrice(apple).getCents()).isEqualTo(250);
      assertThatThrownBy(() -> PricingClient.create(unknown).getPrice(apple))
          .isInstanceOfSatisfying(
              StatusException.class,
              e -> assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE));
    }
  }

  /** A self-signed EC certificate and its PKCS#8 key, written as PEM files. */
  private Pem selfSigned(String alias, String subject, String san) throws Exception {
    Path store = dir.resolve(alias + ".p12");
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
            "-genkeypair",
            "-alias",
            alias,
            "-keyalg",
            "EC",
            "-groupname",
            "secp256r1",
            "-validity",
            "2",
            "-dname",
            subject,
            "-keystore",
            store.toString(),
            "-storetype",
            "PKCS12",
            "-storepass",
            PASSWORD));
    if (san != null) {
      command.addAll(List.of("-ext", san));
    }
    Process keytool = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(keytool.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).as(output).isZero();

    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keys.load(in, PASSWORD.toCharArray());
    }
    Pem pem = new Pem(dir.resolve(alias + ".crt"), dir.resolve(alias + ".key"));
    write(pem.certificate(), "CERTIFICATE", keys.getCertificate(alias).getEncoded());
    write(pem.key(), "PRIVATE KEY", keys.getKey(alias, PASSWORD.toCharArray()).getEncoded());
    return pem;
  }

  private static void write(Path file, String type, byte[] der) throws IOException {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    Files.writeString(
        file, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n");
  }
}
