package dev.trunk;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * TLS settings for a {@link Server} or a {@link Channel}, from PEM-encoded certificates and keys.
 *
 * <p>A server needs its certificate chain and private key; add trusted certificates and {@link
 * Builder#requireClientAuth()} for mutual TLS. A client trusts the JDK's default authorities unless
 * given its own, and presents a certificate when one is set. ALPN always offers {@code h2}.
 * Immutable.
 *
 * <pre>{@code
 * TlsConfig serverTls = TlsConfig.builder().keyPair(Path.of("server.pem"), Path.of("server.key")).build();
 * TlsConfig clientTls = TlsConfig.builder().trust(Path.of("ca.pem")).build();
 * }</pre>
 */
public final class TlsConfig {
  private final byte @org.jspecify.annotations.Nullable [] certificateChain;
  private final byte @org.jspecify.annotations.Nullable [] privateKey;
  private final byte @org.jspecify.annotations.Nullable [] trustedCertificates;
  private final boolean requireClientAuth;

  private TlsConfig(Builder builder) {
    this.certificateChain = builder.certificateChain;
    this.privateKey = builder.privateKey;
    this.trustedCertificates = builder.trustedCertificates;
    this.requireClientAuth = builder.requireClientAuth;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The PEM certificate chain this side presents, if any. */
  public Optional<byte[]> certificateChain() {
    return Optional.ofNullable(certificateChain).map(byte[]::clone);
  }

  /** The PEM (PKCS#8) private key of {@link #certificateChain()}, if any. */
  public Optional<byte[]> privateKey() {
    return Optional.ofNullable(privateKey).map(byte[]::clone);
  }

  /** PEM certificates trusted to sign the peer's certificate; empty means the JDK defaults. */
  public Optional<byte[]> trustedCertificates() {
    return Optional.ofNullable(trustedCertificates).map(byte[]::clone);
  }

  /** Whether a server requires clients to present a trusted certificate (mutual TLS). */
  public boolean requireClientAuth() {
    return requireClientAuth;
  }

  /** Builds a {@link TlsConfig}. Not thread-safe. */
  public static final class Builder {
    private byte @org.jspecify.annotations.Nullable [] certificateChain;
    private byte @org.jspecify.annotations.Nullable [] privateKey;
    private byte @org.jspecify.annotations.Nullable [] trustedCertificates;
    private boolean requireClientAuth;

    private Builder() {}

    /** The certificate chain and private key this side presents, as PEM bytes. */
    public Builder keyPair(byte[] certificateChainPem, byte[] privateKeyPem) {
      this.certificateChain = requireNonNull(certificateChainPem, "certificateChainPem").clone();
      this.privateKey = requireNonNull(privateKeyPem, "privateKeyPem").clone();
      return this;
    }

    /** The certificate chain and private key this side presents, from PEM files. */
    public Builder keyPair(Path certificateChainPem, Path privateKeyPem) {
      return keyPair(read(certificateChainPem), read(privateKeyPem));
    }

    /** Trust only these PEM certificates to sign the peer's certificate. */
    public Builder trust(byte[] certificatesPem) {
      this.trustedCertificates = requireNonNull(certificatesPem, "certificatesPem").clone();
      return this;
    }

    /** Trust only the PEM certificates in this file to sign the peer's certificate. */
    public Builder trust(Path certificatesPem) {
      return trust(read(certificatesPem));
    }

    /** On a server: require clients to present a certificate signed by a trusted authority. */
    public Builder requireClientAuth() {
      this.requireClientAuth = true;
      return this;
    }

    public TlsConfig build() {
      return new TlsConfig(this);
    }

    private static byte[] read(Path file) {
      try {
        return Files.readAllBytes(requireNonNull(file, "file"));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file, e);
      }
    }
  }
}
