package dev.trunk.internal.resolver;

import static dev.trunk.internal.resolver.Resolutions.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trunk.spi.Endpoint;
import dev.trunk.spi.NameResolver;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The schemes whose endpoints are written in the target: ipv4, ipv6, unix, unix-abstract and
 * passthrough. Each target that parses gives its endpoints in order; each that does not is refused
 * with a message naming the target, the problem and the expected form.
 */
class StaticResolversTest {
  private final Resolutions resolutions = new Resolutions();

  @AfterEach
  void close() {
    resolutions.close();
  }

  @Test
  void serviceLoaderFindsEveryBuiltInScheme() {
    List<String> schemes =
        ServiceLoader.load(NameResolver.Provider.class).stream()
            .map(provider -> provider.get().scheme())
            .collect(Collectors.toList());
    assertThat(schemes)
        .contains("dns", "ipv4", "ipv6", "unix", "unix-abstract", "passthrough")
        .doesNotHaveDuplicates();
  }

  @Test
  void ipv4ListGivesOneEndpointPerAddressInOrderWithTheDefaultPort() throws Exception {
    List<Endpoint> endpoints =
        resolve(new Ipv4ResolverProvider(), "ipv4:10.0.0.2:50051,127.0.0.1,10.0.0.1:1");
    assertThat(endpoints)
        .containsExactly(
            Endpoint.of(inet("10.0.0.2", 50051)),
            Endpoint.of(inet("127.0.0.1", Resolutions.DEFAULT_PORT)),
            Endpoint.of(inet("10.0.0.1", 1)));
    assertThat(authority(new Ipv4ResolverProvider(), "ipv4:10.0.0.2:50051,127.0.0.1"))
        .isEqualTo("10.0.0.2:50051");
  }

