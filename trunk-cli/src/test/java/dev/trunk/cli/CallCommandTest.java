package dev.trunk.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CallCommandTest {
  private static EchoServer server;

  @BeforeAll
  static void start() throws Exception {
    server = EchoServer.start(true, null);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static Cli call(String method, String... more) {
    List<String> args =
        new java.util.ArrayList<>(List.of("call", "--plaintext", server.target(), method));
    args.addAll(List.of(more));
    return Cli.run(args.toArray(String[]::new));
  }

  @Test
  void unaryPrintsTheResponseAsOneJsonLine() {
    Cli cli = call("trunk.cli.test.Echo/Unary", "-d", "{\"text\": \"hello\"}");
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.lines()).containsExactly("{\"text\":\"hello\"}");
  }

  @Test
  void theMethodMayBeNamedWithADot() {
    Cli cli = call("trunk.cli.test.Echo.Unary", "-d", "{\"text\": \"dot\"}");
    assertThat(cli.lines()).containsExactly("{\"text\":\"dot\"}");
  }

  @Test
  void headersReachTheServerBinaryOnesDecodedFromBase64() {
    Cli cli =
        call(
            "trunk.cli.test.Echo/Unary",
            "-d",
            "{}",
            "-H",
            "x-id: 42",
            "-H",
            "x-blob-bin: AAEC/w==");
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.out())
        .contains("\"x-id\":\"42\"")
        .contains("\"x-blob-bin\":\"AAEC/w\\u003d\\u003d\"");
  }

  @Test
  void serverStreamingPrintsEachResponse() {
    Cli cli = call("trunk.cli.test.Echo/Repeat", "-d", "{\"text\": \"r\", \"count\": 3}");
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.lines())
        .containsExactly(
            "{\"text\":\"r\"}", "{\"text\":\"r\",\"index\":1}", "{\"text\":\"r\",\"index\":2}");
  }

  @Test
  void clientStreamingSendsOneMessagePerLine() {
    Cli cli = call("trunk.cli.test.Echo/Collect", "-d", "{\"text\":\"a\"}\n\n{\"text\":\"b\"}\n");
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.lines()).containsExactly("{\"text\":\"a,b\",\"index\":2}");
  }

  @Test
  void bidiStreamingAnswersEachLine(@TempDir Path dir) throws Exception {
    Path requests = dir.resolve("requests.jsonl");
    Files.writeString(requests, "{\"text\":\"one\"}\n{\"text\":\"two\"}\n{\"text\":\"three\"}\n");
    Cli cli = call("trunk.cli.test.Echo/Chat", "-d", "@" + requests);
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.lines())
        .containsExactly(
            "{\"text\":\"one\"}",
            "{\"text\":\"two\",\"index\":1}",
            "{\"text\":\"three\",\"index\":2}");
  }

  @Test
  void aUnaryRequestFromAFileMaySpanLines(@TempDir Path dir) throws Exception {
    Path request = dir.resolve("request.json");
    Files.writeString(request, "{\n  \"text\": \"pretty\"\n}\n");
    Cli cli = call("trunk.cli.test.Echo/Unary", "-d", "@" + request);
    assertThat(cli.lines()).containsExactly("{\"text\":\"pretty\"}");
  }

  @Test
  void verbosePrintsHeadersAndTrailersToStandardError() {
    Cli cli = call("trunk.cli.test.Echo/Unary", "-d", "{\"text\":\"v\"}", "-v");
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.lines()).containsExactly("{\"text\":\"v\"}");
    assertThat(cli.err())
        .contains("Response headers received:\n")
        .contains("x-echo-header: yes")
        .contains("Response trailers received:\n")
        .contains("x-echo-trailer: done")
        .doesNotContain("grpc.reflection");
  }

  @Test
  void anyFieldsUseTheSchemasTypes() {
    String any =
        "{\"attachment\": {\"@type\": \"type.googleapis.com/trunk.cli.test.EchoRequest\","
            + " \"text\": \"inner\"}}";
    Cli cli = call("trunk.cli.test.Echo/Unary", "-d", any);
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.out())
        .contains(
            "\"attachment\":{\"@type\":\"type.googleapis.com/trunk.cli.test.EchoRequest\","
                + "\"text\":\"inner\"}");
  }

  @Test
  void aFailedCallPrintsCodeMessageAndDetailsAndExits64PlusTheCode() {
    Cli cli = call("trunk.cli.test.Echo/Fail", "-d", "{\"text\":\"NOT_FOUND\"}");
    assertThat(cli.exitCode()).isEqualTo(64 + 5);
    assertThat(cli.out()).isEmpty();
    assertThat(cli.err())
        .startsWith("ERROR: code NOT_FOUND (5): failed as asked\n")
        .contains("\"@type\":\"type.googleapis.com/google.rpc.BadRequest\"")
        .contains("\"description\":\"asked to fail\"");
  }

  @Test
  void exitCodesFollowTheStatusCode() {
    assertThat(
            call("trunk.cli.test.Echo/Fail", "-d", "{\"text\":\"PERMISSION_DENIED\"}").exitCode())
        .isEqualTo(64 + 7);
    assertThat(StatusReport.exitCode(dev.trunk.Status.Code.OK)).isZero();
    assertThat(StatusReport.exitCode(dev.trunk.Status.Code.UNAUTHENTICATED)).isEqualTo(80);
  }

  @Test
  void anUnknownMethodIsOneLineWithTheAlternatives() {
    Cli cli = call("trunk.cli.test.Echo/Unery", "-d", "{}");
    assertThat(cli.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(cli.err())
        .isEqualTo("trunk: service trunk.cli.test.Echo has no method Unery; did you mean Unary?\n");
  }

  @Test
  void anUnknownServiceNamesTheKnownOnes() {
    Cli cli = call("nope.Nothing/Unary", "-d", "{}");
    assertThat(cli.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(cli.err())
        .startsWith("trunk: unknown service nope.Nothing; known services: ")
        .contains("trunk.cli.test.Echo")
        .hasLineCount(1);
  }

  @Test
  void invalidJsonNamesThePosition() {
    Cli cli = call("trunk.cli.test.Echo/Unary", "-d", "{\"text\": \"x\",,}");
    assertThat(cli.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(cli.err())
        .startsWith("trunk: invalid JSON in -d for trunk.cli.test.EchoRequest: ")
        .containsPattern("line 1 column \\d+")
        .hasLineCount(1);
  }

  @Test
  void anUnknownFieldNamesTheFieldAndTheMessage() {
    Cli cli = call("trunk.cli.test.Echo/Unary", "-d", "{\"txet\": \"x\"}");
    assertThat(cli.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(cli.err())
        .contains("txet")
        .contains("trunk.cli.test.EchoRequest")
        .hasLineCount(1)
        .doesNotContain("Exception");
  }

  @Test
  void aBadLineOfAStreamNamesTheLine() {
    Cli cli = call("trunk.cli.test.Echo/Chat", "-d", "{\"text\":\"ok\"}\n{oops");
    assertThat(cli.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(cli.err()).startsWith("trunk: invalid JSON in -d, line 2 for ");
  }

  @Test
  void anUnreachableTargetIsUnavailable() throws Exception {
    int closedPort;
    try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    Cli cli =
        Cli.run(
            "call",
            "--plaintext",
            "127.0.0.1:" + closedPort,
            "trunk.cli.test.Echo/Unary",
            "-d",
            "{}");
    assertThat(cli.exitCode()).isEqualTo(64 + 14);
    assertThat(cli.err()).startsWith("ERROR: code UNAVAILABLE (14): ").hasLineCount(1);
  }

  @Test
  void http1WithoutProtoSaysReflectionNeedsHttp2() {
    Cli cli = call("trunk.cli.test.Echo/Unary", "--protocol", "connect", "--http1", "-d", "{}");
    assertThat(cli.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(cli.err())
        .isEqualTo(
            "trunk: the server's reflection is a bidi-streaming call, which --http1 cannot"
                + " carry: give the schema with --proto or --protoset"
                + System.lineSeparator());
  }

  @Test
  void bidiOverHttp1IsUnimplementedAndNamesTheFlag() {
    Cli cli =
        call(
            "trunk.cli.test.Echo/Chat",
            "--protocol",
            "grpc-web",
            "--http1",
            "--import-path",
            "src/test/proto",
            "--proto",
            "trunk/cli/test/echo.proto",
            "-d",
            "{}");
    assertThat(cli.exitCode()).isEqualTo(64 + 12);
    assertThat(cli.err()).startsWith("ERROR: code UNIMPLEMENTED (12): ").contains("drop --http1");
  }

  @Test
  void aMalformedTargetIsAUsageError() {
    Cli cli = Cli.run("call", "--plaintext", "http://127.0.0.1:1", "a.B/C", "-d", "{}");
    assertThat(cli.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(cli.err()).startsWith("trunk: ").hasLineCount(1);
  }

  @Test
  void aMalformedHeaderIsAUsageError() {
    Cli cli = call("trunk.cli.test.Echo/Unary", "-d", "{}", "-H", "no-colon");
    assertThat(cli.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(cli.err()).isEqualTo("trunk: header 'no-colon' is not of the form 'key: value'\n");
  }

  @Test
  void debugAddsTheStackTrace() {
    Cli cli = call("trunk.cli.test.Echo/Unary", "-d", "{oops", "--debug");
    assertThat(cli.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(cli.err()).contains("at dev.trunk.cli.");
  }
}
