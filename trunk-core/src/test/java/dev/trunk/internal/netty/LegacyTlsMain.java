package dev.trunk.internal.netty;

import dev.trunk.Server;
import dev.trunk.TlsConfig;
import io.netty.buffer.ByteBufAllocator;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Run by {@code TlsProtocolsTest} in a JVM whose security policy enables TLS 1.0 and 1.1 again:
 * prints the protocols the JDK would enable, those Trunk's server and client engines enable (from
 * PEM and from the user's SSL context), and what a TLS 1.1 and a TLS 1.0 client get from a Trunk
 * server. Arguments: the server's PEM certificate chain and key files.
 */
public final class LegacyTlsMain {
  /** A suite TLS 1.0 and 1.1 can use with the test's EC certificate. */
  private static final String LEGACY_SUITE = "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA";

  private LegacyTlsMain() {}

  public static void main(String[] args) throws Exception {
    SSLContext jdk = SSLContext.getInstance("TLS");
    jdk.init(null, null, null);
    System.out.println(
        "jdk-default " + Arrays.toString(jdk.createSSLEngine().getEnabledProtocols()));
    TlsConfig config = TlsConfig.builder().keyPair(Path.of(args[0]), Path.of(args[1])).build();
    TlsConfig ownContext = TlsConfig.builder().sslContext(jdk).build();
    try (TlsSource server = TlsSource.forServer(config);
        TlsSource client = TlsSource.forClient(TlsConfig.builder().build());
        TlsSource serverOwn = TlsSource.forServer(ownContext);
        TlsSource clientOwn = TlsSource.forClient(ownContext)) {
      System.out.println("trunk-server " + enabled(server));
      System.out.println("trunk-client " + enabled(client));
      System.out.println("trunk-server-own-context " + enabled(serverOwn));
      System.out.println("trunk-client-own-context " + enabled(clientOwn));
    }
    Server server = Server.builder().address("127.0.0.1", 0).tls(config).build().start();
    try {
      for (String protocol : new String[] {"TLSv1.1", "TLSv1"}) {
        System.out.println(protocol + " " + handshake(server.port(), protocol));
      }
    } finally {
      server.shutdownNow();
    }
  }

  private static String enabled(TlsSource source) {
    return Arrays.toString(
        source.current().newEngine(ByteBufAllocator.DEFAULT).getEnabledProtocols());
  }

  private static String handshake(int port, String protocol) throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {new TrustEveryone()}, null);
    try (SSLSocket socket =
        (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.setEnabledProtocols(new String[] {protocol});
      socket.setEnabledCipherSuites(new String[] {LEGACY_SUITE});
      socket.startHandshake();
      return "negotiated " + socket.getSession().getProtocol();
    } catch (javax.net.ssl.SSLException e) {
      return "refused: " + e.getMessage();
    }
  }

  /** The server is refused or accepted on its protocol alone; whom it claims to be is moot. */
  private static final class TrustEveryone implements X509TrustManager {
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
