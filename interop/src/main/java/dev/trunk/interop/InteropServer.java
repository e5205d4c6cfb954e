package dev.trunk.interop;

import dev.trunk.Channel;
import dev.trunk.EventListener;
import dev.trunk.Server;
import dev.trunk.TlsConfig;
import dev.trunk.opentelemetry.AdminServer;
import dev.trunk.opentelemetry.DebugPage;
import dev.trunk.opentelemetry.TrunkTelemetry;
import io.opentelemetry.instrumentation.runtimetelemetry.RuntimeTelemetry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The Trunk interop server: serves {@code grpc.testing.TestService} on a loopback address
 * (127.0.0.1 unless {@code --address} names another, such as 127.0.0.2), cleartext or TLS with
 * gRPC's server1 test certificate, and prints one line once it listens. With {@code --static_dir}
 * it also serves that directory's files under {@code /}, such as the grpc-web test page. With
 * {@code --admin_port} it records its metrics (Trunk's and the JVM's) and serves them to Prometheus
 * on that port of the same address, at {@code /metrics}, and its debug page at {@code /debug}.
 */
public final class InteropServer {
  /** Printed, followed by {@code ADDRESS:PORT}, once the server accepts connections. */
  public static final String LISTENING_ON = "Trunk interop server listening on ";

  /** The address the server binds without {@code --address}. */
  public static final String DEFAULT_ADDRESS = "127.0.0.1";

  /** Printed, followed by the port, once a server on {@link #DEFAULT_ADDRESS} listens. */
  public static final String LISTENING = LISTENING_ON + DEFAULT_ADDRESS + ":";

  /**
   * An IPv4 literal (four octets 0..255) or something with a colon, which {@link InetAddress}
   * parses as an IPv6 literal or refuses: never a name it would look up.
   */
  private static final Pattern IP_LITERAL =
      Pattern.compile("((25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1?\\d?\\d)|.*:.*");

  /** Printed, followed by {@code ADDRESS:PORT}, once the admin server (--admin_port) listens. */
  public static final String ADMIN_LISTENING_ON = "Trunk interop admin server listening on ";

  /** Largest request accepted; very_large_request sends 10 MiB (grpc-java also allows 16 MiB). */
  static final int MAX_MESSAGE_SIZE = 16 * 1024 * 1024;

  private static final Set<String> FLAGS =
      Set.of("port", "use_tls", "address", "static_dir", "admin_port");

  private InteropServer() {}

  public static void main(String[] args) throws Exception {
    int port;
    boolean useTls;
    String address;
    String staticDir;
    int adminPort;
    try {
      Flags flags = Flags.parse(args, FLAGS);
      port = flags.port("port", 8080);
      useTls = flags.bool("use_tls", false);
      address = loopbackAddress(flags.string("address", DEFAULT_ADDRESS));
      staticDir = flags.string("static_dir", "");
      adminPort = flags.has("admin_port") ? flags.port("admin_port", 0) : -1;
    } catch (Flags.UsageException e) {
      if (!e.getMessage().isEmpty()) {
        System.err.println(e.getMessage());
      }
      System.err.println(
          "usage: server [--port=PORT (default 8080; 0 picks a free one)]"
              + " [--use_tls=true|false (default false)]\n"
              + "              [--address=IP (a loopback address to listen on, such as 127.0.0.2"
              + " or ::1; default "
              + DEFAULT_ADDRESS
              + ")]\n"
              + "              [--static_dir=DIR (also serve DIR's files under /, such as a"
              + " test page)]\n"
              + "              [--admin_port=PORT (serve metrics to Prometheus at"
              + " http://ADDRESS:PORT/metrics and the debug page at /debug; 0 picks a free port;"
              + " default off)]");
      System.exit(2);
      return;
    }

    Server.Builder builder =
        Server.builder()
            .address(address, port)
            .service(TestServiceImpl.definition())
            .reflection()
            .maxInboundMessageSize(MAX_MESSAGE_SIZE)
            .shutdownGracePeriod(Duration.ofSeconds(2));
    if (!staticDir.isEmpty()) {
      builder.staticFiles("/", Path.of(staticDir));
    }
    if (useTls) {
      builder.tls(
          TlsConfig.builder().keyPair(TestCerts.server1Pem(), TestCerts.server1Key()).build());
    }
    DebugPage debug = DebugPage.create();
    if (adminPort >= 0) {
      builder.eventListener(startAdmin(address, adminPort, debug));
      builder.eventListener(debug.serverListener());
    }
    Server server = builder.build().start();
    if (adminPort >= 0) {
      debug.callThrough(channelTo(address, server.port(), useTls));
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "interop-server-shutdown"));
    String host = address.indexOf(':') >= 0 ? "[" + address + "]" : address;
    System.out.println(
        LISTENING_ON + host + ":" + server.port() + (useTls ? " (TLS)" : " (plaintext)"));
    System.out.flush();
    server.awaitTermination();
  }

  /**
   * Starts the admin server on {@code address} with {@code debug} at /debug, records the JVM's
   * runtime metrics on it, and returns the listener that records the server's. Prints {@link
   * #ADMIN_LISTENING_ON} and where.
   */
  private static EventListener startAdmin(String address, int port, DebugPage debug)
      throws IOException {
    AdminServer admin = AdminServer.builder().host(address).port(port).debugPage(debug).start();
    RuntimeTelemetry runtime = RuntimeTelemetry.create(admin.openTelemetry());
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  runtime.close();
                  admin.close();
                },
                "interop-admin-shutdown"));
    String host = address.indexOf(':') >= 0 ? "[" + address + "]" : address;
    System.out.println(ADMIN_LISTENING_ON + host + ":" + admin.port());
    return TrunkTelemetry.create(admin.openTelemetry()).serverListener();
  }

  /**
   * The debug page's channel to this server: on its address, with TLS trusting the test CA and
   * naming the test certificate's host if the server has TLS. Lives as long as the process.
   */
  private static Channel channelTo(String address, int port, boolean useTls) {
    Channel.Builder channel = Channel.forAddress(address, port);
    if (useTls) {
      channel
          .tls(TlsConfig.builder().trust(TestCerts.caPem()).build())
          .overrideAuthority(TestCerts.SERVER_HOST_OVERRIDE);
    } else {
      channel.plaintext();
    }
    return channel.build();
  }

  /**
   * {@code text} if it is a loopback IP literal (127.0.0.0/8 or ::1). The interop server answers
   * anyone without authentication, so it never listens beyond this machine; a host name is refused
   * rather than looked up.
   */
  private static String loopbackAddress(String text) throws Flags.UsageException {
    String literal =
        text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
    if (!IP_LITERAL.matcher(literal).matches()) {
      throw new Flags.UsageException(
          "--address=" + text + " is not an IP address; give a loopback one such as 127.0.0.2");
    }
    InetAddress parsed;
    try {
      parsed = InetAddress.getByName(literal); // a literal: parsed, never looked up
    } catch (UnknownHostException e) {
      throw new Flags.UsageException("--address=" + text + " is not a valid IP address");
    }
    if (!parsed.isLoopbackAddress()) {
      throw new Flags.UsageException(
          "--address="
              + text
              + " is not a loopback address: the interop server only listens on 127.0.0.0/8 or"
              + " ::1");
    }
    return literal;
  }
}
