package dev.trunk.internal.resolver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.StringValue;
import dev.trunk.CallContext;
import dev.trunk.CallOptions;
import dev.trunk.Channel;
import dev.trunk.Codec;
import dev.trunk.Metadata;
import dev.trunk.MethodDescriptor;
import dev.trunk.Server;
import dev.trunk.ServiceDefinition;
import dev.trunk.Status;
import dev.trunk.StatusException;
import dev.trunk.spi.Endpoint;
import dev.trunk.spi.NameResolver;
import dev.trunk.spi.Target;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The dns resolver against a real DNS server: Debian's dnsmasq, started on a free loopback port
 * with A, AAAA and TXT records (installed by interop/matrix.sh --install-only, like the other
 * peers). The target names the server ({@code dns://127.0.0.1:PORT/backend.test:50051}), so the
 * resolver asks it directly. In this package to reach DnsResolver's shorter rate limit.
 */
class DnsResolverIT {
  /** The rate limit between resolutions, shortened from 30 s so the refresh test is quick. */
  private static final Duration RATE_LIMIT = Duration.ofMillis(500);

  /** How long the test waits for dnsmasq to listen, and for the resolver to report. */
  private static final long WAIT_SECONDS = 20;

  /** The port the resolved endpoints carry. */
  private static final int BACKEND_PORT = 50051;

  /** The service config as split into two TXT strings, which A2 says are joined. */
  private static final String CONFIG_HEAD = "[{\"serviceConfig\":";

  private static final String CONFIG_TAIL =
      "{\"loadBalancingConfig\":[{\"round_robin\":{}}],\"methodConfig\":[]}}]";

  private static final String NEW_CONFIG =
      "[{\"serviceConfig\":{\"loadBalancingPolicy\":\"pick_first\"}}]";

  private final Path workDir =
      Path.of(System.getProperty("interop.work.dir", "target/interop-work"), "dnsmasq");
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final ExecutorService blocking = Executors.newVirtualThreadPerTaskExecutor();
  private final BlockingQueue<Object> reports = new LinkedBlockingQueue<>();
  private final NameResolver.Listener listener =
      new NameResolver.Listener() {
        @Override
        public void onResult(NameResolver.Resolution resolution) {
          reports.add(resolution);
        }

        @Override
        public void onError(Status error) {
          reports.add(error);
        }
      };
  private Process dnsmasq;

  @AfterEach
  void stop() throws InterruptedException {
    stopDnsmasq();
    scheduler.shutdownNow();
    blocking.shutdownNow();
  }

  @Test
  void resolvesAandAaaaAndTheTxtServiceConfigThenSeesChangedRecordsOnRefresh() throws Exception {
    int port = freePort();
    startDnsmasq(
        port,
        "host-record=backend.test,127.0.0.1,::1",
        "txt-record=_grpc_config.backend.test,"
            + quoted("grpc_config=" + CONFIG_HEAD)
            + ","
            + quoted(CONFIG_TAIL));
    Target target =
        Target.parse("dns://127.0.0.1:" + port + "/backend.test:" + BACKEND_PORT).orElseThrow();
    try (NameResolver resolver = new DnsResolver(target, args(), RATE_LIMIT)) {
      resolver.start(listener);
      NameResolver.Resolution first = nextResolution();
      assertThat(first.endpoints()).containsExactly(endpoint("127.0.0.1"), endpoint("::1"));
      // A2: the joined strings are a list of choices; the resolver gives the chosen config.
      assertThat(first.serviceConfigJson())
          .isEqualTo("{\"loadBalancingConfig\":[{\"round_robin\":{}}],\"methodConfig\":[]}");

      stopDnsmasq();
      startDnsmasq(
          port,
          "host-record=backend.test,127.0.0.2",
          "txt-record=_grpc_config.backend.test," + quoted("grpc_config=" + NEW_CONFIG));
      resolver.refresh(); // a connection failed: the resolver looks up again once the limit allows
      NameResolver.Resolution second = nextResolution();
      assertThat(second.endpoints()).containsExactly(endpoint("127.0.0.2"));
      assertThat(second.serviceConfigJson()).isEqualTo("{\"loadBalancingPolicy\":\"pick_first\"}");
    }
  }

  @Test
  void aNameTheServerDoesNotKnowIsUnavailableNamingTheHostAndTarget() throws Exception {
    int port = freePort();
    startDnsmasq(port, "host-record=backend.test,127.0.0.1");
    String text = "dns://127.0.0.1:" + port + "/missing.test:" + BACKEND_PORT;
    try (NameResolver resolver = new DnsResolver(Target.parse(text).orElseThrow(), args())) {
      resolver.start(listener);
      Object report = next();
      assertThat(report).isInstanceOf(Status.class);
      Status error = (Status) report;
      assertThat(error.code()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(error.description())
          .startsWith(
              "cannot resolve 'missing.test' (dns target '" + text + "'): NameNotFoundException");
    }
  }

  @Test
  void withoutServiceConfigLookUpNoTxtIsRead() throws Exception {
    int port = freePort();
    startDnsmasq(
        port,
        "host-record=backend.test,::1",
        "txt-record=_grpc_config.backend.test," + quoted("grpc_config=" + NEW_CONFIG));
    Target target = Target.parse("dns://127.0.0.1:" + port + "/backend.test").orElseThrow();
    NameResolver.Args args = new NameResolver.Args(443, scheduler, blocking, false);
    try (NameResolver resolver = new DnsResolver(target, args)) {
      resolver.start(listener);
      NameResolver.Resolution resolution = nextResolution();
      assertThat(resolution.endpoints())
          .containsExactly(Endpoint.of(new InetSocketAddress(InetAddress.getByName("::1"), 443)));
      assertThat(resolution.serviceConfigJson()).isNull();
    }
  }

  /**
   * A whole channel over the real DNS server: {@code dns://server/name:port} reaches a Trunk
   * server, and with {@code lookUpServiceConfig(true)} the TXT record's retry policy applies (the
   * server fails every first attempt), while without it the call fails.
   */
  @Test
  void aChannelResolvesThroughTheDnsServerAndAppliesItsTxtServiceConfigWhenAllowed()
      throws Exception {
    MethodDescriptor<StringValue, StringValue> echo =
        MethodDescriptor.of(
            "dns.Test",
            "Echo",
            MethodDescriptor.Type.UNARY,
            Codec.protobuf(StringValue.getDefaultInstance()),
            Codec.protobuf(StringValue.getDefaultInstance()));
    ServiceDefinition service =
        ServiceDefinition.builder("dns.Test")
            .unary(
                echo,
                request -> {
                  if (CallContext.current().requestHeaders().get(Metadata.PREVIOUS_RPC_ATTEMPTS)
                      == null) {
                    throw Status.UNAVAILABLE.withDescription("first attempts fail").asException();
                  }
                  return request;
                })
            .build();
    int port = freePort();
    startDnsmasq(
        port,
        "host-record=backend.test,127.0.0.1",
        "txt-record=_grpc_config.backend.test,"
            + quoted(
                "grpc_config=[{\"serviceConfig\":{\"methodConfig\":[{\"name\":[{\"service\":"
                    + "\"dns.Test\"}],\"retryPolicy\":{\"maxAttempts\":3,\"initialBackoff\":"
                    + "\"0.01s\",\"maxBackoff\":\"0.1s\",\"backoffMultiplier\":2,"
                    + "\"retryableStatusCodes\":[\"UNAVAILABLE\"]}}]}}]"));
    CallOptions options = CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10));
    try (Server server =
        Server.builder().address("127.0.0.1", 0).service(service).build().start()) {
      String target = "dns://127.0.0.1:" + port + "/backend.test:" + server.port();
      try (Channel channel = Channel.forTarget(target).lookUpServiceConfig(true).build()) {
        assertThat(channel.authority()).isEqualTo("backend.test:" + server.port());
        assertThat(channel.unaryCall(echo, StringValue.of("via dns"), options).getValue())
            .isEqualTo("via dns");
      }
      try (Channel channel = Channel.forTarget(target).build()) {
        assertThatThrownBy(() -> channel.unaryCall(echo, StringValue.of("no retry"), options))
            .isInstanceOfSatisfying(
                StatusException.class,
                e -> assertThat(e.status().description()).isEqualTo("first attempts fail"));
      }
    }
  }

  private NameResolver.Args args() {
    return new NameResolver.Args(443, scheduler, blocking, true);
  }

  /**
   * Starts dnsmasq answering only for the {@code .test} domain (NXDOMAIN for names it lacks), with
   * {@code records} as configuration lines: its config file parser, unlike its command line, reads
   * quoted TXT strings with commas and escaped quotes.
   */
  private void startDnsmasq(int port, String... records) throws Exception {
    Files.createDirectories(workDir);
    Path config = Files.write(workDir.resolve("dnsmasq.conf"), List.of(records));
    Path log = workDir.resolve("dnsmasq.log");
    dnsmasq =
        new ProcessBuilder(
                "dnsmasq",
                "--no-daemon",
                "--port=" + port,
                "--listen-address=127.0.0.1",
                "--bind-interfaces",
                "--no-resolv",
                "--no-hosts",
                "--conf-file=" + config,
                "--pid-file=" + workDir.resolve("dnsmasq.pid"),
                "--user=" + System.getProperty("user.name"),
                "--log-facility=-",
                "--address=/test/")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (!Files.readString(log).contains("started, version")) {
      if (!dnsmasq.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "dnsmasq did not start on port " + port + ":\n" + Files.readString(log));
      }
      Thread.sleep(50);
    }
  }

  private void stopDnsmasq() throws InterruptedException {
    if (dnsmasq != null) {
      dnsmasq.destroy();
      dnsmasq.waitFor(WAIT_SECONDS, TimeUnit.SECONDS);
      dnsmasq = null;
    }
  }

  /** A port free on 127.0.0.1 for both UDP and TCP, which DNS uses. */
  private static int freePort() throws IOException {
    while (true) {
      try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
        int port = udp.getLocalPort();
        if (freeForTcp(port)) {
          return port;
        }
      }
    }
  }

  private static boolean freeForTcp(int port) {
    try {
      new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1")).close();
      return true;
    } catch (IOException inUse) {
      return false;
    }
  }

  /** {@code text} in dnsmasq's quotes, with its quotes escaped. */
  private static String quoted(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static Endpoint endpoint(String literal) throws IOException {
    return Endpoint.of(new InetSocketAddress(InetAddress.getByName(literal), BACKEND_PORT));
  }

  private Object next() throws InterruptedException {
    Object report = reports.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(report).as("a report within %d s", WAIT_SECONDS).isNotNull();
    return report;
  }

  private NameResolver.Resolution nextResolution() throws InterruptedException {
    Object report = next();
    assertThat(report).isInstanceOf(NameResolver.Resolution.class);
    return (NameResolver.Resolution) report;
  }
}
