package dev.trunk.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trunk.interop.ConnectEsWebProtocolsIT.Mode;
import dev.trunk.interop.MatrixCell.ClientRun;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * cacheable_unary on its real path: connect-es's Connect client calls CacheableUnaryCall twice with
 * GET (the method is marked NO_SIDE_EFFECTS) through nginx's HTTP cache ({@link
 * NginxProxy#caching}) in front of the Trunk interop server, and the second answer comes from the
 * cache. One matrix cell per Connect mode (HTTP/1.1 and HTTP/2, binary and JSON), path {@value
 * #PATH}. Plain HTTP requests then check the cache itself: a repeated GET is a HIT with the same
 * body, another query a MISS, and a POST is never cached.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectEsCacheableUnaryIT {
  /** The matrix path: the client calls nginx's caching proxy. */
  static final String PATH = "nginx cache";

  private static final String CASE = "cacheable_unary";

  /** Where CacheableUnaryCall lives: the Connect protocol's path is /SERVICE/METHOD. */
  private static final String METHOD_PATH = "/grpc.testing.TestService/CacheableUnaryCall";

  /** The header the caching proxy adds: nginx's $upstream_cache_status. */
  private static final String CACHE_STATUS = "x-cache-status";

  /** Longest one plain HTTP request may take. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final ConnectEsPeerIT scripts = new ConnectEsPeerIT();

  /** The plaintext Trunk server and, in front of it, nginx's caching proxy. */
  private final ServerPerTransport servers =
      new ServerPerTransport(
          tls -> ConnectEsWebProtocolsIT.startTrunk("connect-es-cache", tls),
          "nginx-cache-to-trunk-server",
          NginxProxy::caching);

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(REQUEST_TIMEOUT)
          .build();

  /** The Connect modes: only they send CacheableUnaryCall as GET (gRPC-Web always POSTs). */
  static Stream<Mode> connectModes() {
    return ConnectEsWebProtocolsIT.MODES.stream().filter(m -> m.protocol().equals("connect"));
  }

  @ParameterizedTest(name = "connect-es client ({0}) -> nginx cache -> server: cacheable_unary")
  @MethodSource("connectModes")
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void connectEsClientGetsTheSecondCacheableCallFromTheCache(Mode mode) {
    MatrixCell.run(CASE).evaluate(mode.peer(), MatrixResults.PEER_CLIENT, PATH, c -> run(mode, c));
  }

  /** Runs connect-es's client in {@code mode} on {@code testCase} against nginx. */
  private ClientRun run(Mode mode, String testCase) {
    scripts.requirePeer();
    NginxProxy nginx = servers.nginx();
    int port = mode.http1() ? nginx.port() : nginx.http2Port();
    List<String> command =
        ConnectEsWebProtocolsIT.clientCommand(scripts, mode, testCase, port, false);
    try (ChildProcess client = ChildProcess.start(mode.logName(testCase, PATH), command)) {
      Integer exit = client.awaitExit(InteropEnv.CLIENT_TIMEOUT);
      String description =
          "\nthe connect-es client ("
              + mode
              + ") "
              + ConnectEsWebProtocolsIT.outcome(exit)
              + " on "
              + testCase
              + " through nginx's cache"
              + client.describe()
              + servers.state("nginx");
      return new ClientRun(
          testCase, exit, false, client.output(), description, InteropEnv.display(client.log()));
    }
  }

  /**
   * Trunk's own client in Connect mode sends CacheableUnaryCall (marked NO_SIDE_EFFECTS in its
   * descriptor) as GET, so nginx answers the second call from its cache and the case passes. Not a
   * matrix cell: both ends are Trunk.
   */
  @ParameterizedTest(name = "Trunk client (connect, HTTP/{0}) -> nginx cache -> server")
  @ValueSource(strings = {"1.1", "2"})
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void trunkClientInConnectModeGetsTheSecondCallFromTheCache(String httpVersion) {
    NginxProxy nginx = servers.nginx();
    int port = httpVersion.equals("1.1") ? nginx.port() : nginx.http2Port();
    try (ChildProcess client =
        ChildProcess.startJava(
            "trunk-client-connect-h" + httpVersion + "-nginx-cache-" + CASE,
            InteropEnv.clientJvmFlags("trunk-client-" + getClass().getSimpleName()),
            List.of(
                "-jar",
                InteropEnv.interopJar().toString(),
                "client",
                "--server_host=127.0.0.1",
                "--server_port=" + port,
                "--test_case=" + CASE,
                "--protocol=connect",
                "--http_version=" + httpVersion))) {
      assertThat(client.awaitExit(InteropEnv.CLIENT_TIMEOUT))
          .as(
              "the Trunk client through nginx's cache%s%s",
              client.describe(), servers.state("nginx"))
          .isEqualTo(InteropClient.EXIT_PASSED);
      assertThat(client.output()).contains("answered from a cache");
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aRepeatedGetIsACacheHitWithTheSameBodyAndAnotherQueryIsAMiss() throws Exception {
    String message = uniqueMessage();
    HttpResponse<String> first = get(message);
    HttpResponse<String> second = get(message);
    HttpResponse<String> other = get(uniqueMessage());

    assertThat(first.statusCode()).as("first GET: %s", first.body()).isEqualTo(200);
    assertThat(first.headers().firstValue(CACHE_STATUS)).hasValue("MISS");
    assertThat(first.headers().firstValue("cache-control")).hasValue("max-age=60, public");
    assertThat(second.headers().firstValue(CACHE_STATUS)).hasValue("HIT");
    assertThat(second.body()).isEqualTo(first.body());
    assertThat(other.headers().firstValue(CACHE_STATUS)).hasValue("MISS");
    assertThat(other.body()).isNotEqualTo(first.body());
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aPostIsNeverAnsweredFromTheCache() throws Exception {
    String message = uniqueMessage();
    HttpResponse<String> first = post(message);
    HttpResponse<String> second = post(message);

    assertThat(first.statusCode()).as("first POST: %s", first.body()).isEqualTo(200);
    assertThat(second.statusCode()).as("second POST: %s", second.body()).isEqualTo(200);
    // nginx sets no cache status for a method it does not cache, so add_header adds nothing.
    assertThat(first.headers().firstValue(CACHE_STATUS)).isEmpty();
    assertThat(second.headers().firstValue(CACHE_STATUS)).isEmpty();
    assertThat(second.body()).as("the server's fresh timestamps").isNotEqualTo(first.body());
  }

  /** A SimpleRequest in JSON whose payload no other request of any run has. */
  private static String uniqueMessage() {
    byte[] body = ("cache-test-" + System.nanoTime()).getBytes(StandardCharsets.UTF_8);
    return "{\"payload\":{\"body\":\"" + Base64.getEncoder().encodeToString(body) + "\"}}";
  }

  /** A Connect unary GET in JSON: {@code ?connect=v1&encoding=json&message=...}. */
  private HttpResponse<String> get(String message) throws IOException, InterruptedException {
    String query =
        "?connect=v1&encoding=json&message=" + URLEncoder.encode(message, StandardCharsets.UTF_8);
    return send(HttpRequest.newBuilder(uri(query)).GET());
  }

  /** A Connect unary POST in JSON. */
  private HttpResponse<String> post(String message) throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(uri(""))
            .header("content-type", "application/json")
            .header("connect-protocol-version", "1")
            .POST(HttpRequest.BodyPublishers.ofString(message)));
  }

  private URI uri(String query) {
    return URI.create("http://127.0.0.1:" + servers.nginx().port() + METHOD_PATH + query);
  }

  private HttpResponse<String> send(HttpRequest.Builder request)
      throws IOException, InterruptedException {
    return http.send(
        request.timeout(REQUEST_TIMEOUT).build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  @AfterAll
  void stop() {
    http.close();
    servers.close();
  }
}
