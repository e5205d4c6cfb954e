package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.StringValue;
import java.io.IOException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A Trunk client speaking Connect sends unary calls of methods marked free of side effects as GET.
 * The server whose schema marks Echo answers them; the one without a schema refuses a GET with
 * UNIMPLEMENTED ("may have side effects"), which shows what the client sent.
 */
class ConnectGetClientTest {
  private static final MethodDescriptor<StringValue, StringValue> ECHO_GET =
      TestService.ECHO.withNoSideEffects();

  private static @Nullable Server marked;
  private static @Nullable Server unmarked;

  @BeforeAll
  static void startServers() throws IOException {
    marked =
        Server.builder()
            .address("127.0.0.1", 0)
            .service(WebTestService.definition())
            .build()
            .start();
    unmarked =
        Server.builder()
            .address("127.0.0.1", 0)
            .service(new TestService().definition())
            .build()
            .start();
  }

  @AfterAll
  static void stopServers() {
    for (Server server : new Server[] {marked, unmarked}) {
      if (server != null) {
        server.shutdownNow();
      }
    }
  }

  private static Channel connect(Server server, boolean http1) {
    Channel.Builder builder =
        Channel.forAddress("127.0.0.1", server.port()).protocol(Channel.Protocol.CONNECT);
    return (http1 ? builder.http1() : builder).build();
  }

  @ParameterizedTest(name = "HTTP/1.1: {0}")
  @ValueSource(booleans = {false, true})
  void aSideEffectFreeUnaryCallIsAGetTheServerAnswers(boolean http1) {
    try (Channel channel = connect(marked, http1)) {
      for (String text : new String[] {"hi", "ünïcode & = ? /"}) {
        assertThat(channel.unaryCall(ECHO_GET, StringValue.of(text), CallOptions.DEFAULT))
            .isEqualTo(StringValue.of(text));
      }
    }
    try (Channel channel = connect(unmarked, http1)) {
      assertThatThrownBy(
              () -> channel.unaryCall(ECHO_GET, StringValue.of("hi"), CallOptions.DEFAULT))
          .isInstanceOfSatisfying(
              StatusException.class,
              e -> {
                assertThat(e.status().code()).isEqualTo(Status.Code.UNIMPLEMENTED);
                assertThat(e.status().description()).contains("cannot be called with GET");
              });
    }
  }

  @ParameterizedTest(name = "HTTP/1.1: {0}")
  @ValueSource(booleans = {false, true})
  void aCompressedGetCarriesItsCompressionInTheQuery(boolean http1) {
    CallOptions gzip = CallOptions.DEFAULT.withCompression("gzip");
    String text = "compress me ".repeat(20);
    try (Channel channel = connect(marked, http1)) {
      assertThat(channel.unaryCall(ECHO_GET, StringValue.of(text), gzip).getValue())
          .isEqualTo(text);
    }
    try (Channel channel = connect(unmarked, http1)) {
      assertThatThrownBy(() -> channel.unaryCall(ECHO_GET, StringValue.of(text), gzip))
          .isInstanceOfSatisfying(
              StatusException.class,
              e -> assertThat(e.status().code()).isEqualTo(Status.Code.UNIMPLEMENTED));
    }
  }

  @ParameterizedTest(name = "HTTP/1.1: {0}")
  @ValueSource(booleans = {false, true})
  void aRequestTooLargeForTheUrlIsPosted(boolean http1) {
    String large = "x".repeat(5_000); // over the 4096-character target limit
    try (Channel channel = connect(unmarked, http1)) {
      assertThat(channel.unaryCall(ECHO_GET, StringValue.of(large), CallOptions.DEFAULT).getValue())
          .isEqualTo(large);
    }
  }

  @ParameterizedTest(name = "HTTP/1.1: {0}")
  @ValueSource(booleans = {false, true})
  void grpcWebIgnoresTheMarkAndPosts(boolean http1) {
    Channel.Builder builder =
        Channel.forAddress("127.0.0.1", unmarked.port()).protocol(Channel.Protocol.GRPC_WEB);
    try (Channel channel = (http1 ? builder.http1() : builder).build()) {
      assertThat(channel.unaryCall(ECHO_GET, StringValue.of("hi"), CallOptions.DEFAULT))
          .isEqualTo(StringValue.of("hi"));
    }
  }
}
