package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link Channel#forTarget} reads targets as gRPC's naming document does: a scheme with a resolver
 * ({@code dns:}, {@code ipv4:}, {@code ipv6:}, {@code unix:}, {@code unix-abstract:}, {@code
 * passthrough:}), or else {@code dns:///} before the whole target, with port 443 when none is given
 * (the authority then names none). {@code build()} refuses a malformed target with an
 * IllegalArgumentException naming it, the problem and the expected form.
 */
class TargetTest {
  @ParameterizedTest
  @CsvSource({
    "localhost:50051, localhost:50051",
    "localhost, localhost",
    "127.0.0.1:1, 127.0.0.1:1",
    "[::1]:65535, [::1]:65535",
    "dns:///example.com:443, example.com:443",
    "dns:///example.com, example.com",
    "dns:///[::1]:8080, [::1]:8080",
    "dns://127.0.0.1:53/example.com:8080, example.com:8080",
    "'ipv4:127.0.0.1:1,127.0.0.2:2', 127.0.0.1:1",
    "'ipv6:[::1]:7,[::2]:8', [::1]:7",
    "unix:/tmp/trunk.sock, localhost",
    "unix:///tmp/trunk.sock, localhost",
  })
  void acceptedFormsGiveTheirAuthority(String target, String authority) {
    try (Channel channel = Channel.forTarget(target).build()) {
      assertThat(channel.authority()).isEqualTo(authority);
    }
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "localhost:5005l | the port '5005l' is not a number",
        "localhost:0 | the port 0 is not in 1..65535",
        "localhost:65536 | the port 65536 is not in 1..65535",
        "localhost:99999999999 | is not a number in 1..65535",
        ":50051 | it names no host",
        "[]:50051 | '' in brackets is not an IPv6 address",
        "::1:50051 | an IPv6 address with a port must be in brackets",
        "[::1 | '[' has no matching ']'",
        "http://host:1234 | a URL is not a target; give host:port, and choose TLS with"
            + " Channel.Builder.tls()",
        "https://host:1234 | a URL is not a target",
        "k8s://cluster/service | no name resolver is registered for the scheme 'k8s:'",
        "ipv4:localhost:1 | ",
        "unix://host/tmp/socket | ",
      })
  void malformedTargetsAreRefusedAtBuildNamingTheTargetAndTheProblem(
      String target, String problem) {
    assertThatThrownBy(() -> Channel.forTarget(target).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(target + "'")
        .hasMessageContaining(problem == null ? "" : problem);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      ignoreLeadingAndTrailingWhitespace = false,
      value = {" localhost:50051", "localhost:50051 ", "local host:50051", "localhost:\t1"})
  void whitespaceIsRefused(String target) {
    assertThatThrownBy(() -> Channel.forTarget(target).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("it contains whitespace");
  }
}
