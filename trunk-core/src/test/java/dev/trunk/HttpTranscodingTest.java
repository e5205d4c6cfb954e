package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import dev.trunk.internal.web.TranscodingTestProto;
import dev.trunk.internal.web.TranscodingTestProto.Book;
import dev.trunk.internal.web.TranscodingTestProto.ListBooksRequest;
import dev.trunk.internal.web.TranscodingTestProto.ListBooksResponse;
import dev.trunk.internal.web.TranscodingTestProto.Shelf;
import dev.trunk.internal.web.TranscodingTestProto.ShelfRequest;
import dev.trunk.internal.web.TranscodingTestProto.UpdateBookRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * HTTP/JSON transcoding of {@code google.api.http} bindings through a real server, with the JDK's
 * HTTP client: HTTP/1.1 in cleartext and HTTP/2 over TLS (ALPN).
 */
class HttpTranscodingTest {
  private static final String SERVICE = "trunk.web.transcoding.Library";

  @TempDir static Path certificatesDir;

  private static Server plain;
  private static Server tls;
  private static HttpClient http1;
  private static HttpClient http2;

  /** One way to reach the server: its base URL and the client and HTTP version to use. */
  record Transport(String name, String base, HttpClient client, HttpClient.Version version) {
    @Override
    public String toString() {
      return name;
    }
  }

