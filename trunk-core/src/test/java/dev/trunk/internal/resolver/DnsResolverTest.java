package dev.trunk.internal.resolver;

import static dev.trunk.internal.resolver.Resolutions.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trunk.Status;
import dev.trunk.spi.Endpoint;
import dev.trunk.spi.NameResolver;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The dns scheme with the system resolver: parsing, lookups off the caller's thread in the system's
 * order, errors naming the host and target, and the rate limit on refresh. A real DNS server is in
 * the interop module's DnsResolverIT.
 */
class DnsResolverTest {
  /** The rate limit these tests use instead of 30 s. */
  private static final Duration SHORT_LIMIT = Duration.ofMillis(500);

  /** How long a test waits to be sure nothing more is reported. */
  private static final long QUIET_MILLIS = 300;

  private final Resolutions resolutions = new Resolutions();
  private final DnsResolverProvider provider = new DnsResolverProvider();

  @AfterEach
  void close() {
    resolutions.close();
  }

  @Test
  void localhostResolvesToEveryAddressOfTheSystemResolverInItsOrder() throws Exception {
    AtomicReference<Thread> reporter = new AtomicReference<>();
    NameResolver.Resolution resolution;
    try (NameResolver resolver =
        provider.newResolver(target("dns:///localhost:50051"), resolutions.args(false))) {
      resolver.start(
          new NameResolver.Listener() {
            @Override
            public void onResult(NameResolver.Resolution result) {
              reporter.set(Thread.currentThread());
              resolutions.onResult(result);
            }

            @Override
            public void onError(Status error) {
              resolutions.onError(error);
            }
          });
      resolution = resolutions.nextResolution();
    }
    List<Endpoint> expected =
        Arrays.stream(InetAddress.getAllByName("localhost"))
            .map(address -> Endpoint.of(new InetSocketAddress(address, 50051)))
            .toList();
    assertThat(resolution.endpoints()).isNotEmpty().isEqualTo(expected);
    assertThat(resolution.serviceConfigJson()).isNull();
    assertThat(reporter.get().isVirtual()).as("reported from the blocking executor").isTrue();
  }

  @Test
  void aLiteralAddressIsItsOwnResolutionWithTheDefaultPort() throws Exception {
    assertThat(resolve("dns:///[::1]")).containsExactly(inet("::1", Resolutions.DEFAULT_PORT));
    assertThat(resolve("dns:127.0.0.1:8080")).containsExactly(inet("127.0.0.1", 8080));
  }

