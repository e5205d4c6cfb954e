package dev.trunk;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * TLS settings for a {@link Server} or a {@link Channel}: PEM-encoded certificates and keys, or a
 * ready {@link SSLContext}.
 *
 * <p>A server needs its certificate chain and private key; add trusted certificates and {@link
 * Builder#requireClientAuth()} for mutual TLS. A client trusts the JDK's default authorities unless
 * given its own, and presents a certificate when one is set. Whatever the source of keys and trust,
 * Trunk allows only TLS 1.3 and 1.2, offers only the cipher suites HTTP/2 permits (RFC 9113 section
 * 9.2) and negotiates {@code h2} with ALPN. Immutable.
 *
 * <p>Certificates, keys and trusted certificates given as files are reloaded without a restart: the
 * server or channel checks the files every {@link Builder#reloadInterval reload interval}, and once
 * changed files have stayed the same for one interval, new connections use them (connections
 * already open keep theirs). Files that do not load (half written, a key that does not belong to
 * the certificate) are logged as an error and the previous material stays in use.
 *
 * <pre>{@code
 * TlsConfig serverTls = TlsConfig.builder().keyPair(Path.of("server.pem"), Path.of("server.key")).build();
 * TlsConfig clientTls = TlsConfig.builder().trust(Path.of("ca.pem")).build();
 * }</pre>
 */
public final class TlsConfig {
  /** How often files are checked for new certificates, unless {@link Builder#reloadInterval}. */
  public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(30);

  private final byte @Nullable [] certificateChain;
  private final byte @Nullable [] privateKey;
  private final byte @Nullable [] trustedCertificates;
  private final @Nullable Path certificateChainFile;
  private final @Nullable Path privateKeyFile;
  private final @Nullable Path trustedCertificatesFile;
  private final @Nullable SSLContext sslContext;
  private final boolean requireClientAuth;
  private final Duration reloadInterval;

  private TlsConfig(Builder builder) {
    this.certificateChain = builder.certificateChain;
    this.privateKey = builder.privateKey;
    this.trustedCertificates = builder.trustedCertificates;
    this.certificateChainFile = builder.certificateChainFile;
    this.privateKeyFile = builder.privateKeyFile;
    this.trustedCertificatesFile = builder.trustedCertificatesFile;
    this.sslContext = builder.sslContext;
    this.requireClientAuth = builder.requireClientAuth;
    this.reloadInterval = builder.reloadInterval;
  }

  /** A builder with no key pair, the JDK's default trust and no client authentication. */
  public static Builder builder() {
    return new Builder();
  }

  /** The PEM certificate chain this side presents, if any (as read when the config was built). */
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

  /** The file {@link #certificateChain()} was read from and is reloaded from, if any. */
  public Optional<Path> certificateChainFile() {
    return Optional.ofNullable(certificateChainFile);
  }

  /** The file {@link #privateKey()} was read from and is reloaded from, if any. */
  public Optional<Path> privateKeyFile() {
    return Optional.ofNullable(privateKeyFile);
  }

  /** The file {@link #trustedCertificates()} was read from and is reloaded from, if any. */
  public Optional<Path> trustedCertificatesFile() {
    return Optional.ofNullable(trustedCertificatesFile);
  }

  /** The SSL context that supplies keys and trust instead of PEM material, if any. */
  public Optional<SSLContext> sslContext() {
    return Optional.ofNullable(sslContext);
  }

  /** Whether a server requires clients to present a trusted certificate (mutual TLS). */
  public boolean requireClientAuth() {
    return requireClientAuth;
  }

  /** How often the files of this config are checked for changes. */
  public Duration reloadInterval() {
    return reloadInterval;
  }

  /** Builds a {@link TlsConfig}. Not thread-safe. */
  public static final class Builder {
    private byte @Nullable [] certificateChain;
    private byte @Nullable [] privateKey;
    private byte @Nullable [] trustedCertificates;
    private @Nullable Path certificateChainFile;
    private @Nullable Path privateKeyFile;
    private @Nullable Path trustedCertificatesFile;
    private @Nullable SSLContext sslContext;
    private boolean requireClientAuth;
    private Duration reloadInterval = DEFAULT_RELOAD_INTERVAL;

    private Builder() {}

    /** The certificate chain and private key this side presents, as PEM bytes. */
    public Builder keyPair(byte[] certificateChainPem, byte[] privateKeyPem) {
      this.certificateChain = requireNonNull(certificateChainPem, "certificateChainPem").clone();
      this.privateKey = requireNonNull(privateKeyPem, "privateKeyPem").clone();
      this.certificateChainFile = null;
      this.privateKeyFile = null;
      return this;
    }

    /**
     * The certificate chain and private key this side presents, from PEM files that are reloaded
     * when they change.
     *
     * @throws UncheckedIOException if a file cannot be read
     */
    public Builder keyPair(Path certificateChainPem, Path privateKeyPem) {
      keyPair(read(certificateChainPem), read(privateKeyPem));
      this.certificateChainFile = certificateChainPem;
      this.privateKeyFile = privateKeyPem;
      return this;
    }

    /** Trust only these PEM certificates to sign the peer's certificate. */
    public Builder trust(byte[] certificatesPem) {
      this.trustedCertificates = requireNonNull(certificatesPem, "certificatesPem").clone();
      this.trustedCertificatesFile = null;
      return this;
    }

    /**
     * Trust only the PEM certificates in this file, reloaded when it changes, to sign the peer's
     * certificate.
     *
     * @throws UncheckedIOException if the file cannot be read
     */
    public Builder trust(Path certificatesPem) {
      trust(read(certificatesPem));
      this.trustedCertificatesFile = certificatesPem;
      return this;
    }

    /**
     * Takes keys and trust from {@code context} instead of PEM material (for keys in a keystore or
     * a hardware module, or key managers that rotate by themselves). Trunk still sets the protocols
     * (TLS 1.3 and 1.2), cipher suites and ALPN on each connection.
     */
    public Builder sslContext(SSLContext context) {
      this.sslContext = requireNonNull(context, "context");
      return this;
    }

    /** On a server: require clients to present a certificate signed by a trusted authority. */
    public Builder requireClientAuth() {
      this.requireClientAuth = true;
      return this;
    }

    /**
     * How often files given to {@link #keyPair(Path, Path)} and {@link #trust(Path)} are checked
     * for changes (default {@link #DEFAULT_RELOAD_INTERVAL}). A change is loaded once the files
     * have stayed the same for one interval, so a rotation that writes them one after the other is
     * not loaded half done.
     *
     * @throws IllegalArgumentException if {@code interval} is not positive
     */
    public Builder reloadInterval(Duration interval) {
      requireNonNull(interval, "interval");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("reloadInterval must be positive, was " + interval);
      }
      this.reloadInterval = interval;
      return this;
    }

    /**
     * Builds the config.
     *
     * @throws IllegalStateException if both {@link #sslContext} and PEM material are set
     */
    public TlsConfig build() {
      if (sslContext != null && (certificateChain != null || trustedCertificates != null)) {
        throw new IllegalStateException(
            "sslContext(...) supplies the keys and trust: do not combine it with keyPair or trust");
      }
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
