package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * gRPC-Web and Connect on the server's one port, over HTTP/1.1 (plaintext, detected from the first
 * bytes) and HTTP/2 (TLS, chosen by ALPN), with the JDK's HTTP client as an independent peer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = TimeUnit.MINUTES) // keytool starts a JVM per certificate
class WebProtocolsTest {
  private static final String ALLOWED_ORIGIN = "https://app.example";
  private static final int MAX_MESSAGE = 64 * 1024;

  enum Http {
    HTTP_1_1,
    HTTP_2
  }

  @TempDir static Path dir;
  private Server plaintext;
  private Server tls;
  private HttpClient http1;
  private HttpClient http2;

  @BeforeAll
  void start() throws Exception {
    TestCertificates certificates = TestCertificates.create(dir);
    TestCertificates.Leaf leaf = certificates.server("server");
    plaintext = server().build().start();
    tls = server().tls(TlsConfig.builder().keyPair(leaf.chainPem(), leaf.keyPem()).build()).build();
    tls.start();
    http1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    http2 =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_2)
            .sslContext(certificates.sslContext("TLSv1.3", null))
            .build();
  }

  private static Server.Builder server() {
    return Server.builder()
        .address("127.0.0.1", 0)
        .maxInboundMessageSize(MAX_MESSAGE)
        .corsAllowedOrigins(ALLOWED_ORIGIN)
        .service(WebTestService.definition());
  }

  @AfterAll
  void stop() {
    plaintext.shutdownNow();
    tls.shutdownNow();
    http1.close();
    http2.close();
  }

  // ---- gRPC-Web ---------------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Http.class)
  void grpcWebUnaryAnswersTheMessageThenTheTrailersFrame(Http version) throws Exception {
    HttpResponse<byte[]> response =
        post(version, "Echo", "application/grpc-web+proto", frame(0, echo("hi")));

    assertThat(response.version()).isEqualTo(httpVersion(version));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type"))
        .hasValue("application/grpc-web+proto");
    List<Frame> frames = frames(response.body());
    assertThat(frames).hasSize(2);
    assertThat(StringValue.parseFrom(frames.get(0).payload).getValue()).isEqualTo("hi");
    assertThat(frames.get(1).flag).isEqualTo(0x80);
    assertThat(frames.get(1).text()).isEqualTo("grpc-status: 0\r\n");
  }

  @ParameterizedTest
  @EnumSource(Http.class)
  void grpcWebTextTakesABodyOfSeparatelyPaddedBase64PiecesAndAnswersInBase64(Http version)
      throws Exception {
    byte[] request = frame(0, echo("text mode"));
    // PROTOCOL-WEB.md allows a body made of several base64 pieces, each padded on its own.
    String body =
        base64(java.util.Arrays.copyOfRange(request, 0, 4))
            + base64(java.util.Arrays.copyOfRange(request, 4, request.length));
    assertThat(body.indexOf('=')).isLessThan(body.length() - 2); // padding in the middle

    HttpResponse<byte[]> response =
        post(
            version, "Echo", "application/grpc-web-text", body.getBytes(StandardCharsets.US_ASCII));

    assertThat(response.headers().firstValue("content-type"))
        .hasValue("application/grpc-web-text+proto");
    List<Frame> frames =
        frames(decodePieces(new String(response.body(), StandardCharsets.US_ASCII)));
    assertThat(StringValue.parseFrom(frames.get(0).payload).getValue()).isEqualTo("text mode");
    assertThat(frames.get(1).text()).contains("grpc-status: 0");
  }

  @ParameterizedTest
  @EnumSource(Http.class)
  void grpcWebServerStreamingSendsEveryMessageBeforeTheTrailers(Http version) throws Exception {
    HttpResponse<byte[]> response =
        post(version, "Count", "application/grpc-web", frame(0, Int64Value.of(3).toByteArray()));

    List<Frame> frames = frames(response.body());
    assertThat(frames).hasSize(4);
    for (int i = 0; i < 3; i++) {
      assertThat(StringValue.parseFrom(frames.get(i).payload).getValue()).isEqualTo("#" + i);
    }
    assertThat(frames.get(3).flag).isEqualTo(0x80);
  }

  @ParameterizedTest
  @EnumSource(Http.class)
  void grpcWebErrorsArriveAsStatusMessageAndTrailingMetadataInTheTrailersFrame(Http version)
      throws Exception {
    HttpResponse<byte[]> response =
        post(version, "Fail", "application/grpc-web+proto", frame(0, echo("no good")));

    assertThat(response.statusCode()).isEqualTo(200);
    String trailers = frames(response.body()).getLast().text();
    assertThat(trailers)
        .contains("grpc-status: 3\r\n")
        .contains("grpc-message: no good\r\n")
        .contains("x-reason: asked to fail\r\n");
  }

  @ParameterizedTest
  @EnumSource(Http.class)
  void grpcWebJsonUsesTheProto3JsonMapping(Http version) throws Exception {
    byte[] json = "\"in json\"".getBytes(StandardCharsets.UTF_8);
    HttpResponse<byte[]> response =
        post(version, "Echo", "application/grpc-web+json", frame(0, json));

    assertThat(response.headers().firstValue("content-type")).hasValue("application/grpc-web+json");
    assertThat(frames(response.body()).getFirst().text()).isEqualTo("\"in json\"");
  }

  @ParameterizedTest
  @EnumSource(Http.class)
  void badBase64InAGrpcWebTextBodyIsInternalWithTheOffset(Http version) throws Exception {
    HttpResponse<byte[]> response =
        post(version, "Echo", "application/grpc-web-text", "AAAA!!!!".getBytes());

    String body = new String(response.body(), StandardCharsets.US_ASCII);
    String trailers = new String(decodePieces(body), StandardCharsets.UTF_8);
    assertThat(trailers).contains("grpc-status: 13").contains("base64");
  }

  // ---- Connect ----------------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Http.class)
  void connectUnaryProtoSendsTheBareMessageBothWays(Http version) throws Exception {
    HttpResponse<byte[]> response =
        send(
            version,
            request(version, "Echo")
                .header("content-type", "application/proto")
                .header("connect-protocol-version", "1")
                .POST(HttpRequest.BodyPublishers.ofByteArray(echo("bare"))));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/proto");
    assertThat(StringValue.parseFrom(response.body()).getValue()).isEqualTo("bare");
  }

  @ParameterizedTest
  @EnumSource(Http.class)
  void connectUnaryJsonCarriesMetadataAsHeadersAndTrailersAsTrailerHeaders(Http version)
      throws Exception {
    HttpResponse<String> response =
        sendText(
            version,
            request(version, "Headers")
                .header("content-type", "application/json")
                .header("x-echo", "hello")
                .header("connect-timeout-ms", "10000")
                .POST(HttpRequest.BodyPublishers.ofString("\"x\"")));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("\"deadline\"");
    assertThat(response.headers().firstValue("x-echo")).hasValue("hello");
    assertThat(response.headers().firstValue("trailer-x-trailer")).hasValue("t");
  }

  @ParameterizedTest
  @EnumSource(Http.class)
  void connectErrorsAreJsonWithTheCodesHttpStatus(Http version) throws Exception {
    HttpResponse<String> response =
        sendText(
            version,
            request(version, "Fail")
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("\"bad request\"")));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(response.body())
        .contains("\"code\":\"invalid_argument\"")
        .contains("\"message\":\"bad request\"");
    assertThat(response.headers().firstValue("trailer-x-reason")).hasValue("asked to fail");
  }

  @ParameterizedTest
  @EnumSource(Http.class)
  void connectGetCallsASideEffectFreeMethodFromTheQuery(Http version) throws Exception {
    HttpResponse<String> response =
        sendText(
            version,
            HttpRequest.newBuilder(
                    uri(version, "Echo?connect=v1&encoding=json&message=%22from%20a%20GET%22"))
                .GET());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("\"from a GET\"");
  }

  @ParameterizedTest
  @EnumSource(Http.class)
  void connectGetOfAMethodWithSideEffectsIsRefusedWithAReason(Http version) throws Exception {
    HttpResponse<String> response =
        sendText(
            version,
            HttpRequest.newBuilder(uri(version, "Fail?connect=v1&encoding=json&message=%22x%22"))
                .GET());

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.body()).contains("unimplemented").contains("NO_SIDE_EFFECTS");
  }

  @ParameterizedTest
  @EnumSource(Http.class)
  void connectServerStreamingEndsWithTheEndOfStreamMessage(Http version) throws Exception {
    HttpResponse<byte[]> response =
        post(version, "Count", "application/connect+json", frame(0, "\"2\"".getBytes()));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/connect+json");
    List<Frame> frames = frames(response.body());
    assertThat(frames).extracting(Frame::text).containsExactly("\"#0\"", "\"#1\"", "{}");
    assertThat(frames.getLast().flag).isEqualTo(0x02);
  }

  @ParameterizedTest
  @EnumSource(Http.class)
  void connectClientStreamingTakesEveryEnvelope(Http version) throws Exception {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(frame(0, "\"AAAA\"".getBytes()));
    body.writeBytes(frame(0, "\"AAA=\"".getBytes()));
    HttpResponse<byte[]> response =
        post(version, "SumSizes", "application/connect+json", body.toByteArray());

    List<Frame> frames = frames(response.body());
    assertThat(frames).extracting(Frame::text).containsExactly("\"5\"", "{}");
  }

  @ParameterizedTest
  @EnumSource(Http.class)
  void bidiStreamingWorksOverHttp2AndIsUnimplementedOverHttp11(Http version) throws Exception {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(frame(0, "\"a\"".getBytes(StandardCharsets.UTF_8)));
    body.writeBytes(frame(0, "\"b\"".getBytes(StandardCharsets.UTF_8)));
    HttpResponse<byte[]> response =
        post(version, "Chat", "application/connect+json", body.toByteArray());

    List<Frame> frames = frames(response.body());
    if (version == Http.HTTP_2) {
      assertThat(frames).extracting(Frame::text).containsExactly("\"a\"", "\"b\"", "{}");
      return;
    }
    assertThat(frames).hasSize(1);
    assertThat(frames.getFirst().text()).contains("unimplemented").contains("needs HTTP/2");
  }

  @ParameterizedTest
  @EnumSource(Http.class)
  void anUnknownConnectProtocolVersionIsInvalidArgument(Http version) throws Exception {
    HttpResponse<String> response =
        sendText(
            version,
            request(version, "Echo")
                .header("content-type", "application/json")
                .header("connect-protocol-version", "2")
                .POST(HttpRequest.BodyPublishers.ofString("\"x\"")));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("invalid_argument").contains("connect-protocol-version");
  }

  @ParameterizedTest
  @EnumSource(Http.class)
  void malformedJsonAndUnknownFieldsAreInvalidArgumentNamingTheProblem(Http version)
      throws Exception {
    HttpResponse<String> malformed =
        sendText(
            version,
            request(version, "Echo")
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"value\": ")));
    HttpResponse<String> unknown =
        sendText(
            version,
            request(version, "Count")
                .header("content-type", "application/connect+json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(frame(0, "{\"nope\":1}".getBytes()))));

    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(malformed.body()).contains("invalid_argument");
    assertThat(unknown.body()).contains("invalid_argument").contains("nope");
  }

  @ParameterizedTest
  @EnumSource(Http.class)
  void anOversizedConnectUnaryBodyIsResourceExhausted(Http version) throws Exception {
    HttpResponse<String> response =
        sendText(
            version,
            request(version, "Echo")
                .header("content-type", "application/proto")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[MAX_MESSAGE + 1])));

    assertThat(response.statusCode()).isEqualTo(429);
    assertThat(response.body()).contains("resource_exhausted").contains("maxInboundMessageSize");
  }

  // ---- HTTP/1.1 and CORS ------------------------------------------------------------------------

  @Test
  void grpcOverHttp11IsRefusedWithAPointerToTheWebProtocols() throws Exception {
    HttpResponse<byte[]> response =
        post(Http.HTTP_1_1, "Echo", "application/grpc", frame(0, echo("x")));

    assertThat(response.statusCode()).isEqualTo(505);
    assertThat(response.headers().firstValue("grpc-status")).hasValue("13");
    assertThat(response.headers().firstValue("grpc-message").orElseThrow())
        .contains("HTTP/2")
        .contains("gRPC-Web");
  }

  @Test
  void oneHttp11ConnectionServesRequestAfterRequest() throws Exception {
    for (int i = 0; i < 5; i++) {
      HttpResponse<byte[]> response =
          post(Http.HTTP_1_1, "Echo", "application/grpc-web", frame(0, echo("n" + i)));
      assertThat(StringValue.parseFrom(frames(response.body()).getFirst().payload).getValue())
          .isEqualTo("n" + i);
    }
  }

  @Test
  void aClientExpecting100ContinueGetsItBeforeSendingTheBody() throws Exception {
    byte[] body = "\"after continue\"".getBytes(StandardCharsets.UTF_8);
    try (Socket socket = new Socket("127.0.0.1", plaintext.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /"
                  + TestService.NAME
                  + "/Echo HTTP/1.1\r\nHost: localhost\r\n"
                  + "Content-Type: application/json\r\nExpect: 100-continue\r\n"
                  + "Content-Length: "
                  + body.length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      assertThat(readHead(in)).startsWith("HTTP/1.1 100 Continue");

      out.write(body);
      out.flush();
      assertThat(readHead(in)).startsWith("HTTP/1.1 200 OK");
      assertThat(new String(in.readNBytes(body.length), StandardCharsets.UTF_8))
          .isEqualTo("\"after continue\"");
    }
  }

  @Test
  void anExpectationOtherThan100ContinueIs417() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", plaintext.port())) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              ("POST /"
                      + TestService.NAME
                      + "/Echo HTTP/1.1\r\nHost: localhost\r\n"
                      + "Content-Type: application/json\r\nExpect: teapot\r\n"
                      + "Content-Length: 2\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      assertThat(readHead(socket.getInputStream())).startsWith("HTTP/1.1 417 Expectation Failed");
    }
  }

  /** A response's status line and headers, up to the empty line. */
  private static String readHead(InputStream in) throws Exception {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.append((char) b);
    }
    return head.toString();
  }

  @ParameterizedTest
  @EnumSource(Http.class)
  void aPreflightFromAnAllowedOriginIsGrantedAndOthersAreRefused(Http version) throws Exception {
    HttpResponse<String> granted = preflight(version, ALLOWED_ORIGIN);
    HttpResponse<String> refused = preflight(version, "https://evil.example");

    assertThat(granted.statusCode()).isEqualTo(204);
    assertThat(granted.headers().firstValue("access-control-allow-origin"))
        .hasValue(ALLOWED_ORIGIN);
    assertThat(granted.headers().firstValue("access-control-allow-methods").orElseThrow())
        .contains("POST");
    assertThat(granted.headers().firstValue("access-control-allow-headers").orElseThrow())
        .contains("x-grpc-web");
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.headers().firstValue("access-control-allow-origin")).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Http.class)
  void responsesToAnAllowedOriginExposeStatusAndMetadataHeaders(Http version) throws Exception {
    HttpResponse<String> response =
        sendText(
            version,
            request(version, "Headers")
                .header("origin", ALLOWED_ORIGIN)
                .header("content-type", "application/json")
                .header("x-echo", "cors")
                .POST(HttpRequest.BodyPublishers.ofString("\"x\"")));

    assertThat(response.headers().firstValue("access-control-allow-origin"))
        .hasValue(ALLOWED_ORIGIN);
    assertThat(response.headers().firstValue("access-control-expose-headers").orElseThrow())
        .contains("grpc-status")
        .contains("grpc-message")
        .contains("x-echo")
        .contains("trailer-x-trailer");
  }

  private HttpResponse<String> preflight(Http version, String origin) throws Exception {
    return sendText(
        version,
        request(version, "Echo")
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type,x-grpc-web")
            .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private record Frame(int flag, byte[] payload) {
    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }
  }

  private static byte[] echo(String text) {
    return StringValue.of(text).toByteArray();
  }

  private static byte[] frame(int flag, byte[] payload) {
    ByteBuffer buffer = ByteBuffer.allocate(5 + payload.length);
    buffer.put((byte) flag).putInt(payload.length).put(payload);
    return buffer.array();
  }

  private static List<Frame> frames(byte[] body) {
    ByteBuffer buffer = ByteBuffer.wrap(body);
    List<Frame> frames = new ArrayList<>();
    while (buffer.hasRemaining()) {
      int flag = buffer.get() & 0xff;
      byte[] payload = new byte[buffer.getInt()];
      buffer.get(payload);
      frames.add(new Frame(flag, payload));
    }
    return frames;
  }

  private static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** Decodes base64 made of separately padded pieces, as a grpc-web-text response may be. */
  private static byte[] decodePieces(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < text.length(); i += 4) {
      out.writeBytes(Base64.getDecoder().decode(text.substring(i, i + 4)));
    }
    return out.toByteArray();
  }

  private HttpResponse<byte[]> post(Http version, String method, String contentType, byte[] body)
      throws Exception {
    return send(
        version,
        request(version, method)
            .header("content-type", contentType)
            .header("x-grpc-web", "1")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  private HttpRequest.Builder request(Http version, String method) {
    return HttpRequest.newBuilder(uri(version, method)).timeout(Duration.ofSeconds(30));
  }

  private URI uri(Http version, String methodAndQuery) {
    String base =
        version == Http.HTTP_1_1
            ? "http://127.0.0.1:" + plaintext.port()
            : "https://localhost:" + tls.port();
    return URI.create(base + "/" + TestService.NAME + "/" + methodAndQuery);
  }

  private HttpResponse<byte[]> send(Http version, HttpRequest.Builder request) throws Exception {
    return client(version).send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpResponse<String> sendText(Http version, HttpRequest.Builder request)
      throws Exception {
    return client(version).send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpClient client(Http version) {
    return version == Http.HTTP_1_1 ? http1 : http2;
  }

  private static HttpClient.Version httpVersion(Http version) {
    return version == Http.HTTP_1_1 ? HttpClient.Version.HTTP_1_1 : HttpClient.Version.HTTP_2;
  }
}
