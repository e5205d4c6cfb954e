package dev.trunk.internal.netty;

import dev.trunk.TlsConfig;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * Builds JDK TLS contexts that allow only {@link #PROTOCOLS}, offer only {@link #CIPHER_SUITES} and
 * negotiate {@code h2} with ALPN, as PROTOCOL-HTTP2.md requires, from PEM material or from an
 * {@link SSLContext} the user supplied.
 */
final class TlsContexts {
  /**
   * The TLS versions both sides allow, newest first. RFC 9113 section 9.2 requires TLS 1.2 or later
   * for HTTP/2; TLS 1.0 and 1.1 are deprecated by RFC 8996. Set on every engine, so a JDK whose
   * security policy still enables older versions does not offer them.
   */
  static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  /**
   * The cipher suites offered: the TLS 1.3 suites and the ECDHE suites with AEAD ciphers of TLS 1.2
   * (Netty's list, after Mozilla's "modern" profile), none of which is on the TLS 1.2 blocklist of
   * RFC 9113 appendix A. Suites the JDK lacks are left out.
   */
  static final List<String> CIPHER_SUITES = Http2SecurityUtil.CIPHERS;

  private static final ApplicationProtocolConfig ALPN_H2 =
      new ApplicationProtocolConfig(
          ApplicationProtocolConfig.Protocol.ALPN,
          ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
          ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
          ApplicationProtocolNames.HTTP_2);

  /**
   * A client of {@code Channel.Builder.http1()} offers only {@code http/1.1} (RFC 7301), so that a
   * server offering both does not pick h2 for a connection that speaks HTTP/1.1.
   */
  private static final ApplicationProtocolConfig ALPN_HTTP1 =
      new ApplicationProtocolConfig(
          ApplicationProtocolConfig.Protocol.ALPN,
          ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
          ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
          ApplicationProtocolNames.HTTP_1_1);

  /**
   * A server offers HTTP/1.1 after h2, for gRPC-Web and Connect from browsers and HTTP/1.1-only
   * proxies; gRPC clients select h2 (PROTOCOL-HTTP2.md).
   */
  private static final ApplicationProtocolConfig ALPN_SERVER =
      new ApplicationProtocolConfig(
          ApplicationProtocolConfig.Protocol.ALPN,
          ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
          ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
          ApplicationProtocolNames.HTTP_2,
          ApplicationProtocolNames.HTTP_1_1);

  private TlsContexts() {}

  /**
   * A server context from the user's SSL context, or from {@code material} (PEM).
   *
   * @throws SSLException if Netty cannot build the context
   */
  static SslContext forServer(TlsConfig config, TlsMaterial.Parsed material) throws SSLException {
    ClientAuth clientAuth = config.requireClientAuth() ? ClientAuth.REQUIRE : ClientAuth.NONE;
    SSLContext supplied = config.sslContext().orElse(null);
    if (supplied != null) {
      return wrap(supplied, false, clientAuth, ALPN_SERVER);
    }
    List<X509Certificate> chain = material.chain();
    PrivateKey key = material.key();
    if (chain == null || key == null) {
      throw new IllegalArgumentException("a TLS server needs keyPair(...) or sslContext(...)");
    }
    SslContextBuilder builder =
        SslContextBuilder.forServer(key, chain.toArray(X509Certificate[]::new));
    List<X509Certificate> trust = material.trust();
    if (trust != null) {
      builder.trustManager(trust.toArray(X509Certificate[]::new));
    }
    return finish(builder.clientAuth(clientAuth), ALPN_SERVER);
  }

  /**
   * A client context from the user's SSL context, or from {@code material} (PEM), offering ALPN
   * {@code http/1.1} if {@code http1}, else {@code h2}.
   */
  static SslContext forClient(TlsConfig config, TlsMaterial.Parsed material, boolean http1)
      throws SSLException {
    ApplicationProtocolConfig alpn = http1 ? ALPN_HTTP1 : ALPN_H2;
    SSLContext supplied = config.sslContext().orElse(null);
    if (supplied != null) {
      return wrap(supplied, true, ClientAuth.NONE, alpn);
    }
    SslContextBuilder builder = SslContextBuilder.forClient();
    List<X509Certificate> trust = material.trust();
    if (trust != null) {
      builder.trustManager(trust.toArray(X509Certificate[]::new));
    }
    List<X509Certificate> chain = material.chain();
    PrivateKey key = material.key();
    if (chain != null && key != null) {
      builder.keyManager(key, chain.toArray(X509Certificate[]::new));
    }
    return finish(builder, alpn);
  }

  private static SslContext finish(SslContextBuilder builder, ApplicationProtocolConfig alpn)
      throws SSLException {
    return builder
        .sslProvider(SslProvider.JDK)
        .protocols(PROTOCOLS)
        .ciphers(CIPHER_SUITES, SupportedCipherSuiteFilter.INSTANCE)
        .applicationProtocolConfig(alpn)
        .build();
  }

  /** The user's context with our protocols, cipher suites and ALPN on every engine it makes. */
  private static SslContext wrap(
      SSLContext context, boolean client, ClientAuth clientAuth, ApplicationProtocolConfig alpn) {
    return new JdkSslContext(
        context,
        client,
        CIPHER_SUITES,
        SupportedCipherSuiteFilter.INSTANCE,
        alpn,
        clientAuth,
        PROTOCOLS.toArray(String[]::new),
        false);
  }
}