  @BeforeAll
  static void start() throws Exception {
    TestCertificates certificates = TestCertificates.create(certificatesDir);
    TestCertificates.Leaf leaf = certificates.server("server");
    plain = Server.builder().address("127.0.0.1", 0).service(library()).build().start();
    tls =
        Server.builder()
            .address("127.0.0.1", 0)
            .service(library())
            .tls(TlsConfig.builder().keyPair(leaf.chainPem(), leaf.keyPem()).build())
            .build()
            .start();
    http1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    http2 =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_2)
            .sslContext(certificates.sslContext("TLS", null))
            .build();
  }

  @AfterAll
  static void stop() {
    plain.shutdownNow();
    tls.shutdownNow();
    http1.close();
    http2.close();
  }

  static List<Transport> transports() {
    return List.of(
        new Transport(
            "HTTP/1.1", "http://127.0.0.1:" + plain.port(), http1, HttpClient.Version.HTTP_1_1),
        new Transport(
            "HTTP/2 TLS", "https://localhost:" + tls.port(), http2, HttpClient.Version.HTTP_2));
  }

  @ParameterizedTest
  @MethodSource("transports")
  void aGetWithAPathVariableCallsTheMethodAndAnswersJson(Transport transport) throws Exception {
    HttpResponse<String> response = send(transport, "GET", "/v1/shelves/7", null);

    assertThat(response.version()).isEqualTo(transport.version());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(response.body()).isEqualTo("{\"id\":\"7\",\"theme\":\"shelf 7\"}");
  }

  @ParameterizedTest
  @MethodSource("transports")
  void anAdditionalBindingReachesTheSameMethod(Transport transport) throws Exception {
    HttpResponse<String> response = send(transport, "GET", "/v1/shelf/8", null);

    assertThat(response.body()).isEqualTo("{\"id\":\"8\",\"theme\":\"shelf 8\"}");
  }

  @ParameterizedTest
  @MethodSource("transports")
  void queryParametersSetRepeatedAndNestedFields(Transport transport) throws Exception {
    HttpResponse<String> response =
        send(
            transport,
            "GET",
            "/v1/shelves/3/books?tags=sea&tags=old%20man&filter.author=Hemingway"
                + "&filter.minPages=100&page_size=2",
            null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .isEqualTo(
            "{\"books\":[{\"shelf\":\"3\",\"name\":\"page of 2\",\"tags\":[\"sea\",\"old man\"],"
                + "\"filter\":{\"author\":\"Hemingway\",\"minPages\":100}}]}");
  }

  @ParameterizedTest
  @MethodSource("transports")
  void aPostWithBodyStarTakesTheMessageFromTheBodyAndThePath(Transport transport) throws Exception {
    HttpResponse<String> response =
        send(
            transport,
            "POST",
            "/v1/shelves/4/books",
            "{\"name\":\"Ulysses\",\"author\":\"Joyce\"}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .isEqualTo("{\"shelf\":\"4\",\"name\":\"Ulysses\",\"author\":\"Joyce\"}");
  }

  @ParameterizedTest
  @MethodSource("transports")
  void aPatchWithABodyFieldPutsTheBodyInThatField(Transport transport) throws Exception {
    HttpResponse<String> response =
        send(transport, "PATCH", "/v1/shelves/1/books/2", "{\"author\":\"Woolf\"}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"name\":\"shelves/1/books/2\",\"author\":\"Woolf\"}");
  }

  @ParameterizedTest
  @MethodSource("transports")
  void aCustomVerbSelectsItsMethod(Transport transport) throws Exception {
    HttpResponse<String> response = send(transport, "POST", "/v1/shelves/5:cancel", "");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"id\":\"5\",\"theme\":\"cancelled\"}");
  }

  @ParameterizedTest
  @MethodSource("transports")
  void responseBodyAnswersOneFieldOfTheResponse(Transport transport) throws Exception {
    HttpResponse<String> response = send(transport, "GET", "/v1/shelves/6/theme", null);

    assertThat(response.body()).isEqualTo("\"shelf 6\"");
  }

  @ParameterizedTest
  @MethodSource("transports")
  void aDoubleStarVariableTakesTheRestOfThePathKeepingEncodedSlashes(Transport transport)
      throws Exception {
    HttpResponse<String> response = send(transport, "GET", "/v1/files/a/b%2Fc/d%20e", null);

    assertThat(response.body()).isEqualTo("{\"name\":\"a/b%2Fc/d e\"}");
  }

  @ParameterizedTest
  @MethodSource("transports")
  void aPathNoBindingMatchesIsNotFound(Transport transport) throws Exception {
    HttpResponse<String> response = send(transport, "GET", "/v1/nothing/here", null);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body())
        .isEqualTo(
            "{\"code\":5,\"message\":\"no google.api.http binding matches GET /v1/nothing/here\"}");
  }

  @ParameterizedTest
  @MethodSource("transports")
  void aPathValueOfTheWrongTypeIsABadRequest(Transport transport) throws Exception {
    HttpResponse<String> response = send(transport, "GET", "/v1/shelves/abc", null);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).startsWith("{\"code\":3,\"message\":\"bad path for ");
    assertThat(response.body()).contains("abc");
  }

  @ParameterizedTest
  @MethodSource("transports")
  void anUnknownQueryParameterIsABadRequestNamingIt(Transport transport) throws Exception {
    HttpResponse<String> response = send(transport, "GET", "/v1/shelves/3/books?colour=red", null);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("has no field 'colour'");
  }

  @ParameterizedTest
  @MethodSource("transports")
  void malformedJsonIsABadRequest(Transport transport) throws Exception {
    HttpResponse<String> response = send(transport, "POST", "/v1/shelves/4/books", "{\"name\":");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).startsWith("{\"code\":3,");
  }

  @ParameterizedTest
  @MethodSource("transports")
  void aFailedCallAnswersTheHttpStatusOfItsCodeWithTheStatusAsJson(Transport transport)
      throws Exception {
    HttpResponse<String> missing = send(transport, "GET", "/v1/shelves/404", null);
    HttpResponse<String> denied = send(transport, "GET", "/v1/shelves/403", null);

    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body()).isEqualTo("{\"code\":5,\"message\":\"no shelf 404\"}");
    assertThat(denied.statusCode()).isEqualTo(403);
    assertThat(denied.body())
        .isEqualTo(
            "{\"code\":7,\"message\":\"shelf 403 is locked\",\"details\":[{\"@type\":"
                + "\"type.googleapis.com/google.rpc.BadRequest\",\"value\":\""
                + java.util.Base64.getEncoder().encodeToString(badRequest().toByteArray())
                + "\"}]}");
  }

  @ParameterizedTest
  @MethodSource("transports")
  void theMethodsOwnPathStillSpeaksConnect(Transport transport) throws Exception {
    HttpResponse<String> response =
        send(transport, "POST", "/" + SERVICE + "/GetShelf", "{\"shelf\":\"9\"}");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"id\":\"9\",\"theme\":\"shelf 9\"}");
  }

  @Test
  void unknownJsonFieldsAreRefusedByDefaultAndSkippedWhenTheServerIgnoresThem() throws Exception {
    Server lenient =
        Server.builder()
            .address("127.0.0.1", 0)
            .service(library())
            .ignoreUnknownJsonFields()
            .build()
            .start();
    try {
      String body = "{\"shelf\":\"9\",\"colour\":\"red\"}";
      Transport strict = transports().getFirst();
      Transport skipping =
          new Transport(
              "HTTP/1.1", "http://127.0.0.1:" + lenient.port(), http1, HttpClient.Version.HTTP_1_1);

      HttpResponse<String> refused = send(strict, "POST", "/" + SERVICE + "/GetShelf", body);
      HttpResponse<String> skipped = send(skipping, "POST", "/" + SERVICE + "/GetShelf", body);

      assertThat(refused.statusCode()).isEqualTo(400);
      assertThat(refused.body()).contains("invalid_argument").contains("colour");
      assertThat(skipped.statusCode()).isEqualTo(200);
      assertThat(skipped.body()).isEqualTo("{\"id\":\"9\",\"theme\":\"shelf 9\"}");
    } finally {
      lenient.shutdownNow();
    }
  }

  private static HttpResponse<String> send(
      Transport transport, String method, String path, @Nullable String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(transport.base() + path))
            .timeout(Duration.ofSeconds(10))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("content-type", "application/json");
    }
    return transport.client().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static BadRequest badRequest() {
    return BadRequest.newBuilder()
        .addFieldViolations(
            BadRequest.FieldViolation.newBuilder().setField("shelf").setDescription("locked"))
        .build();
  }

  private static ServiceDefinition library() {
    return ServiceDefinition.builder(SERVICE)
        .unary(
            unary("GetShelf", ShelfRequest.getDefaultInstance(), Shelf.getDefaultInstance()),
            HttpTranscodingTest::getShelf)
        .unary(
            unary("GetShelfTheme", ShelfRequest.getDefaultInstance(), Shelf.getDefaultInstance()),
            HttpTranscodingTest::getShelf)
        .unary(
            unary(
                "ListBooks",
                ListBooksRequest.getDefaultInstance(),
                ListBooksResponse.getDefaultInstance()),
            request ->
                ListBooksResponse.newBuilder()
                    .addBooks(
                        Book.newBuilder()
                            .setShelf(request.getShelf())
                            .setName("page of " + request.getPageSize())
                            .addAllTags(request.getTagsList())
                            .setFilter(request.getFilter()))
                    .build())
        .unary(
            unary("CreateBook", Book.getDefaultInstance(), Book.getDefaultInstance()), book -> book)
        .unary(
            unary("UpdateBook", UpdateBookRequest.getDefaultInstance(), Book.getDefaultInstance()),
            request -> request.getBook().toBuilder().setName(request.getName()).build())
        .unary(
            unary("GetFile", UpdateBookRequest.getDefaultInstance(), Book.getDefaultInstance()),
            request -> Book.newBuilder().setName(request.getName()).build())
        .unary(
            unary("CancelShelf", ShelfRequest.getDefaultInstance(), Shelf.getDefaultInstance()),
            request -> Shelf.newBuilder().setId(request.getShelf()).setTheme("cancelled").build())
        .schema(TranscodingTestProto.getDescriptor())
        .build();
  }

  private static Shelf getShelf(ShelfRequest request) {
    long id = request.getShelf();
    if (id == 404) {
      throw Status.NOT_FOUND.withDescription("no shelf 404").asException();
    }
    if (id == 403) {
      throw Status.PERMISSION_DENIED
          .withDescription("shelf 403 is locked")
          .withDetails(List.of(Any.pack(badRequest())))
          .asException();
    }
    return Shelf.newBuilder().setId(id).setTheme("shelf " + id).build();
  }

  private static <Req extends com.google.protobuf.Message, Resp extends com.google.protobuf.Message>
      MethodDescriptor<Req, Resp> unary(String name, Req request, Resp response) {
    return MethodDescriptor.of(
        SERVICE,
        name,
        MethodDescriptor.Type.UNARY,
        Codec.protobuf(request),
        Codec.protobuf(response));
  }
}
