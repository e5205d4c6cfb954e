package dev.trunk.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trunk.interop.InteropServers.RunningServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Tools that are no gRPC library against the Trunk interop server's gRPC-Web and Connect protocols:
 * {@code buf curl --protocol grpcweb|connect} over HTTP/1.1 and HTTP/2 (cleartext, prior
 * knowledge), and Debian's plain {@code curl} for a Connect unary call in JSON and a Connect GET of
 * CacheableUnaryCall. buf takes the schema from the interop protos, not by reflection (a
 * bidi-streaming call, which HTTP/1.1 cannot carry).
 *
 * <p>With {@code -Dweb.server=connect-es} the calls go to connect-es's own server instead, which
 * checks the tests themselves.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BufCurlWebProtocolsIT {
  /** Longest one buf or curl run may take. */
  private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(60);

  /** The UnaryCall request: 3 zero bytes back. */
  private static final String UNARY_JSON = "{\"responseSize\": 3}";

  /** The StreamingOutputCall request: responses of 3 and 2 zero bytes. */
  private static final String STREAMING_JSON =
      "{\"responseParameters\": [{\"size\": 3}, {\"size\": 2}]}";

  /** The interop server's Cache-Control on CacheableUnaryCall (interop-test-descriptions.md). */
  private static final String CACHE_CONTROL = "cache-control: max-age=60, public";

  private static final String SERVICE = "grpc.testing.TestService/";

  private final ConnectEsPeerIT scripts = new ConnectEsPeerIT();

  /** Trunk's server (one port for both HTTP versions), or connect-es's, one per HTTP version. */
  private final Map<String, ServerPerTransport> servers =
      ConnectEsWebProtocolsIT.againstConnectEs()
          ? Map.of(
              "1.1",
              new ServerPerTransport(
                  tls -> ConnectEsWebProtocolsIT.startConnectEs("buf-curl", scripts, "1.1", tls)),
              "2",
              new ServerPerTransport(
                  tls -> ConnectEsWebProtocolsIT.startConnectEs("buf-curl", scripts, "2", tls)))
          : sameServer(
              new ServerPerTransport(tls -> ConnectEsWebProtocolsIT.startTrunk("buf-curl", tls)));

  private static Map<String, ServerPerTransport> sameServer(ServerPerTransport trunk) {
    return Map.of("1.1", trunk, "2", trunk);
  }

  @AfterAll
  void stopServers() {
    servers.values().stream().distinct().forEach(ServerPerTransport::close);
  }

  private String url(String httpVersion, String method) {
    RunningServer server = servers.get(httpVersion).get(false);
    return "http://127.0.0.1:" + server.port() + "/" + SERVICE + method;
  }

  /** {@code buf curl --protocol PROTOCOL [--http2-prior-knowledge] --schema PROTOS -d JSON URL}. */
  private ChildProcess bufCurl(String protocol, String httpVersion, String method, String json) {
    List<String> command =
        new ArrayList<>(
            List.of(
                GrpcJsAndConnectEsPeers.nodeDir().resolve("node_modules/.bin/buf").toString(),
                "curl",
                "--protocol",
                protocol,
                "--schema",
                Path.of(System.getProperty("interop.protos.dir", "target/protos"))
                    .toAbsolutePath()
                    .toString()));
    if (httpVersion.equals("2")) {
      command.add("--http2-prior-knowledge");
    }
    command.addAll(List.of("-d", json, url(httpVersion, method)));
    return ChildProcess.start("buf-curl-" + protocol + "-h" + httpVersion + "-" + method, command);
  }

  @ParameterizedTest(name = "buf curl --protocol {0} over HTTP/{1}")
  @CsvSource({"grpcweb, 1.1", "grpcweb, 2", "connect, 1.1", "connect, 2"})
  void bufCurlMakesAUnaryCallAndGetsTheJsonResponse(String protocol, String httpVersion) {
    try (ChildProcess call = bufCurl(protocol, httpVersion, "UnaryCall", UNARY_JSON)) {
      assertThat(call.awaitExit(TOOL_TIMEOUT)).as(call.describe()).isZero();
      // Three zero bytes, as JSON base64.
      assertThat(call.output()).as(call.describe()).contains("\"body\": \"AAAA\"");
    }
  }

  @ParameterizedTest(name = "buf curl --protocol {0} over HTTP/{1}")
  @CsvSource({"grpcweb, 1.1", "grpcweb, 2", "connect, 1.1", "connect, 2"})
  void bufCurlMakesAServerStreamingCallAndGetsEveryJsonResponse(
      String protocol, String httpVersion) {
    try (ChildProcess call =
        bufCurl(protocol, httpVersion, "StreamingOutputCall", STREAMING_JSON)) {
      assertThat(call.awaitExit(TOOL_TIMEOUT)).as(call.describe()).isZero();
      // Three, then two zero bytes, as JSON base64, in that order.
      String output = call.output();
      assertThat(output).as(call.describe()).contains("\"body\": \"AAAA\"", "\"body\": \"AAA=\"");
      assertThat(output.indexOf("\"AAAA\"")).isLessThan(output.indexOf("\"AAA=\""));
    }
  }

  /** Debian's curl over HTTP/1.1: the response with its headers ({@code -i}). */
  private static ChildProcess curl(String name, List<String> args) {
    List<String> command =
        new ArrayList<>(List.of("curl", "--silent", "--show-error", "--http1.1", "-i"));
    command.addAll(args);
    return ChildProcess.start(name, command);
  }

  /** {@code text} without whitespace, so JSON compares however the server lays it out. */
  private static String compact(String text) {
    return text.replaceAll("\\s+", "");
  }

  @Test
  void curlPostsAConnectUnaryCallInJsonAndGetsAJsonResponse() {
    try (ChildProcess call =
        curl(
            "curl-connect-unary",
            List.of(
                "-H",
                "Content-Type: application/json",
                "--data-binary",
                UNARY_JSON,
                url("1.1", "UnaryCall")))) {
      assertThat(call.awaitExit(TOOL_TIMEOUT)).as(call.describe()).isZero();
      String compact = compact(call.output());
      assertThat(compact).as(call.describe()).startsWith("HTTP/1.1200");
      assertThat(compact.toLowerCase(Locale.ROOT))
          .as(call.describe())
          .contains("content-type:application/json");
      assertThat(compact).as(call.describe()).contains("\"payload\":{\"body\":\"AAAA\"}");
    }
  }

  @Test
  void curlGetsCacheableUnaryCallWithAConnectGetAndACacheableResponse() {
    String message = "{\"payload\": {\"body\": \"AQID\"}}";
    String query =
        "?connect=v1&encoding=json&message=" + URLEncoder.encode(message, StandardCharsets.UTF_8);
    try (ChildProcess call =
        curl("curl-connect-get", List.of(url("1.1", "CacheableUnaryCall") + query))) {
      assertThat(call.awaitExit(TOOL_TIMEOUT)).as(call.describe()).isZero();
      String output = call.output();
      assertThat(compact(output)).as(call.describe()).startsWith("HTTP/1.1200");
      assertThat(output.toLowerCase(Locale.ROOT)).as(call.describe()).contains(CACHE_CONTROL);
      // The payload is the server's timestamp, as JSON base64.
      assertThat(compact(output))
          .as(call.describe())
          .containsPattern("\"payload\":\\{\"body\":\"[A-Za-z0-9+/=]+\"");
    }
  }
}
