package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;
import org.jspecify.annotations.Nullable;

/**
 * Certificates made at test time by the JDK's keytool (EC P-256, valid two days): a CA, and leaf
 * certificates it signs or that sign themselves, as PEM.
 */
public final class TestCertificates {
  private static final String PASSWORD = "changeit";

  private final Path keystore;
  private final byte[] caPem;

  /** One leaf: its PEM chain (leaf, then CA) and PKCS#8 key. */
  public record Leaf(byte[] chainPem, byte[] keyPem) {
    /** The leaf certificate. */
    public X509Certificate certificate() throws Exception {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(chainPem));
    }

    /** Writes the chain and key to these files, in that order. */
    public void writeTo(Path chainFile, Path keyFile) throws Exception {
      Files.write(chainFile, chainPem);
      Files.write(keyFile, keyPem);
    }
  }

  private TestCertificates(Path dir) throws Exception {
    this.keystore = dir.resolve("test-" + System.nanoTime() + ".p12");
    keytool("-alias", "ca", "-dname", "CN=Trunk Test CA", "-ext", "bc:c");
    this.caPem = pem("CERTIFICATE", load().getCertificate("ca").getEncoded());
  }

  /** A new CA in {@code dir}. */
  public static TestCertificates create(Path dir) throws Exception {
    return new TestCertificates(dir);
  }

  public byte[] caPem() {
    return caPem.clone();
  }

  /** A server certificate for localhost and 127.0.0.1 signed by the CA. */
  public Leaf server(String alias) throws Exception {
    return leaf(
        alias,
        "CN=localhost,OU=" + alias,
        "-ext",
        "san=dns:localhost,ip:127.0.0.1",
        "-ext",
        "eku=serverAuth",
        "-signer",
        "ca");
  }

  /** A client certificate with subject {@code CN=<name>} signed by the CA. */
  public Leaf client(String name) throws Exception {
    return leaf(name, "CN=" + name, "-ext", "eku=clientAuth", "-signer", "ca");
  }

  /** A client certificate that signs itself: no CA vouches for it. */
  public Leaf selfSignedClient(String name) throws Exception {
    return leaf(name, "CN=" + name, "-ext", "eku=clientAuth");
  }

  /** A JDK SSL context holding {@code leaf} (if not null) and trusting this CA. */
  public SSLContext sslContext(String protocol, @Nullable Leaf leaf) throws Exception {
    SSLContext context = SSLContext.getInstance(protocol);
    context.init(sslContextKeyManagers(leaf), trustManagers().getTrustManagers(), null);
    return context;
  }

  private static KeyManager[] sslContextKeyManagers(@Nullable Leaf leaf) throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    if (leaf != null) {
      List<Certificate> chain = new ArrayList<>();
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      chain.addAll(factory.generateCertificates(new ByteArrayInputStream(leaf.chainPem())));
      keys.setKeyEntry(
          "leaf",
          KeyFactory.getInstance("EC")
              .generatePrivate(new PKCS8EncodedKeySpec(der(leaf.keyPem(), "PRIVATE KEY"))),
          PASSWORD.toCharArray(),
          chain.toArray(Certificate[]::new));
    }
    KeyManagerFactory keyManagers =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(keys, PASSWORD.toCharArray());
    return keyManagers.getKeyManagers();
  }

  /**
   * A client SSL context trusting this CA that presents {@code leaf} to every server, even one that
   * asks for certificates from other authorities (the JDK's key manager would present none).
   */
  public SSLContext clientContextAlwaysPresenting(Leaf leaf) throws Exception {
    X509KeyManager keys = (X509KeyManager) sslContextKeyManagers(leaf)[0];
    X509ExtendedKeyManager always =
        new X509ExtendedKeyManager() {
          @Override
          public String chooseEngineClientAlias(
              String[] keyType, Principal[] issuers, SSLEngine engine) {
            return "leaf";
          }

          @Override
          public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return "leaf";
          }

          @Override
          public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {"leaf"};
          }

          @Override
          public String[] getServerAliases(String keyType, Principal[] issuers) {
            return new String[0];
          }

          @Override
          public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
          }

          @Override
          public X509Certificate[] getCertificateChain(String alias) {
            return keys.getCertificateChain(alias);
          }

          @Override
          public PrivateKey getPrivateKey(String alias) {
            return keys.getPrivateKey(alias);
          }
        };
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(new KeyManager[] {always}, trustManagers().getTrustManagers(), null);
    return context;
  }

  /** Trust managers that trust this CA only. */
  public TrustManagerFactory trustManagers() throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry(
        "ca",
        CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(caPem)));
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    return factory;
  }

  private Leaf leaf(String alias, String dname, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("-alias", alias, "-dname", dname));
    args.addAll(List.of(extra));
    keytool(args.toArray(String[]::new));
    KeyStore store = load();
    StringBuilder chain = new StringBuilder();
    for (Certificate certificate : store.getCertificateChain(alias)) {
      chain.append(
          new String(pem("CERTIFICATE", certificate.getEncoded()), StandardCharsets.US_ASCII));
    }
    return new Leaf(
        chain.toString().getBytes(StandardCharsets.US_ASCII),
        pem("PRIVATE KEY", store.getKey(alias, PASSWORD.toCharArray()).getEncoded()));
  }

  private KeyStore load() throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      store.load(in, PASSWORD.toCharArray());
    }
    return store;
  }

  /** Runs {@code keytool -genkeypair} with an EC P-256 key valid for two days. */
  private void keytool(String... args) throws Exception {
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

  static byte[] pem(String type, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return ("-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] der(byte[] pem, String type) {
    String text = new String(pem, StandardCharsets.US_ASCII);
    String body =
        text.substring(
            text.indexOf("-----BEGIN " + type + "-----")
                + ("-----BEGIN " + type + "-----").length(),
            text.indexOf("-----END " + type + "-----"));
    return Base64.getMimeDecoder().decode(body);
  }
}