  @Test
  void anUnknownHostIsUnavailableNamingTheHostAndTarget() throws Exception {
    try (NameResolver resolver =
        provider.newResolver(target("dns:///nothere.invalid:443"), resolutions.args(false))) {
      resolver.start(resolutions);
      Object report = resolutions.next();
      assertThat(report).isInstanceOf(Status.class);
      Status error = (Status) report;
      assertThat(error.code()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(error.description())
          .startsWith(
              "cannot resolve 'nothere.invalid' (dns target 'dns:///nothere.invalid:443'):"
                  + " UnknownHostException");
      assertThat(error.cause()).isNotNull();
    }
  }

  @Test
  void refreshesWithinTheRateLimitAreMergedIntoOneDeferredLookup() throws Exception {
    try (NameResolver resolver =
        new DnsResolver(target("dns:///localhost:1"), resolutions.args(false), SHORT_LIMIT)) {
      long started = System.nanoTime();
      resolver.start(resolutions);
      resolutions.nextResolution();
      resolver.refresh();
      resolver.refresh();
      assertThat(resolutions.poll(QUIET_MILLIS)).as("nothing before the limit").isNull();
      resolver.refresh();
      resolutions.nextResolution();
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(SHORT_LIMIT);
      assertThat(resolutions.poll(SHORT_LIMIT.toMillis() + QUIET_MILLIS))
          .as("the three refreshes made one lookup")
          .isNull();
    }
  }

  @Test
  void aRefreshAfterTheLimitLooksUpAtOnce() throws Exception {
    try (NameResolver resolver =
        new DnsResolver(target("dns:///localhost:1"), resolutions.args(false), SHORT_LIMIT)) {
      resolver.start(resolutions);
      resolutions.nextResolution();
      Thread.sleep(SHORT_LIMIT.toMillis());
      long refreshed = System.nanoTime();
      resolver.refresh();
      resolutions.nextResolution();
      assertThat(Duration.ofNanos(System.nanoTime() - refreshed)).isLessThan(SHORT_LIMIT);
    }
  }

  @Test
  void nothingIsReportedAfterClose() throws Exception {
    NameResolver resolver =
        new DnsResolver(target("dns:///localhost:1"), resolutions.args(false), SHORT_LIMIT);
    resolver.start(resolutions);
    resolutions.nextResolution();
    resolver.refresh(); // deferred until the limit has passed
    resolver.close();
    assertThat(resolutions.poll(SHORT_LIMIT.toMillis() + QUIET_MILLIS)).isNull();
  }

  @ParameterizedTest
  @CsvSource({
    "dns:///example.com:8443, example.com:8443",
    "dns:example.com, example.com",
    "dns://10.0.0.53/example.com, example.com",
    "dns:///[::1]:50051, [::1]:50051",
    "dns:///::1, ::1",
  })
  void authorityIsTheHostAndPortAsWritten(String text, String authority) {
    assertThat(provider.authority(target(text), resolutions.args(false))).isEqualTo(authority);
  }

  @ParameterizedTest
  @CsvSource({
    "dns:///x, ",
    "dns:x, ",
    "dns://127.0.0.1:5353/x, dns://127.0.0.1:5353",
    "dns://10.0.0.53/x, dns://10.0.0.53:53",
    "dns://[::1]/x, dns://[::1]:53",
    "dns://ns.example:5353/x, dns://ns.example:5353",
  })
  void theAuthorityNamesTheDnsServer(String text, String url) {
    assertThat(DnsResolverProvider.serverUrl(target(text))).isEqualTo(url);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "dns:/// | it names no host",
        "dns://10.0.0.53 | it names no host",
        "dns:///host:0 | the port 0 is not in 1..65535",
        "dns:///host:https | the port 'https' is not a number",
        "dns://[::1/host | '[' has no matching ']'",
        "dns:///fe80::1:99999 | an IPv6 address with a port must be in brackets",
      })
  void malformedTargetsAreRefused(String text, String problem) {
    assertThatThrownBy(() -> provider.newResolver(target(text), resolutions.args(false)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("target '" + text + "' is malformed: " + problem)
        .hasMessageContaining("expected dns:[//dns-server[:port]/]host[:port]");
  }

  @Test
  void txtStringsAreReadBackFromJndiRendering() {
    assertThat(JndiDns.txtStrings("plain")).containsExactly("plain");
    assertThat(JndiDns.txtStrings("\"a b\" c \"say \\\"hi\\\" \\\\\" \"\""))
        .containsExactly("a b", "c", "say \"hi\" \\", "");
  }

  @Test
  void theGrpcConfigRecordsChoiceIsTheServiceConfig() {
    assertThat(
            DnsResolver.grpcConfig(
                List.of(
                    "v=spf1 -all",
                    "grpc_config=[{\"clientLanguage\":[\"go\"],\"serviceConfig\":{\"a\":1}}]",
                    "grpc_config=[{\"serviceConfig\":{\"b\":2}}]"),
                "host"))
        .isEqualTo("{\"b\":2}");
    assertThat(DnsResolver.grpcConfig(List.of("other=1"), "host")).isNull();
  }

  @Test
  void malformedChoicesArePassedOnForTheChannelToRefuse() {
    assertThat(DnsResolver.grpcConfig(List.of("grpc_config={\"not\":\"a list\"}"), "host"))
        .isEqualTo("{\"not\":\"a list\"}");
  }

  private List<Endpoint> resolve(String text) throws Exception {
    try (NameResolver resolver = provider.newResolver(target(text), resolutions.args(true))) {
      resolver.start(resolutions);
      return resolutions.nextResolution().endpoints();
    }
  }

  private static Endpoint inet(String literal, int port) throws Exception {
    return Endpoint.of(new InetSocketAddress(InetAddress.getByName(literal), port));
  }
}
