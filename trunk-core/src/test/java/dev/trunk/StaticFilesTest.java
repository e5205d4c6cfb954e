package dev.trunk;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.StringValue;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaticFilesTest {
  @TempDir Path dir;
  @TempDir Path outside;

  private Server server;
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void start() throws Exception {
    Files.writeString(dir.resolve("index.html"), "<h1>home</h1>");
    Files.writeString(dir.resolve("app.js"), "console.log(1);");
    Files.createDirectories(dir.resolve("img"));
    Files.write(dir.resolve("img/logo.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
    Files.writeString(dir.resolve(".secret"), "hidden");
    Files.writeString(outside.resolve("passwd"), "root");
    Files.createSymbolicLink(dir.resolve("escape.txt"), outside.resolve("passwd"));
    server =
        Server.builder()
            .address("127.0.0.1", 0)
            .service(new TestService().definition())
            .staticFiles("/", dir)
            .build()
            .start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aFileIsServedOverHttp1WithTheContentTypeOfItsExtension() throws Exception {
    HttpResponse<byte[]> response = get("/img/logo.png");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("image/png");
    assertThat(response.body()).containsExactly(0x89, 'P', 'N', 'G');
  }

  @Test
  void theDirectoryIsServedAsItsIndexPage() throws Exception {
    HttpResponse<byte[]> response = get("/");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
    assertThat(new String(response.body(), UTF_8)).isEqualTo("<h1>home</h1>");
  }

  @Test
  void aFileIsServedOverHttp2() throws Exception {
    try (RawHttp2Client client = new RawHttp2Client(server.port())) {
      RawHttp2Client.Response response = client.call(get2("/app.js"));

      assertThat(response.status()).isEqualTo("200");
      assertThat(response.headers().get("content-type"))
          .hasToString("text/javascript; charset=utf-8");
      assertThat(new String(response.data(), UTF_8)).isEqualTo("console.log(1);");
    }
  }

  @Test
  void aMissingFileIsNotFoundOverHttp2() throws Exception {
    try (RawHttp2Client client = new RawHttp2Client(server.port())) {
      RawHttp2Client.Response response = client.call(get2("/nothing.css"));

      assertThat(response.status()).isEqualTo("404");
      assertThat(new String(response.data(), UTF_8)).contains("no file at '/nothing.css'");
    }
  }

  @Test
  void aMissingFileIsNotFound() throws Exception {
    HttpResponse<byte[]> response = get("/img/nothing.png");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(new String(response.body(), UTF_8)).contains("no file at '/img/nothing.png'");
  }

  @Test
  void hiddenFilesAndDirectoriesWithoutAnIndexAreNotFound() throws Exception {
    assertThat(get("/.secret").statusCode()).isEqualTo(404);
    assertThat(get("/img/").statusCode()).isEqualTo(404);
  }

  @Test
  void aSymbolicLinkLeadingOutOfTheDirectoryIsNotFound() throws Exception {
    assertThat(get("/escape.txt").statusCode()).isEqualTo(404);
  }

  @Test
  void aDotDotSegmentIsABadRequestSayingWhy() throws Exception {
    String response = rawHttp1("GET /img/../../" + outside.getFileName() + "/passwd HTTP/1.1");

    assertThat(response)
        .startsWith("HTTP/1.1 400")
        .contains("has a '..' segment")
        .doesNotContain("root");
  }

  @Test
  void anEncodedSlashCannotLeaveTheDirectory() throws Exception {
    String response =
        rawHttp1("GET /img%2F..%2F..%2F" + outside.getFileName() + "%2Fpasswd HTTP/1.1");

    assertThat(response).startsWith("HTTP/1.1 404").doesNotContain("root");
  }

  @Test
  void aHeadRequestHasTheLengthButNoBody() throws Exception {
    HttpResponse<byte[]> response =
        http.send(
            HttpRequest.newBuilder(uri("/app.js"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-length")).hasValue("15");
    assertThat(response.body()).isEmpty();
  }

  @Test
  void aConnectGetUnderThePrefixStillReachesConnect() throws Exception {
    HttpResponse<byte[]> response = get("/trunk.test.TestService/Nothing?encoding=proto&message=");

    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(new String(response.body(), UTF_8)).contains("\"code\":\"unimplemented\"");
  }

  @Test
  void gRpcCallsStillWorkWhenTheWholePathSpaceServesFiles() throws Exception {
    try (Channel channel = Channel.forTarget("127.0.0.1:" + server.port()).plaintext().build()) {
      StringValue reply =
          channel.unaryCall(TestService.ECHO, StringValue.of("hi"), CallOptions.DEFAULT);

      assertThat(reply.getValue()).isEqualTo("hi");
    }
  }

  @Test
  void aPrefixMustStartWithASlashAndTheDirectoryMustExist() {
    assertThatThrownBy(() -> Server.builder().staticFiles("web", dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must start with '/'");
    assertThatThrownBy(() -> Server.builder().staticFiles("/web", dir.resolve("missing")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("missing");
  }

  private HttpResponse<byte[]> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  private Http2Headers get2(String path) {
    return new DefaultHttp2Headers().method("GET").scheme("http").path(path).authority("localhost");
  }

  /** One HTTP/1.1 request line sent as is (clients would normalise it), and the whole answer. */
  private String rawHttp1(String requestLine) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      OutputStream out = socket.getOutputStream();
      out.write((requestLine + "\r\nHost: localhost\r\nConnection: close\r\n\r\n").getBytes(UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), UTF_8);
    }
  }
}
