package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link Channel#forTarget} accepts host:port, [ipv6]:port and dns:/// before either, and refuses
 * anything else with an IllegalArgumentException naming the target, the problem and the forms.
 */
class TargetTest {
  private static final String FORMS = "use host:port, [ipv6]:port or dns:///host:port";

  @ParameterizedTest
  @CsvSource({
    "localhost:50051, localhost:50051",
    "127.0.0.1:1, 127.0.0.1:1",
    "[::1]:65535, [::1]:65535",
    "dns:///example.com:443, example.com:443",
    "dns:///[::1]:8080, [::1]:8080",
  })
  void acceptedFormsGiveHostAndPort(String target, String authority) {
    try (Channel channel = Channel.forTarget(target).build()) {
      assertThat(channel.authority()).isEqualTo(authority);
    }
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "localhost:5005l | the port '5005l' is not a number",
        "localhost:-1 | the port '-1' is not a number",
        "localhost:0 | the port 0 is not in 1..65535",
        "localhost:65536 | the port 65536 is not in 1..65535",
        "localhost:99999999999 | the port 99999999999 is not in 1..65535",
        "localhost | it has no port",
        "localhost: | it has no port",
        ":50051 | the host is empty",
        "[]:50051 | the host is empty",
        "::1:50051 | an IPv6 address must be in brackets",
        "[::1 | an IPv6 address must be in brackets",
        "http://host:1234 | a URL is not a target; give host:port, and choose TLS with"
            + " Channel.Builder.tls()",
        "https://host:1234 | a URL is not a target",
        "unix:///tmp/socket | the scheme 'unix:' is not supported",
        "dns:///http://host:1 | a URL is not a target",
      })
  void malformedTargetsAreRefusedNamingTheTargetTheProblemAndTheForms(
      String target, String problem) {
    assertThatThrownBy(() -> Channel.forTarget(target))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("target '" + target + "' is not valid: ")
        .hasMessageContaining(problem)
        .hasMessageEndingWith(FORMS);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      ignoreLeadingAndTrailingWhitespace = false,
      value = {" localhost:50051", "localhost:50051 ", "local host:50051", "localhost:\t1"})
  void whitespaceIsRefused(String target) {
    assertThatThrownBy(() -> Channel.forTarget(target))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("it contains whitespace");
  }
}
