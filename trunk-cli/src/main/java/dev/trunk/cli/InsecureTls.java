package dev.trunk.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.jspecify.annotations.Nullable;

/**
 * The SSL context of {@code --insecure}: TLS that accepts any server certificate and host name (an
 * {@link X509ExtendedTrustManager} does the host name check itself, so this one skips it), with the
 * {@code --cert}/{@code --key} pair if given.
 */
final class InsecureTls {
  /** Key algorithms tried for a PKCS#8 key, whose PEM does not name its algorithm. */
  private static final List<String> KEY_ALGORITHMS = List.of("EC", "RSA", "Ed25519");

  private static final char[] NO_PASSWORD = new char[0];

  private InsecureTls() {}

  static SSLContext context(@Nullable Path cert, @Nullable Path key) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      KeyManager[] keys = cert == null || key == null ? null : keyManagers(cert, key);
      context.init(keys, new TrustManager[] {new TrustingEverything()}, null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new CliException(ExitCode.USAGE, "cannot load --cert/--key: " + e.getMessage(), e);
    }
  }

  private static KeyManager[] keyManagers(Path cert, Path key)
      throws GeneralSecurityException, IOException {
    Certificate[] chain =
        CertificateFactory.getInstance("X.509")
            .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(cert)))
            .toArray(Certificate[]::new);
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("client", privateKey(key), NO_PASSWORD, chain);
    KeyManagerFactory factory =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(store, NO_PASSWORD);
    return factory.getKeyManagers();
  }

  private static PrivateKey privateKey(Path file) throws GeneralSecurityException, IOException {
    String pem = Files.readString(file, StandardCharsets.US_ASCII);
    String base64 = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(base64));
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (InvalidKeySpecException e) {
        // Not this algorithm: try the next.
      }
    }
    throw new InvalidKeySpecException(file + " is not a PKCS#8 EC, RSA or Ed25519 PEM key");
  }

  /** Trusts every certificate chain, for {@code --insecure}. */
  private static final class TrustingEverything extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
