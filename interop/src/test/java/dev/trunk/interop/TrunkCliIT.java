package dev.trunk.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trunk.interop.TrunkCommand.Result;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The packaged {@code trunk} command ({@code trunk-cli/target/trunk}, run as a process) against
 * Trunk's interop server (reflection on) and grpc-java's (reflection off, so {@code --proto} with
 * the interop protos): {@code list}, {@code describe}, {@code call} of every kind in plaintext and
 * TLS (gRPC's test CA), metadata echoed by the server and seen with {@code -v}, a failed call's
 * exit code, {@code health}, and gRPC-Web and Connect over HTTP/2 and HTTP/1.1 against Trunk's
 * server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TrunkCliIT {
  /** The name gRPC's test server certificate is valid for. */
  private static final String AUTHORITY = TestCerts.SERVER_HOST_OVERRIDE;

  private static final String UNARY = CliPeer.TEST_SERVICE + "/UnaryCall";
  private static final String SERVER_STREAMING = CliPeer.TEST_SERVICE + "/StreamingOutputCall";
  private static final String CLIENT_STREAMING = CliPeer.TEST_SERVICE + "/StreamingInputCall";
  private static final String BIDI = CliPeer.TEST_SERVICE + "/FullDuplexCall";

  /** Two client-streaming requests: 2 and 4 payload bytes. */
  private static final String TWO_PAYLOADS =
      "{\"payload\":{\"body\":\"AAE=\"}}\n{\"payload\":{\"body\":\"AAECAw==\"}}\n";

  /** Two bidi requests, each asking for one response (of 1, then 2 zero bytes). */
  private static final String TWO_PING_PONGS =
      "{\"responseParameters\":[{\"size\":1}]}\n{\"responseParameters\":[{\"size\":2}]}\n";

  private final Map<CliPeer, ServerPerTransport> servers = new EnumMap<>(CliPeer.class);

  TrunkCliIT() {
    for (CliPeer peer : CliPeer.values()) {
      servers.put(peer, new ServerPerTransport(peer::start));
    }
  }

  @AfterAll
  void stopServers() {
    servers.values().forEach(ServerPerTransport::close);
  }

  static Stream<Arguments> peersAndTransports() {
    return Stream.of(CliPeer.values())
        .flatMap(peer -> Stream.of(Arguments.of(peer, false), Arguments.of(peer, true)));
  }

  /**
   * {@code trunk COMMAND CONNECTION-FLAGS [SCHEMA-FLAGS] TARGET ARGS...}: plaintext, or TLS
   * trusting the test CA and expecting the test certificate's name.
   */
  private Result trunk(
      CliPeer peer, boolean tls, boolean schema, String stdin, String command, String... args) {
    List<String> all = new ArrayList<>(List.of(command));
    all.addAll(tls ? tlsFlags() : List.of("--plaintext"));
    if (schema) {
      all.addAll(peer.schemaFlags());
    }
    all.add(target(peer, tls));
    all.addAll(List.of(args));
    return TrunkCommand.trunk(all, stdin);
  }

  private static List<String> tlsFlags() {
    return List.of("--cacert", CliPeer.caFile().toString(), "--authority", AUTHORITY);
  }

  private String target(CliPeer peer, boolean tls) {
    return "127.0.0.1:" + servers.get(peer).get(tls).port();
  }

  private Result call(CliPeer peer, boolean tls, String stdin, String... args) {
    return trunk(peer, tls, true, stdin, "call", args);
  }

  private static void assertSucceeded(Result result) {
    assertThat(result.exitCode()).as(result.describe()).isZero();
  }

  @ParameterizedTest(name = "list against {0}''s server")
  @EnumSource(CliPeer.class)
  void listNamesTheServicesAndTheMethods(CliPeer peer) {
    Result services = trunk(peer, false, true, "", "list");
    assertSucceeded(services);
    assertThat(services.lines()).as(services.describe()).contains(CliPeer.TEST_SERVICE);
    if (peer == CliPeer.TRUNK) {
      assertThat(services.lines())
          .contains("grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection");
    }

    Result methods = trunk(peer, false, true, "", "list", CliPeer.TEST_SERVICE);
    assertSucceeded(methods);
    assertThat(methods.lines())
        .as(methods.describe())
        .contains(
            CliPeer.TEST_SERVICE + ".EmptyCall",
            CliPeer.TEST_SERVICE + ".UnaryCall",
            CliPeer.TEST_SERVICE + ".StreamingOutputCall",
            CliPeer.TEST_SERVICE + ".StreamingInputCall",
            CliPeer.TEST_SERVICE + ".FullDuplexCall");
  }

  @Test
  void withoutReflectionOrProtoTheCommandSaysSoInOneLine() {
    Result result = trunk(CliPeer.GRPC_JAVA, false, false, "", "list");
    assertThat(result.exitCode()).as(result.describe()).isEqualTo(1);
    assertThat(result.err())
        .as(result.describe())
        .isEqualTo(
            "trunk: the server does not offer reflection (grpc.reflection.v1 and v1alpha are"
                + " UNIMPLEMENTED): give the schema with --proto or --protoset\n");
  }

  @ParameterizedTest(name = "describe against {0}''s server")
  @EnumSource(CliPeer.class)
  void describePrintsServicesAndMessagesAsProtoText(CliPeer peer) {
    Result service = trunk(peer, false, true, "", "describe", CliPeer.TEST_SERVICE);
    assertSucceeded(service);
    assertThat(service.out())
        .as(service.describe())
        .startsWith("// grpc.testing.TestService is a service in grpc/testing/test.proto\n")
        .contains(
            "  rpc FullDuplexCall(stream .grpc.testing.StreamingOutputCallRequest) returns"
                + " (stream .grpc.testing.StreamingOutputCallResponse);\n");

    Result message = trunk(peer, false, true, "", "describe", "grpc.testing.SimpleRequest");
    assertSucceeded(message);
    assertThat(message.out())
        .as(message.describe())
        .contains("message SimpleRequest {\n", "  .grpc.testing.Payload payload = 3;\n");
  }

  @ParameterizedTest(name = "{0}''s server, TLS {1}")
  @MethodSource("peersAndTransports")
  void unaryCall(CliPeer peer, boolean tls) {
    Result result = call(peer, tls, "", UNARY, "-d", "{\"responseSize\": 3}");
    assertSucceeded(result);
    assertThat(result.lines()).containsExactly("{\"payload\":{\"body\":\"AAAA\"}}");
  }

  @ParameterizedTest(name = "{0}''s server, TLS {1}")
  @MethodSource("peersAndTransports")
  void serverStreamingCall(CliPeer peer, boolean tls) {
    Result result =
        call(
            peer,
            tls,
            "",
            SERVER_STREAMING,
            "-d",
            "{\"responseParameters\": [{\"size\": 3}, {\"size\": 2}]}");
    assertSucceeded(result);
    assertThat(result.lines())
        .containsExactly("{\"payload\":{\"body\":\"AAAA\"}}", "{\"payload\":{\"body\":\"AAA=\"}}");
  }

  @ParameterizedTest(name = "{0}''s server, TLS {1}")
  @MethodSource("peersAndTransports")
  void clientStreamingCallFromStandardInput(CliPeer peer, boolean tls) {
    Result result = call(peer, tls, TWO_PAYLOADS, CLIENT_STREAMING);
    assertSucceeded(result);
    assertThat(result.lines()).containsExactly("{\"aggregatedPayloadSize\":6}");
  }

  @ParameterizedTest(name = "{0}''s server, TLS {1}")
  @MethodSource("peersAndTransports")
  void bidiStreamingCallFromStandardInput(CliPeer peer, boolean tls) {
    Result result = call(peer, tls, TWO_PING_PONGS, BIDI);
    assertSucceeded(result);
    assertThat(result.lines())
        .containsExactly("{\"payload\":{\"body\":\"AA==\"}}", "{\"payload\":{\"body\":\"AAA=\"}}");
  }

  @ParameterizedTest(name = "{0}''s server, TLS {1}")
  @MethodSource("peersAndTransports")
  void metadataIsSentAndTheEchoedHeadersAndTrailersArePrintedWithVerbose(
      CliPeer peer, boolean tls) {
    Result result =
        call(
            peer,
            tls,
            "",
            UNARY,
            "-v",
            "-H",
            "x-grpc-test-echo-initial: from the command line",
            "-H",
            "x-grpc-test-echo-trailing-bin: q6vLzA==",
            "-d",
            "{}");
    assertSucceeded(result);
    assertThat(result.lines()).as(result.describe()).containsExactly("{}");
    String err = result.err();
    assertThat(err).as(result.describe()).contains("Response headers received:\n");
    String trailers = err.substring(err.indexOf("Response trailers received:\n"));
    String headers = err.substring(0, err.indexOf("Response trailers received:\n"));
    assertThat(headers)
        .as(result.describe())
        .contains("x-grpc-test-echo-initial: from the command line\n");
    assertThat(trailers)
        .as(result.describe())
        .contains("x-grpc-test-echo-trailing-bin: q6vLzA==\n");
  }

  @ParameterizedTest(name = "{0}''s server")
  @EnumSource(CliPeer.class)
  void aFailedCallPrintsTheStatusAndExits64PlusTheCode(CliPeer peer) {
    Result result =
        call(
            peer,
            false,
            "",
            UNARY,
            "-d",
            "{\"responseStatus\": {\"code\": 9, \"message\": \"the CLI asked for it\"}}");
    assertThat(result.exitCode()).as(result.describe()).isEqualTo(64 + 9);
    assertThat(result.out()).isEmpty();
    assertThat(result.err())
        .isEqualTo("ERROR: code FAILED_PRECONDITION (9): the CLI asked for it\n");
  }

  @ParameterizedTest(name = "{0}''s server")
  @EnumSource(CliPeer.class)
  void anUnknownMethodIsOneLineWithoutAStackTrace(CliPeer peer) {
    Result result = call(peer, false, "", CliPeer.TEST_SERVICE + "/NoSuchCall", "-d", "{}");
    assertThat(result.exitCode()).as(result.describe()).isEqualTo(1);
    assertThat(result.err().lines().toList()).as(result.describe()).hasSize(1);
    assertThat(result.err()).startsWith("trunk: ").contains("NoSuchCall");
  }

  @ParameterizedTest(name = "{0}''s server")
  @EnumSource(CliPeer.class)
  void tlsWithoutTheCertificatesNameIsUnavailableAndSaysWhy(CliPeer peer) {
    List<String> args = new ArrayList<>(List.of("call", "--cacert", CliPeer.caFile().toString()));
    args.addAll(CliPeer.protoFlags());
    args.addAll(List.of(target(peer, true), UNARY, "-d", "{}"));
    Result result = TrunkCommand.trunk(args, "");
    assertThat(result.exitCode()).as(result.describe()).isEqualTo(64 + 14);
    assertThat(result.err())
        .as(result.describe())
        .startsWith("ERROR: code UNAVAILABLE (14): ")
        .contains("not valid for the name");
  }

  @ParameterizedTest(name = "Trunk''s server, TLS {0}")
  @CsvSource({"false", "true"})
  void healthOfTrunksServerIsServing(boolean tls) {
    Result result = trunk(CliPeer.TRUNK, tls, false, "", "health");
    assertSucceeded(result);
    assertThat(result.out()).isEqualTo("status: SERVING\n");
  }

  /**
   * grpc-java's interop server ({@code TestServiceServer}) has no health service: the probe's RPC
   * failure, exit code 3, with the server's UNIMPLEMENTED.
   */
  @ParameterizedTest(name = "grpc-java''s server, TLS {0}")
  @CsvSource({"false", "true"})
  void healthOfGrpcJavasServerIsAnRpcFailure(boolean tls) {
    Result result = trunk(CliPeer.GRPC_JAVA, tls, false, "", "health");
    assertThat(result.exitCode()).as(result.describe()).isEqualTo(3);
    assertThat(result.err())
        .isEqualTo(
            "ERROR: code UNIMPLEMENTED (12): Method not found: grpc.health.v1.Health/Check\n");
  }

  /**
   * gRPC-Web and Connect over HTTP/2 and HTTP/1.1 against Trunk's server: over HTTP/1.1 the schema
   * comes from the protos, since reflection is a bidi-streaming call.
   */
  private Result web(String protocol, boolean http1, String stdin, String method, String... args) {
    List<String> all = new ArrayList<>(List.of("call", "--plaintext", "--protocol", protocol));
    if (http1) {
      all.add("--http1");
      all.addAll(CliPeer.protoFlags());
    }
    all.add(target(CliPeer.TRUNK, false));
    all.add(method);
    all.addAll(List.of(args));
    return TrunkCommand.trunk(all, stdin);
  }

  @ParameterizedTest(name = "--protocol {0}, --http1 {1}")
  @CsvSource({"grpc-web, false", "grpc-web, true", "connect, false", "connect, true"})
  void webProtocolsCarryUnaryServerAndClientStreamingCalls(String protocol, boolean http1) {
    Result unary = web(protocol, http1, "", UNARY, "-d", "{\"responseSize\": 3}");
    assertSucceeded(unary);
    assertThat(unary.lines()).containsExactly("{\"payload\":{\"body\":\"AAAA\"}}");

    Result stream =
        web(protocol, http1, "", SERVER_STREAMING, "-d", "{\"responseParameters\":[{\"size\":3}]}");
    assertSucceeded(stream);
    assertThat(stream.lines()).containsExactly("{\"payload\":{\"body\":\"AAAA\"}}");

    Result upload = web(protocol, http1, TWO_PAYLOADS, CLIENT_STREAMING);
    assertSucceeded(upload);
    assertThat(upload.lines()).containsExactly("{\"aggregatedPayloadSize\":6}");
  }

  @ParameterizedTest(name = "--protocol {0}")
  @CsvSource({"grpc-web", "connect"})
  void webProtocolsCarryBidiOverHttp2Only(String protocol) {
    Result http2 = web(protocol, false, TWO_PING_PONGS, BIDI);
    assertSucceeded(http2);
    assertThat(http2.lines())
        .containsExactly("{\"payload\":{\"body\":\"AA==\"}}", "{\"payload\":{\"body\":\"AAA=\"}}");

    Result http1 = web(protocol, true, TWO_PING_PONGS, BIDI);
    assertThat(http1.exitCode()).as(http1.describe()).isEqualTo(64 + 12);
    assertThat(http1.err()).startsWith("ERROR: code UNIMPLEMENTED (12): ").contains("--http1");
  }

  @ParameterizedTest(name = "--protocol {0}")
  @CsvSource({"grpc-web", "connect"})
  void webProtocolsCarryAFailedStatus(String protocol) {
    Result result =
        web(
            protocol,
            true,
            "",
            UNARY,
            "-d",
            "{\"responseStatus\": {\"code\": 5, \"message\": \"x\"}}");
    assertThat(result.exitCode()).as(result.describe()).isEqualTo(64 + 5);
    assertThat(result.err()).isEqualTo("ERROR: code NOT_FOUND (5): x\n");
  }
}