  @Test
  void ipv6ListTakesBracketsWithPortsOrABareAddress() throws Exception {
    assertThat(resolve(new Ipv6ResolverProvider(), "ipv6:[::1]:50051,[2001:db8::7]:8443"))
        .containsExactly(Endpoint.of(inet("::1", 50051)), Endpoint.of(inet("2001:db8::7", 8443)));
    assertThat(resolve(new Ipv6ResolverProvider(), "ipv6:::1"))
        .containsExactly(Endpoint.of(inet("::1", Resolutions.DEFAULT_PORT)));
    assertThat(authority(new Ipv6ResolverProvider(), "ipv6:[::1]:50051")).isEqualTo("[::1]:50051");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "ipv4:localhost:50051 | 'localhost' is not an ipv4 address",
        "ipv4:10.0.0.256 | '10.0.0.256' is not an ipv4 address",
        "ipv4:[::1]:1 | '::1' is not an ipv4 address",
        "ipv4:10.0.0.1:0 | the port 0 is not in 1..65535",
        "ipv4:10.0.0.1:70000 | the port 70000 is not in 1..65535",
        "ipv4:10.0.0.1:http | the port 'http' is not a number in 1..65535",
        "ipv4:10.0.0.1, | it names no host",
        "ipv4:10.0.0.1: | the port '' is not a number",
        "ipv4://10.0.0.1/x | an ipv4 target has no '//authority'",
        "ipv6:127.0.0.1 | '127.0.0.1' is not an ipv6 address",
        "ipv6:[::1 | '[' has no matching ']'",
        "ipv6:[::1]x | 'x' follows ']' where ':port' may",
        "ipv6:[host]:1 | 'host' in brackets is not an IPv6 address",
        "ipv6:::1:50051x | an IPv6 address with a port must be in brackets",
      })
  void malformedAddressListsAreRefused(String text, String problem) {
    NameResolver.Provider provider =
        text.startsWith("ipv4") ? new Ipv4ResolverProvider() : new Ipv6ResolverProvider();
    assertThatThrownBy(() -> provider.newResolver(target(text), resolutions.args(false)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("target '" + text + "' is malformed")
        .hasMessageContaining(problem)
        .hasMessageContaining("; expected " + provider.scheme() + ":");
  }

  @Test
  void unixTakesRelativeAbsoluteAndTripleSlashPaths() throws Exception {
    UnixResolverProvider unix = new UnixResolverProvider();
    assertThat(resolve(unix, "unix:relative/grpc.sock"))
        .containsExactly(Endpoint.of(UnixDomainSocketAddress.of("relative/grpc.sock")));
    assertThat(resolve(unix, "unix:/run/grpc.sock"))
        .containsExactly(Endpoint.of(UnixDomainSocketAddress.of("/run/grpc.sock")));
    assertThat(resolve(unix, "unix:///run/grpc.sock"))
        .containsExactly(Endpoint.of(UnixDomainSocketAddress.of("/run/grpc.sock")));
    assertThat(authority(unix, "unix:///run/grpc.sock")).isEqualTo("localhost");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "unix: | it names no socket path",
        "unix://run/grpc.sock | '//run' is not allowed: write three slashes",
        "unix:/x/%s | the path is longer than 107 bytes",
      })
  void malformedUnixTargetsAreRefused(String text, String problem) {
    String target = text.formatted("s".repeat(UnixResolverProvider.MAX_PATH_BYTES));
    assertThatThrownBy(
            () -> new UnixResolverProvider().newResolver(target(target), resolutions.args(false)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("target '" + target + "' is malformed: " + problem)
        .hasMessageContaining("expected unix:path or unix:///absolute/path");
  }

  @Test
  void unixAbstractKeepsTheWholeNameSlashesIncluded() throws Exception {
    UnixAbstractResolverProvider provider = new UnixAbstractResolverProvider();
    assertThat(resolve(provider, "unix-abstract:trunk/test"))
        .containsExactly(Endpoint.of(new AbstractUnixSocketAddress("trunk/test")));
    assertThat(resolve(provider, "unix-abstract://x"))
        .containsExactly(Endpoint.of(new AbstractUnixSocketAddress("//x")));
    assertThat(authority(provider, "unix-abstract:trunk")).isEqualTo("localhost");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "unix-abstract: | it names no socket",
        "unix-abstract:a\u0000b | the name contains a NUL",
      })
  void malformedUnixAbstractTargetsAreRefused(String text, String problem) {
    assertThatThrownBy(
            () ->
                new UnixAbstractResolverProvider()
                    .newResolver(target(text), resolutions.args(false)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is malformed: " + problem)
        .hasMessageContaining("expected unix-abstract:name");
  }

  @Test
  void passthroughGivesTheNameUnresolved() throws Exception {
    PassthroughResolverProvider provider = new PassthroughResolverProvider();
    assertThat(resolve(provider, "passthrough:backend.invalid:50051"))
        .containsExactly(Endpoint.of(InetSocketAddress.createUnresolved("backend.invalid", 50051)));
    assertThat(resolve(provider, "passthrough:///backend.invalid"))
        .containsExactly(
            Endpoint.of(
                InetSocketAddress.createUnresolved("backend.invalid", Resolutions.DEFAULT_PORT)));
    assertThat(authority(provider, "passthrough:backend.invalid:50051"))
        .isEqualTo("backend.invalid:50051");
    assertThatThrownBy(
            () -> provider.newResolver(target("passthrough://x/y"), resolutions.args(false)))
        .hasMessageContaining("passthrough takes no '//authority'");
  }

  private List<Endpoint> resolve(NameResolver.Provider provider, String text) throws Exception {
    try (NameResolver resolver = provider.newResolver(target(text), resolutions.args(false))) {
      resolver.start(resolutions);
      return resolutions.nextResolution().endpoints();
    }
  }

  private String authority(NameResolver.Provider provider, String text) {
    return provider.authority(target(text), resolutions.args(false));
  }

  private static InetSocketAddress inet(String literal, int port) throws Exception {
    return new InetSocketAddress(InetAddress.getByName(literal), port);
  }
}
