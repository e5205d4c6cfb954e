package dev.trunk.internal.netty;

import dev.trunk.TlsConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The PEM certificate chain, private key and trusted certificates of a {@link TlsConfig}, as bytes
 * (from the config or freshly read from its files), with a fingerprint that tells whether they
 * changed. {@link #parse()} checks them. Immutable.
 */
final class TlsMaterial {
  private final @Nullable Part chain;
  private final @Nullable Part key;
  private final @Nullable Part trust;
  private final byte[] fingerprint;

  private TlsMaterial(@Nullable Part chain, @Nullable Part key, @Nullable Part trust) {
    this.chain = chain;
    this.key = key;
    this.trust = trust;
    this.fingerprint = fingerprint(chain, key, trust);
  }

  /** The material as the config holds it (read when the config was built). */
  static TlsMaterial of(TlsConfig config) {
    return new TlsMaterial(
        Part.of(config.certificateChain(), config.certificateChainFile(), "keyPair"),
        Part.of(config.privateKey(), config.privateKeyFile(), "keyPair"),
        Part.of(config.trustedCertificates(), config.trustedCertificatesFile(), "trust"));
  }

  /** The material with every part that came from a file read again from that file. */
  static TlsMaterial read(TlsConfig config) throws IOException {
    TlsMaterial current = of(config);
    return new TlsMaterial(reread(current.chain), reread(current.key), reread(current.trust));
  }

  /** The files this config's material comes from; empty when it was all given as bytes. */
  static List<Path> files(TlsConfig config) {
    List<Path> files = new ArrayList<>();
    config.certificateChainFile().ifPresent(files::add);
    config.privateKeyFile().ifPresent(files::add);
    config.trustedCertificatesFile().ifPresent(files::add);
    return files;
  }

  /** Equal for equal bytes in every part. */
  byte[] fingerprint() {
    return fingerprint.clone();
  }

  /**
   * Parses the certificates and key and checks that the key belongs to the first certificate.
   *
   * @throws GeneralSecurityException naming the file (or part) that is wrong and why
   */
  Parsed parse() throws GeneralSecurityException {
    List<X509Certificate> certificates =
        chain == null ? null : Pem.certificates(chain.bytes, chain.source);
    PrivateKey privateKey = key == null ? null : Pem.privateKey(key.bytes, key.source);
    if (certificates != null && privateKey != null) {
      Pem.checkKeyPair(privateKey, certificates.get(0), key.source);
    }
    List<X509Certificate> trusted =
        trust == null ? null : Pem.certificates(trust.bytes, trust.source);
    return new Parsed(certificates, privateKey, trusted);
  }

  /** Parsed material; null where the config has none. */
  record Parsed(
      @Nullable List<X509Certificate> chain,
      @Nullable PrivateKey key,
      @Nullable List<X509Certificate> trust) {}

  private static @Nullable Part reread(@Nullable Part part) throws IOException {
    if (part == null || part.file == null) {
      return part;
    }
    return new Part(Files.readAllBytes(part.file), part.file, part.source);
  }

  /** A fingerprint for something other than material, such as the error of reading it. */
  static byte[] fingerprintOf(String text) {
    return sha256().digest(text.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] fingerprint(@Nullable Part... parts) {
    MessageDigest digest = sha256();
    for (Part part : parts) {
      byte[] bytes = part == null ? new byte[0] : part.bytes;
      digest.update(
          ByteBuffer.allocate(Integer.BYTES).putInt(part == null ? -1 : bytes.length).flip());
      digest.update(bytes);
    }
    return digest.digest();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /**
   * One PEM part: its bytes, the file they came from (if any) and, for messages, that file or the
   * builder method that was given the bytes.
   */
  private record Part(byte[] bytes, @Nullable Path file, String source) {
    static @Nullable Part of(Optional<byte[]> bytes, Optional<Path> file, String method) {
      String source = file.map(Path::toString).orElse("the PEM bytes given to " + method);
      return bytes.map(b -> new Part(b, file.orElse(null), source)).orElse(null);
    }
  }
}
