package dev.trunk.internal.client.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.trunk.Status.Code;
import dev.trunk.internal.client.Policies;
import dev.trunk.internal.json.Json;
import dev.trunk.spi.LoadBalancer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ServiceConfigParserTest {
  private static final LoadBalancer.Provider TEST_POLICY =
      Objects.requireNonNull(Policies.provider(TestPolicyProvider.NAME));

  /** JSON written with single quotes, for readability. */
  private static String json(String singleQuoted) {
    return singleQuoted.replace('\'', '"');
  }

  private static ServiceConfig parse(String singleQuoted) {
    return ServiceConfigParser.parse(json(singleQuoted));
  }

  @Test
  void aFullConfigParsesToItsRecords() {
    ServiceConfig config =
        parse(
            """
            {
              'methodConfig': [
                {
                  'name': [{'service': 'pkg.Echo', 'method': 'Say'}, {'service': 'pkg.Other'}],
                  'timeout': '1.5s',
                  'waitForReady': true,
                  'maxRequestMessageBytes': 1024,
                  'maxResponseMessageBytes': '2048',
                  'retryPolicy': {
                    'maxAttempts': 3,
                    'initialBackoff': '0.1s',
                    'maxBackoff': '10s',
                    'backoffMultiplier': 1.5,
                    'retryableStatusCodes': ['UNAVAILABLE', 'resource_exhausted', 4]
                  }
                },
                {
                  'name': [{}],
                  'waitForReady': false,
                  'hedgingPolicy': {
                    'maxAttempts': 4,
                    'hedgingDelay': '0.010s',
                    'nonFatalStatusCodes': [14]
                  }
                }
              ],
              'retryThrottling': {'maxTokens': 10, 'tokenRatio': 0.1},
              'loadBalancingConfig': [{'trunk_test_policy': {'k': 'v'}}],
              'healthCheckConfig': {'serviceName': 'pkg.Echo'}
            }
            """);
    MethodConfig first =
        new MethodConfig(
            Duration.ofMillis(1500),
            true,
            1024,
            2048,
            new RetryPolicy(
                3,
                Duration.ofMillis(100),
                Duration.ofSeconds(10),
                1.5,
                Set.of(Code.UNAVAILABLE, Code.RESOURCE_EXHAUSTED, Code.DEADLINE_EXCEEDED)),
            null);
    MethodConfig fallback =
        new MethodConfig(
            null,
            false,
            null,
            null,
            null,
            new HedgingPolicy(4, Duration.ofMillis(10), Set.of(Code.UNAVAILABLE)));
    assertThat(config)
        .isEqualTo(
            new ServiceConfig(
                Map.of("pkg.Echo/Say", first, "pkg.Other/", first, "/", fallback),
                new RetryThrottling(10, 0.1),
                new LoadBalancer.Choice(TEST_POLICY, Map.of("k", "v")),
                "pkg.Echo"));
    assertThat(config.forMethod("pkg.Echo/Say")).isSameAs(config.forMethod("pkg.Other/Any"));
    assertThat(config.forMethod("pkg.Echo/Other")).isEqualTo(fallback);
  }

  @Test
  void anEmptyConfigIsTheEmptyOne() {
    assertThat(parse("{}")).isEqualTo(ServiceConfig.EMPTY);
    assertThat(parse("{'methodConfig': []}")).isEqualTo(ServiceConfig.EMPTY);
  }

  @Test
  void unknownFieldsAreIgnoredAndNullsCountAsAbsent() {
    ServiceConfig config =
        parse(
            """
            {'future': {'x': [1]}, 'retryThrottling': null, 'healthCheckConfig': null,
             'methodConfig': [{'name': [{'service': 's', 'method': null, 'extra': 1}],
                               'timeout': null, 'perAttemptRecvTimeout': 'junk'}]}
            """);
    assertThat(config)
        .isEqualTo(new ServiceConfig(Map.of("s/", MethodConfig.NONE), null, null, null));
  }

  @Test
  void aMethodConfigWithoutNamesAppliesToNothing() {
    assertThat(parse("{'methodConfig': [{'timeout': '1s'}]}").methods()).isEmpty();
  }

  @Test
  void emptyServiceAndMethodNameTheDefault() {
    assertThat(parse("{'methodConfig': [{'name': [{'service': '', 'method': ''}]}]}").methods())
        .containsOnlyKeys("/");
  }

  @Test
  void durationsFollowTheProto3JsonMapping() {
    assertThat(timeoutOf("'0s'")).isEqualTo(Duration.ZERO);
    assertThat(timeoutOf("'0.000000001s'")).isEqualTo(Duration.ofNanos(1));
    assertThat(timeoutOf("'100.123456789s'")).isEqualTo(Duration.ofSeconds(100, 123_456_789));
    assertThat(timeoutOf("'2.5s'")).isEqualTo(Duration.ofMillis(2500));
    assertThat(timeoutOf("'315576000000s'")).isEqualTo(Duration.ofSeconds(315_576_000_000L));
  }

  private static Duration timeoutOf(String value) {
    return parse("{'methodConfig': [{'name': [{}], 'timeout': " + value + "}]}")
        .forMethod("a/b")
        .timeout();
  }

  @Test
  void messageLimitsAreUint32AsNumbersOrStringsAndCappedAtIntMax() {
    assertThat(requestLimitOf("0")).isZero();
    assertThat(requestLimitOf("'1e3'")).isEqualTo(1000);
    assertThat(requestLimitOf("4096.0")).isEqualTo(4096);
    assertThat(requestLimitOf("4294967295")).isEqualTo(Integer.MAX_VALUE);
    assertThat(requestLimitOf("'4294967295'")).isEqualTo(Integer.MAX_VALUE);
  }

  private static Integer requestLimitOf(String value) {
    return parse("{'methodConfig': [{'name': [{}], 'maxRequestMessageBytes': " + value + "}]}")
        .forMethod("a/b")
        .maxRequestMessageBytes();
  }

  @Test
  void maxAttemptsOverTheLimitAreCapped() {
    ServiceConfig config =
        parse(
            """
            {'methodConfig': [
              {'name': [{'service': 'r'}], 'retryPolicy': {'maxAttempts': 7, 'initialBackoff': '1s',
               'maxBackoff': '1s', 'backoffMultiplier': 1, 'retryableStatusCodes': [14]}},
              {'name': [{'service': 'h'}], 'hedgingPolicy': {'maxAttempts': 1e9}}]}
            """);
    assertThat(config.forMethod("r/m").retryPolicy().maxAttempts())
        .isEqualTo(ServiceConfig.MAX_ATTEMPTS);
    HedgingPolicy hedging = config.forMethod("h/m").hedgingPolicy();
    assertThat(hedging)
        .isEqualTo(new HedgingPolicy(ServiceConfig.MAX_ATTEMPTS, Duration.ZERO, Set.of()));
  }

  @Test
  void tokenRatioKeepsThreeDecimals() {
    assertThat(parse("{'retryThrottling': {'maxTokens': 1000, 'tokenRatio': 0.12399}}"))
        .isEqualTo(new ServiceConfig(Map.of(), new RetryThrottling(1000, 0.123), null, null));
    assertThat(parse("{'retryThrottling': {'maxTokens': 1, 'tokenRatio': 7}}").retryThrottling())
        .isEqualTo(new RetryThrottling(1, 7));
  }

  @Test
  void theDeprecatedPolicyNameIsUsedWithoutLoadBalancingConfigInAnyCase() {
    assertThat(parse("{'loadBalancingPolicy': 'TRUNK_Test_Policy'}").loadBalancing())
        .isEqualTo(new LoadBalancer.Choice(TEST_POLICY, Map.of()));
    assertThat(
            parse(
                    """
                    {'loadBalancingPolicy': 'no_such_policy',
                     'loadBalancingConfig': [{'trunk_test_policy': {'k': 1}}]}
                    """)
                .loadBalancing())
        .isEqualTo(new LoadBalancer.Choice(TEST_POLICY, Map.of("k", 1.0)));
  }

  @Test
  void theFirstRegisteredPolicyInTheListWins() {
    assertThat(
            parse(
                    """
                    {'loadBalancingConfig': [{'no_such_policy': {'any': 'thing'}},
                                             {'trunk_test_policy': {'n': 1}},
                                             {'trunk_test_policy': {'n': 2}}]}
                    """)
                .loadBalancing())
        .isEqualTo(new LoadBalancer.Choice(TEST_POLICY, Map.of("n", 1.0)));
  }

  @Test
  void healthCheckingNeedsAServiceName() {
    assertThat(parse("{'healthCheckConfig': {'serviceName': ''}}").healthCheckServiceName())
        .isEmpty();
    assertThat(parse("{'healthCheckConfig': {}}").healthCheckServiceName()).isNull();
  }

  static Stream<Arguments> invalidConfigs() {
    String retry =
        "'initialBackoff': '1s', 'maxBackoff': '1s', 'backoffMultiplier': 2,"
            + " 'retryableStatusCodes': [14]";
    return Stream.of(
        arguments("[]", "the service config: must be a JSON object, was []"),
        arguments("null", "the service config: must be a JSON object, was null"),
        arguments("{'methodConfig': {}}", "methodConfig: must be a JSON array, was {}"),
        arguments("{'methodConfig': [1]}", "methodConfig[0]: must be a JSON object, was 1"),
        arguments(
            "{'methodConfig': [{'name': {}}]}",
            "methodConfig[0].name: must be a JSON array, was {}"),
        arguments(
            "{'methodConfig': [{'name': [{'method': 'M'}]}]}",
            "methodConfig[0].name[0]: a method needs its service: give \"service\" too,"
                + " was {\"method\":\"M\"}"),
        arguments(
            "{'methodConfig': [{'name': [{'service': 5}]}]}",
            "methodConfig[0].name[0].service: must be a string, was 5"),
        arguments(
            "{'methodConfig': [{'name': [{'service': 's'}]}, {'name': [{}, {'service': 's'}]}]}",
            "methodConfig[1].name[1]: names the same methods as methodConfig[0].name[0]; give"
                + " each name once, was {\"service\":\"s\"}"),
        arguments(
            "{'methodConfig': [{'name': [{}, {'service': '', 'method': ''}]}]}",
            "methodConfig[0].name[1]: names the same methods as methodConfig[0].name[0]; give"
                + " each name once, was {\"service\":\"\",\"method\":\"\"}"),
        arguments(
            "{'methodConfig': [{'timeout': 1.5}]}",
            "methodConfig[0].timeout: must be a duration string: seconds with up to 9 decimals"
                + " and an 's', such as \"1.5s\", was 1.5"),
        arguments(
            "{'methodConfig': [{'timeout': '1.5'}]}",
            "methodConfig[0].timeout: must be a duration string: seconds with up to 9 decimals"
                + " and an 's', such as \"1.5s\", was \"1.5\""),
        arguments(
            "{'methodConfig': [{'timeout': '1.0000000001s'}]}",
            "methodConfig[0].timeout: must be a duration string: seconds with up to 9 decimals"
                + " and an 's', such as \"1.5s\", was \"1.0000000001s\""),
        arguments(
            "{'methodConfig': [{'timeout': '-1s'}]}",
            "methodConfig[0].timeout: must not be negative, was \"-1s\""),
        arguments(
            "{'methodConfig': [{'timeout': '315576000001s'}]}",
            "methodConfig[0].timeout: must be at most 315576000000s, was \"315576000001s\""),
        arguments(
            "{'methodConfig': [{'waitForReady': 'yes'}]}",
            "methodConfig[0].waitForReady: must be true or false, was \"yes\""),
        arguments(
            "{'methodConfig': [{'maxRequestMessageBytes': -1}]}",
            "methodConfig[0].maxRequestMessageBytes: must be a whole number from 0 to 4294967295,"
                + " was -1"),
        arguments(
            "{'methodConfig': [{'maxResponseMessageBytes': 4294967296}]}",
            "methodConfig[0].maxResponseMessageBytes: must be a whole number from 0 to 4294967295,"
                + " was 4294967296"),
        arguments(
            "{'methodConfig': [{'maxRequestMessageBytes': 1.5}]}",
            "methodConfig[0].maxRequestMessageBytes: must be a whole number, was 1.5"),
        arguments(
            "{'methodConfig': [{'maxRequestMessageBytes': 'lots'}]}",
            "methodConfig[0].maxRequestMessageBytes: must be a whole number, was \"lots\""),
        arguments(
            "{'methodConfig': [{'maxRequestMessageBytes': '1e999999999'}]}",
            "methodConfig[0].maxRequestMessageBytes: must be a whole number, was \"1e999999999\""),
        arguments(
            "{'methodConfig': [{'maxRequestMessageBytes': true}]}",
            "methodConfig[0].maxRequestMessageBytes: must be a number, was true"),
        arguments(
            "{'methodConfig': [{'retryPolicy': {'maxAttempts': 1, " + retry + "}}]}",
            "methodConfig[0].retryPolicy.maxAttempts: must be at least 2, was 1"),
        arguments(
            "{'methodConfig': [{'retryPolicy': {" + retry + "}}]}",
            "methodConfig[0].retryPolicy.maxAttempts: is required"),
        arguments(
            "{'methodConfig': [{'retryPolicy': {'maxAttempts': 2.5, " + retry + "}}]}",
            "methodConfig[0].retryPolicy.maxAttempts: must be a whole number, was 2.5"),
        arguments(
            "{'methodConfig': [{'retryPolicy': []}]}",
            "methodConfig[0].retryPolicy: must be a JSON object, was []"),
        arguments(
            "{'methodConfig': [{'retryPolicy': {'maxAttempts': 2, 'initialBackoff': '0s',"
                + " 'maxBackoff': '1s', 'backoffMultiplier': 2, 'retryableStatusCodes': [14]}}]}",
            "methodConfig[0].retryPolicy.initialBackoff: must be greater than 0s, was \"0s\""),
        arguments(
            "{'methodConfig': [{'retryPolicy': {'maxAttempts': 2, 'initialBackoff': '1s',"
                + " 'backoffMultiplier': 2, 'retryableStatusCodes': [14]}}]}",
            "methodConfig[0].retryPolicy.maxBackoff: is required"),
        arguments(
            "{'methodConfig': [{'retryPolicy': {'maxAttempts': 2, 'initialBackoff': '1s',"
                + " 'maxBackoff': '1s', 'backoffMultiplier': 0, 'retryableStatusCodes': [14]}}]}",
            "methodConfig[0].retryPolicy.backoffMultiplier: must be greater than 0, was 0"),
        arguments(
            "{'methodConfig': [{'retryPolicy': {'maxAttempts': 2, 'initialBackoff': '1s',"
                + " 'maxBackoff': '1s', 'backoffMultiplier': '2', 'retryableStatusCodes': [14]}}]}",
            "methodConfig[0].retryPolicy.backoffMultiplier: must be a number, was \"2\""),
        arguments(
            "{'methodConfig': [{'retryPolicy': {'maxAttempts': 2, 'initialBackoff': '1s',"
                + " 'maxBackoff': '1s', 'backoffMultiplier': 2, 'retryableStatusCodes': []}}]}",
            "methodConfig[0].retryPolicy.retryableStatusCodes: must list at least one status"
                + " code, such as \"UNAVAILABLE\", was []"),
        arguments(
            "{'methodConfig': [{'retryPolicy': {'maxAttempts': 2, 'initialBackoff': '1s',"
                + " 'maxBackoff': '1s', 'backoffMultiplier': 2}}]}",
            "methodConfig[0].retryPolicy.retryableStatusCodes: is required"),
        arguments(
            "{'methodConfig': [{'retryPolicy': {'maxAttempts': 2, 'initialBackoff': '1s',"
                + " 'maxBackoff': '1s', 'backoffMultiplier': 2,"
                + " 'retryableStatusCodes': [14, 'BROKEN']}}]}",
            "methodConfig[0].retryPolicy.retryableStatusCodes[1]: must be a status code name such"
                + " as \"UNAVAILABLE\", was \"BROKEN\""),
        arguments(
            "{'methodConfig': [{'retryPolicy': {'maxAttempts': 2, 'initialBackoff': '1s',"
                + " 'maxBackoff': '1s', 'backoffMultiplier': 2, 'retryableStatusCodes': [17]}}]}",
            "methodConfig[0].retryPolicy.retryableStatusCodes[0]: must be a whole number from 0 to"
                + " 16, was 17"),
        arguments(
            "{'methodConfig': [{'retryPolicy': {'maxAttempts': 2, 'initialBackoff': '1s',"
                + " 'maxBackoff': '1s', 'backoffMultiplier': 2, 'retryableStatusCodes': [true]}}]}",
            "methodConfig[0].retryPolicy.retryableStatusCodes[0]: must be a status code, as a"
                + " name (\"UNAVAILABLE\") or a number (14), was true"),
        arguments(
            "{'methodConfig': [{'retryPolicy': {}, 'hedgingPolicy': {}}]}",
            "methodConfig[0]: has both a retryPolicy and a hedgingPolicy; a method may have only"
                + " one (gRFC A6)"),
        arguments(
            "{'methodConfig': [{'hedgingPolicy': {'maxAttempts': 1}}]}",
            "methodConfig[0].hedgingPolicy.maxAttempts: must be at least 2, was 1"),
        arguments(
            "{'methodConfig': [{'hedgingPolicy': {'maxAttempts': 2, 'hedgingDelay': '-0.5s'}}]}",
            "methodConfig[0].hedgingPolicy.hedgingDelay: must not be negative, was \"-0.5s\""),
        arguments(
            "{'methodConfig': [{'hedgingPolicy': {'maxAttempts': 2,"
                + " 'nonFatalStatusCodes': 'UNAVAILABLE'}}]}",
            "methodConfig[0].hedgingPolicy.nonFatalStatusCodes: must be a JSON array,"
                + " was \"UNAVAILABLE\""),
        arguments(
            "{'retryThrottling': {'maxTokens': 0, 'tokenRatio': 1}}",
            "retryThrottling.maxTokens: must be a whole number from 1 to 1000, was 0"),
        arguments(
            "{'retryThrottling': {'maxTokens': 1001, 'tokenRatio': 1}}",
            "retryThrottling.maxTokens: must be a whole number from 1 to 1000, was 1001"),
        arguments(
            "{'retryThrottling': {'tokenRatio': 1}}", "retryThrottling.maxTokens: is required"),
        arguments(
            "{'retryThrottling': {'maxTokens': 10}}", "retryThrottling.tokenRatio: is required"),
        arguments(
            "{'retryThrottling': {'maxTokens': 10, 'tokenRatio': 0.0009}}",
            "retryThrottling.tokenRatio: must be at least 0.001 (gRFC A6: up to 3 decimals"
                + " count), was 0.0009"),
        arguments(
            "{'retryThrottling': {'maxTokens': 10, 'tokenRatio': -1}}",
            "retryThrottling.tokenRatio: must be at least 0.001 (gRFC A6: up to 3 decimals"
                + " count), was -1"),
        arguments("{'retryThrottling': 5}", "retryThrottling: must be a JSON object, was 5"),
        arguments(
            "{'loadBalancingConfig': {}}", "loadBalancingConfig: must be a JSON array, was {}"),
        arguments(
            "{'loadBalancingConfig': [{'a': {}, 'b': {}}]}",
            "loadBalancingConfig: each loadBalancingConfig entry must be an object with one key,"
                + " the policy name; got {a={}, b={}}"),
        arguments(
            "{'loadBalancingConfig': [{'trunk_test_policy': []}]}",
            "loadBalancingConfig: the config of policy 'trunk_test_policy' must be an object;"
                + " got []"),
        arguments(
            "{'loadBalancingConfig': [{'trunk_test_policy': {'bad': 1}}]}",
            "loadBalancingConfig: trunk_test_policy.bad: not allowed"),
        arguments("{'loadBalancingPolicy': 7}", "loadBalancingPolicy: must be a string, was 7"),
        arguments(
            "{'healthCheckConfig': {'serviceName': 5}}",
            "healthCheckConfig.serviceName: must be a string, was 5"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("invalidConfigs")
  void anInvalidConfigIsRefusedNamingThePathOfTheBadField(String config, String message) {
    assertThatThrownBy(() -> parse(config))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void aListNamingOnlyUnknownPoliciesIsRefused() {
    assertThatThrownBy(() -> parse("{'loadBalancingConfig': [{'no_such_policy': {}}]}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "loadBalancingConfig: loadBalancingConfig names no known policy: [{no_such_policy={}}];"
                + " known policies are ")
        .hasMessageContaining(TestPolicyProvider.NAME);
    assertThatThrownBy(() -> parse("{'loadBalancingPolicy': 'no_such_policy'}"))
        .hasMessageStartingWith(
            "loadBalancingPolicy: loadBalancingConfig names no known policy: [{no_such_policy={}}]");
  }

  @Test
  void textThatIsNotJsonIsRefusedWithTheOffset() {
    assertThatThrownBy(() -> ServiceConfigParser.parse("{\"methodConfig\": [}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "the service config is not valid JSON: invalid JSON at offset 18: unexpected '}',"
                + " expected a value");
  }

  // ---- DNS TXT records (gRFC A2) ------------------------------------------------------------

  private static final String HOST = "client-1";

  private static java.util.Optional<String> fromDns(int draw, String... records) {
    return ServiceConfigParser.fromDnsTxt(
        Stream.of(records).map(ServiceConfigParserTest::json).toList(), HOST, () -> draw);
  }

  @Test
  void withoutAGrpcConfigRecordThereIsNoServiceConfig() {
    assertThat(ServiceConfigParser.fromDnsTxt(List.of(), HOST)).isEmpty();
    assertThat(fromDns(0, "v=spf1 -all", "grpc_config", "GRPC_CONFIG=[]")).isEmpty();
    assertThat(fromDns(0, "grpc_config=[]")).isEmpty();
  }

  @Test
  void theFirstChoiceThatMatchesGivesItsServiceConfigAsJson() {
    String record =
        """
        grpc_config=[
          {'clientLanguage': ['go', 'c++'], 'serviceConfig': {'n': 1}},
          {'clientHostname': ['other-host'], 'serviceConfig': {'n': 2}},
          {'clientLanguage': ['JaVa'], 'clientHostname': ['client-1'],
           'serviceConfig': {'loadBalancingPolicy': 'round_robin', 'methodConfig': [{'name': [{}],
                             'timeout': '1s'}]}},
          {'serviceConfig': {'n': 4}}
        ]
        """;
    String chosen = fromDns(0, "other=1", record).orElseThrow();
    assertThat(Json.parse(chosen))
        .isEqualTo(
            Json.parse(
                json(
                    "{'loadBalancingPolicy': 'round_robin', 'methodConfig': [{'name': [{}],"
                        + " 'timeout': '1s'}]}")));
    assertThat(chosen).startsWith("{\"loadBalancingPolicy\":\"round_robin\",");
    assertThat(fromDns(0, "grpc_config=[{'clientLanguage': [], 'serviceConfig': {}}]"))
        .contains("{}");
  }

  @Test
  void aPercentageChoiceAppliesWhenTheDrawIsUnderIt() {
    String record =
        "grpc_config=[{'percentage': 30, 'serviceConfig': {'n': 1}}, {'serviceConfig': {'n': 2}}]";
    assertThat(fromDns(29, record)).contains("{\"n\":1}");
    assertThat(fromDns(30, record)).contains("{\"n\":2}");
    assertThat(fromDns(0, record.replace("30", "0"))).contains("{\"n\":2}");
    assertThat(fromDns(99, record.replace("30", "100"))).contains("{\"n\":1}");
  }

  @Test
  void choicesOfSeveralRecordsAreReadInOrder() {
    assertThat(
            fromDns(
                0,
                "grpc_config=[{'clientLanguage': ['go'], 'serviceConfig': {'n': 1}}]",
                "grpc_config=[{'serviceConfig': {'n': 2}}]"))
        .contains("{\"n\":2}");
  }

  static Stream<Arguments> invalidRecords() {
    return Stream.of(
        arguments(
            "grpc_config={",
            "the grpc_config TXT record is not valid JSON: invalid JSON at offset 1: unexpected"
                + " end of input, expected a string key"),
        arguments(
            "grpc_config={'serviceConfig': {}}",
            "grpc_config: must be a JSON array, was {\"serviceConfig\":{}}"),
        arguments("grpc_config=[7]", "grpc_config[0]: must be a JSON object, was 7"),
        arguments(
            "grpc_config=[{'serviceConfig': {}, 'clientVersion': '1'}]",
            "grpc_config[0]: unknown field \"clientVersion\" in a service config choice; a choice"
                + " may have only "),
        arguments("grpc_config=[{'percentage': 10}]", "grpc_config[0].serviceConfig: is required"),
        arguments(
            "grpc_config=[{'serviceConfig': 'x'}]",
            "grpc_config[0].serviceConfig: must be a JSON object, was \"x\""),
        arguments(
            "grpc_config=[{'percentage': 101, 'serviceConfig': {}}]",
            "grpc_config[0].percentage: must be a whole number from 0 to 100, was 101"),
        arguments(
            "grpc_config=[{'percentage': 50.5, 'serviceConfig': {}}]",
            "grpc_config[0].percentage: must be a whole number, was 50.5"),
        arguments(
            "grpc_config=[{'clientLanguage': 'java', 'serviceConfig': {}}]",
            "grpc_config[0].clientLanguage: must be a JSON array, was \"java\""),
        arguments(
            "grpc_config=[{'clientHostname': [1], 'serviceConfig': {}}]",
            "grpc_config[0].clientHostname[0]: must be a string, was 1"),
        // A later malformed choice is refused even when an earlier one matches (gRFC A2, A21).
        arguments(
            "grpc_config=[{'serviceConfig': {}}, {'serviceConfig': []}]",
            "grpc_config[1].serviceConfig: must be a JSON object, was []"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("invalidRecords")
  void aMalformedRecordIsRefusedWithTheReason(String record, String message) {
    assertThatThrownBy(() -> fromDns(0, record))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }
}
