package dev.trunk;

import static java.util.Objects.requireNonNull;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The TLS session of the connection a call arrived on, for authorization: the peer's certificate
 * chain and the negotiated protocol and cipher suite. Reach it from a handler with {@link
 * CallContext#tls()} or from an interceptor with {@link CallInfo#tls()}; both are empty on a
 * plaintext connection. Immutable.
 *
 * <pre>{@code
 * X509Certificate client = CallContext.current().tls().orElseThrow().peerCertificates().getFirst();
 * if (!allowed.contains(client.getSubjectX500Principal().getName())) {
 *   throw Status.PERMISSION_DENIED.asException();
 * }
 * }</pre>
 *
 * @param protocol the TLS version, {@code "TLSv1.3"} or {@code "TLSv1.2"}
 * @param cipherSuite the cipher suite, such as {@code "TLS_AES_128_GCM_SHA256"}
 * @param peerCertificates the certificate chain the peer presented, its own certificate first;
 *     empty if it presented none (a client when the server does not require one)
 */
public record TlsInfo(String protocol, String cipherSuite, List<X509Certificate> peerCertificates) {
  /** Copies {@code peerCertificates}; throws {@link NullPointerException} for a null argument. */
  public TlsInfo {
    requireNonNull(protocol, "protocol");
    requireNonNull(cipherSuite, "cipherSuite");
    peerCertificates = List.copyOf(requireNonNull(peerCertificates, "peerCertificates"));
  }

  /**
   * The protocol, cipher suite and the peer's subject: certificates in full would be pages long.
   */
  @Override
  public String toString() {
    String peer =
        peerCertificates.isEmpty()
            ? "no peer certificate"
            : "peer " + peerCertificates.get(0).getSubjectX500Principal().getName();
    return "TlsInfo[" + protocol + ", " + cipherSuite + ", " + peer + "]";
  }
}
