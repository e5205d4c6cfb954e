package dev.trunk.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonStreamParser;
import dev.trunk.interop.TrunkCommand.Result;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same gRPC calls through {@code trunk call} and {@code buf curl} (gRPC over cleartext HTTP/2)
 * against Trunk's and grpc-java's interop servers, with the same schema source for both tools
 * (reflection from Trunk's server, the interop protos for grpc-java's): the responses, read as a
 * stream of JSON values (buf pretty-prints them, trunk prints one per line), must be equal; so must
 * a failed call's code and message and the metadata the server echoes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TrunkCliBufCurlIT {
  /** A response header as {@code buf curl -v} prints it: {@code buf: < (#1) Name: value}. */
  private static final Pattern BUF_RESPONSE_METADATA =
      Pattern.compile("^buf: < \\(#\\d+\\) ([A-Za-z0-9-]+): (.*)$", Pattern.MULTILINE);

  private final Map<CliPeer, ServerPerTransport> servers = new EnumMap<>(CliPeer.class);

  TrunkCliBufCurlIT() {
    for (CliPeer peer : CliPeer.values()) {
      servers.put(peer, new ServerPerTransport(peer::start));
    }
  }

  @AfterAll
  void stopServers() {
    servers.values().forEach(ServerPerTransport::close);
  }

  /** A call: the method of grpc.testing.TestService and its request(s), one JSON per line. */
  record Case(String name, String method, String requests) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final List<Case> CASES =
      List.of(
          new Case("empty unary", "EmptyCall", "{}"),
          new Case(
              "unary", "UnaryCall", "{\"responseSize\": 5, \"payload\": {\"body\": \"AQID\"}}"),
          new Case(
              "server streaming",
              "StreamingOutputCall",
              "{\"responseParameters\": [{\"size\": 3}, {\"size\": 0}, {\"size\": 2}]}"),
          new Case(
              "client streaming",
              "StreamingInputCall",
              "{\"payload\": {\"body\": \"AAE=\"}}\n{}\n{\"payload\": {\"body\": \"AAECAw==\"}}\n"),
          new Case(
              "bidi streaming",
              "FullDuplexCall",
              "{\"responseParameters\": [{\"size\": 1}]}\n"
                  + "{\"responseParameters\": [{\"size\": 2}, {\"size\": 3}]}\n"));

  static Stream<Arguments> peersAndCases() {
    return Stream.of(CliPeer.values())
        .flatMap(peer -> CASES.stream().map(c -> Arguments.of(peer, c)));
  }

  private String target(CliPeer peer) {
    return "127.0.0.1:" + servers.get(peer).get(false).port();
  }

  /** {@code trunk call --plaintext [SCHEMA] TARGET SERVICE/METHOD ARGS...}, requests on stdin. */
  private Result trunk(CliPeer peer, String method, String requests, String... args) {
    List<String> all = new ArrayList<>(List.of("call", "--plaintext"));
    all.addAll(peer.schemaFlags());
    all.addAll(List.of(args));
    all.add(target(peer));
    all.add(CliPeer.TEST_SERVICE + "/" + method);
    return TrunkCommand.trunk(all, requests);
  }

  /**
   * {@code buf curl --protocol grpc --http2-prior-knowledge [--schema PROTOS] -d @- ARGS... URL}:
   * from grpc-java's server (no reflection) with the interop protos, from Trunk's by reflection.
   */
  private Result buf(CliPeer peer, String method, String requests, String... args) {
    List<String> all =
        new ArrayList<>(List.of("curl", "--protocol", "grpc", "--http2-prior-knowledge"));
    if (peer == CliPeer.GRPC_JAVA) {
      all.addAll(List.of("--schema", CliPeer.protosDir().toString()));
    }
    all.addAll(List.of("-d", "@-"));
    all.addAll(List.of(args));
    all.add("http://" + target(peer) + "/" + CliPeer.TEST_SERVICE + "/" + method);
    return TrunkCommand.buf(all, requests);
  }

  /** {@code text} as the JSON values it holds, one after the other. */
  private static List<JsonElement> jsonValues(String text) {
    List<JsonElement> values = new ArrayList<>();
    new JsonStreamParser(text).forEachRemaining(values::add);
    return values;
  }

  @ParameterizedTest(name = "{0}''s server: {1}")
  @MethodSource("peersAndCases")
  void bothToolsPrintTheSameResponses(CliPeer peer, Case call) {
    Result trunk = trunk(peer, call.method(), call.requests());
    Result buf = buf(peer, call.method(), call.requests());
    assertThat(trunk.exitCode()).as(trunk.describe()).isZero();
    assertThat(buf.exitCode()).as(buf.describe()).isZero();

    List<JsonElement> fromTrunk = jsonValues(trunk.out());
    assertThat(fromTrunk).as(trunk.describe()).isNotEmpty().hasSize(trunk.lines().size());
    assertThat(fromTrunk).as(trunk.describe() + buf.describe()).isEqualTo(jsonValues(buf.out()));
  }

  @ParameterizedTest(name = "{0}''s server")
  @EnumSource(CliPeer.class)
  void bothToolsReportTheSameFailedStatus(CliPeer peer) {
    String request =
        "{\"responseStatus\": {\"code\": 11, \"message\": \"out of range = \\u00e9\\u00e8 \\t!\"}}";
    Result trunk = trunk(peer, "UnaryCall", request);
    Result buf = buf(peer, "UnaryCall", request);

    assertThat(trunk.exitCode()).as(trunk.describe()).isEqualTo(64 + 11);
    assertThat(buf.exitCode()).as(buf.describe()).isNotZero();
    JsonObject error = JsonParser.parseString(buf.err()).getAsJsonObject();
    assertThat(error.get("code").getAsString()).as(buf.describe()).isEqualTo("out_of_range");
    String message = error.get("message").getAsString();
    assertThat(message).isEqualTo("out of range = \u00e9\u00e8 \t!");
    assertThat(trunk.err())
        .as(trunk.describe())
        .isEqualTo("ERROR: code OUT_OF_RANGE (11): " + message + "\n");
  }

  @ParameterizedTest(name = "{0}''s server")
  @EnumSource(CliPeer.class)
  void bothToolsSendTheSameMetadataAndSeeTheSameEcho(CliPeer peer) {
    String[] flags = {
      "-v",
      "-H",
      "x-grpc-test-echo-initial: sent by the tool",
      "-H",
      "x-grpc-test-echo-trailing-bin: AAEC/w=="
    };
    Result trunk = trunk(peer, "EmptyCall", "{}", flags);
    Result buf = buf(peer, "EmptyCall", "{}", flags);
    assertThat(trunk.exitCode()).as(trunk.describe()).isZero();
    assertThat(buf.exitCode()).as(buf.describe()).isZero();

    Map<String, String> fromBuf = bufResponseMetadata(buf.err());
    Map<String, String> fromTrunk = trunkResponseMetadata(trunk.err());
    for (String key : List.of("x-grpc-test-echo-initial", "x-grpc-test-echo-trailing-bin")) {
      assertThat(fromTrunk).as(trunk.describe()).containsKey(key);
      assertThat(fromBuf).as(buf.describe()).containsKey(key);
    }
    assertThat(fromTrunk.get("x-grpc-test-echo-initial"))
        .isEqualTo(fromBuf.get("x-grpc-test-echo-initial"))
        .isEqualTo("sent by the tool");
    // buf prints a binary value as it came (unpadded base64), trunk decodes and re-encodes it.
    assertThat(base64(fromTrunk.get("x-grpc-test-echo-trailing-bin")))
        .isEqualTo(base64(fromBuf.get("x-grpc-test-echo-trailing-bin")))
        .containsExactly(0, 1, 2, 0xff);
  }

  /** The response headers and trailers {@code buf curl -v} printed, keys in lower case. */
  private static Map<String, String> bufResponseMetadata(String err) {
    Map<String, String> metadata = new java.util.HashMap<>();
    Matcher matcher = BUF_RESPONSE_METADATA.matcher(err);
    while (matcher.find()) {
      metadata.put(matcher.group(1).toLowerCase(Locale.ROOT), matcher.group(2));
    }
    return metadata;
  }

  /** The {@code key: value} lines {@code trunk call -v} printed under its two titles. */
  private static Map<String, String> trunkResponseMetadata(String err) {
    Map<String, String> metadata = new java.util.HashMap<>();
    for (String line : err.lines().toList()) {
      int colon = line.indexOf(": ");
      if (colon > 0 && !line.endsWith("received:")) {
        metadata.put(line.substring(0, colon), line.substring(colon + 2));
      }
    }
    return metadata;
  }

  private static byte[] base64(String value) {
    return Base64.getDecoder().decode(value);
  }
}
