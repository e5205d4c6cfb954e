package dev.trunk.internal.netty;

import dev.trunk.TlsConfig;
import dev.trunk.internal.Log;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * The TLS context for new connections of one server or channel. When the {@link TlsConfig} names
 * files, a virtual thread ({@value #THREAD_NAME}) reads them every {@link
 * TlsConfig#reloadInterval()}; once changed contents have stayed the same for one interval, they
 * are parsed, checked and, if good, used for the connections made from then on. Bad contents are
 * logged once as an error and the previous context stays; the files are tried again when they
 * change. Connections already open keep the context they were made with.
 *
 * <p>{@link #current()} is thread-safe; the checks run on the watching thread only.
 */
final class TlsSource implements AutoCloseable {
  private static final Log log = Log.of(TlsSource.class);

  /** The name of the thread that watches the files. */
  static final String THREAD_NAME = "trunk-tls-reload";

  private final TlsConfig config;
  private final boolean server;
  private final boolean http1;
  private final List<Path> files;
  private volatile SslContext current;
  private final @Nullable Thread watcher;

  // Watching thread only: fingerprints of the material in use, of what the last check read (loaded
  // once read twice in a row) and of what failed to load (not tried again until it changes).
  private byte[] loaded;
  private byte @Nullable [] seen;
  private byte @Nullable [] failed;

  private TlsSource(TlsConfig config, boolean server, boolean http1) throws SSLException {
    this.config = config;
    this.server = server;
    this.http1 = http1;
    this.files = config.sslContext().isPresent() ? List.of() : TlsMaterial.files(config);
    TlsMaterial material = TlsMaterial.of(config);
    try {
      this.current = build(material.parse());
    } catch (GeneralSecurityException e) {
      throw new SSLException("invalid TLS configuration: " + e.getMessage(), e);
    }
    this.loaded = material.fingerprint();
    this.watcher = files.isEmpty() ? null : Thread.ofVirtual().name(THREAD_NAME).start(this::watch);
  }

  /**
   * The server's TLS, watching its files if it has any.
   *
   * @throws SSLException if the configuration is invalid (bad PEM, a key for another certificate)
   */
  static TlsSource forServer(TlsConfig config) throws SSLException {
    return new TlsSource(config, true, false);
  }

  /**
   * A channel's TLS for HTTP/2 (ALPN h2), watching its files if it has any; see {@link #forServer}.
   */
  static TlsSource forClient(TlsConfig config) throws SSLException {
    return forClient(config, false);
  }

  /** A channel's TLS offering ALPN {@code http/1.1} if {@code http1}, else {@code h2}. */
  static TlsSource forClient(TlsConfig config, boolean http1) throws SSLException {
    return new TlsSource(config, false, http1);
  }

  /** The context for a new connection. */
  SslContext current() {
    return current;
  }

  /** Stops watching the files. */
  @Override
  public void close() {
    if (watcher != null) {
      watcher.interrupt();
    }
  }

  private SslContext build(TlsMaterial.Parsed material) throws SSLException {
    return server
        ? TlsContexts.forServer(config, material)
        : TlsContexts.forClient(config, material, http1);
  }

  private void watch() {
    long intervalNanos = config.reloadInterval().toNanos();
    while (true) {
      try {
        Thread.sleep(intervalNanos / 1_000_000, (int) (intervalNanos % 1_000_000));
      } catch (InterruptedException e) {
        return; // closed
      }
      try {
        check();
      } catch (RuntimeException e) {
        log.error("checking the TLS files {} failed", files, e);
      }
    }
  }

  /** One check: loads what changed and then stayed the same for one interval. */
  private void check() {
    TlsMaterial material = null;
    String unreadable = null;
    byte[] fingerprint;
    try {
      material = TlsMaterial.read(config);
      fingerprint = material.fingerprint();
    } catch (IOException e) {
      unreadable = e.toString();
      fingerprint = TlsMaterial.fingerprintOf(unreadable);
    }
    if (Arrays.equals(fingerprint, loaded)) {
      seen = null;
      return;
    }
    if (!Arrays.equals(fingerprint, seen)) {
      seen = fingerprint; // changed since the last check: wait until it stays the same
      return;
    }
    if (Arrays.equals(fingerprint, failed)) {
      return; // reported already
    }
    try {
      if (material == null) {
        throw new IOException(unreadable);
      }
      TlsMaterial.Parsed parsed = material.parse();
      current = build(parsed);
      loaded = fingerprint;
      failed = null;
      log.info("reloaded TLS material from {}; new connections use it{}", files, subject(parsed));
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      failed = fingerprint;
      log.error(
          "cannot reload TLS material from {}: {}; new connections keep using the previous"
              + " material, and the files are loaded again once they change",
          files,
          e.getMessage());
    }
  }

  private static String subject(TlsMaterial.Parsed material) {
    List<X509Certificate> chain = material.chain();
    return chain == null
        ? ""
        : " (certificate " + chain.get(0).getSubjectX500Principal().getName() + ")";
  }
}
