package dev.trunk.examples.guide;

import dev.trunk.CallContext;
import dev.trunk.Channel;
import dev.trunk.Server;
import dev.trunk.Service;
import dev.trunk.Status;
import dev.trunk.TlsConfig;
import dev.trunk.TlsInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;

/** The guide's section "TLS and mutual TLS". */
public final class Tls {
  private Tls() {}

  /**
   * A TLS server for {@code service}; clients must present a certificate {@code clientCa} signed.
   */
  public static Server mutualTlsServer(
      Service service, Path certificate, Path key, Path clientCa, String host, int port)
      throws IOException {
    // tag::server[]
    TlsConfig tls =
        TlsConfig.builder()
            .keyPair(certificate, key) // PEM chain and PKCS#8 key, reloaded when the files change
            .trust(clientCa) // the authority that signs client certificates
            .requireClientAuth() // mutual TLS: no client certificate, no connection
            .reloadInterval(Duration.ofMinutes(1)) // default 30 s
            .build();
    Server server = Server.builder().address(host, port).tls(tls).service(service).build().start();
    // end::server[]
    return server;
  }

  /** A channel that trusts {@code serverCa} and presents its own certificate. */
  public static Channel mutualTlsChannel(
      String host, int port, Path serverCa, Path certificate, Path key) {
    // tag::client[]
    Channel channel =
        Channel.forAddress(host, port)
            .tls(TlsConfig.builder().trust(serverCa).keyPair(certificate, key).build())
            .build();
    // end::client[]
    return channel;
  }

  /** Fails the current call unless its client certificate names {@code allowed}. */
  public static String requireClient(String allowed) {
    // tag::peer[]
    TlsInfo tls =
        CallContext.current()
            .tls() // empty on plaintext connections
            .orElseThrow(() -> Status.UNAUTHENTICATED.withDescription("TLS only").asException());
    X509Certificate client = tls.peerCertificates().getFirst(); // mutual TLS: never empty
    String subject = client.getSubjectX500Principal().getName();
    if (!subject.equals(allowed)) {
      throw Status.PERMISSION_DENIED.withDescription(subject + " may not call this").asException();
    }
    // end::peer[]
    return subject;
  }
}
