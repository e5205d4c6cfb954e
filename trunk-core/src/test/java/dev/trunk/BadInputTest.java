package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.StringValue;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Requests no well-behaved client sends: each gets the spec's HTTP or gRPC status with a message a
 * person can act on, and the server goes on serving normal calls afterwards.
 */
class BadInputTest {
  private static final String ECHO = "/" + TestService.ECHO.fullName();
  private static final byte[] HELLO = StringValue.of("hello").toByteArray();

  private final TestService service = new TestService();
  private Server server;
  private Channel channel;
  private RawHttp2Client raw;

  @BeforeEach
  void start() throws Exception {
    server =
        Server.builder()
            .address("127.0.0.1", 0)
            .service(service.definition())
            .maxInboundMessageSize(1000)
            .build()
            .start();
    channel = Channel.forAddress("127.0.0.1", server.port()).build();
    raw = new RawHttp2Client(server.port());
  }

  @AfterEach
  void stillServesAndStops() {
    try {
      assertThat(channel.unaryCall(TestService.ECHO, StringValue.of("ok"), CallOptions.DEFAULT))
          .isEqualTo(StringValue.of("ok"));
    } finally {
      raw.close();
      channel.shutdownNow();
      server.shutdownNow();
    }
  }

  @Test
  void wrongContentTypeIs415() throws Exception {
    Http2Headers headers = RawHttp2Client.grpcHeaders(ECHO).set("content-type", "text/plain");
    RawHttp2Client.Response response =
        raw.call(headers, RawHttp2Client.frame(0, HELLO.length, HELLO));
    assertThat(response.status()).isEqualTo("415");
    assertThat(response.grpcMessage()).contains("text/plain");
  }

  @Test
  void aGrpcSubtypeOtherThanTheMethodsCodecIs415WithUnimplemented() throws Exception {
    Http2Headers headers =
        RawHttp2Client.grpcHeaders(ECHO).set("content-type", "application/grpc+json");
    RawHttp2Client.Response response =
        raw.call(headers, RawHttp2Client.frame(0, HELLO.length, HELLO));
    assertThat(response.status()).isEqualTo("415");
    assertThat(response.grpcStatus()).isEqualTo("12");
    assertThat(response.grpcMessage()).contains("application/grpc+json").contains("+proto");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "application/grpc",
        "application/grpc+proto",
        "application/grpc+PROTO",
        "application/grpc;charset=utf-8",
        "application/grpc+proto; charset=utf-8"
      })
  void plainGrpcOrTheMethodsCodecSubtypeIsServed(String contentType) throws Exception {
    Http2Headers headers = RawHttp2Client.grpcHeaders(ECHO).set("content-type", contentType);
    RawHttp2Client.Response response =
        raw.call(headers, RawHttp2Client.frame(0, HELLO.length, HELLO));
    assertThat(response.status()).isEqualTo("200");
    assertThat(response.grpcStatus()).isEqualTo("0");
  }

  @Test
  void methodOtherThanPostIs405() throws Exception {
    RawHttp2Client.Response response = raw.call(RawHttp2Client.grpcHeaders(ECHO).method("GET"));
    assertThat(response.status()).isEqualTo("405");
  }

  @Test
  void unknownPathIsUnimplemented() throws Exception {
    RawHttp2Client.Response response =
        raw.call(
            RawHttp2Client.grpcHeaders("/no.Such/Method"),
            RawHttp2Client.frame(0, HELLO.length, HELLO));
    assertThat(response.status()).isEqualTo("200");
    assertThat(response.grpcStatus()).isEqualTo("12");
    assertThat(response.grpcMessage()).contains("/no.Such/Method");
  }

  @Test
  void malformedTimeoutIsRefusedWithAClearMessage() throws Exception {
    Http2Headers headers = RawHttp2Client.grpcHeaders(ECHO).set("grpc-timeout", "123456789S");
    RawHttp2Client.Response response =
        raw.call(headers, RawHttp2Client.frame(0, HELLO.length, HELLO));
    assertThat(response.grpcStatus()).isEqualTo("13");
    assertThat(response.grpcMessage()).contains("grpc-timeout");
  }

  @Test
  void badBase64InABinaryHeaderIsRefused() throws Exception {
    Http2Headers headers = RawHttp2Client.grpcHeaders(ECHO).set("x-data-bin", "not*base64!");
    RawHttp2Client.Response response =
        raw.call(headers, RawHttp2Client.frame(0, HELLO.length, HELLO));
    assertThat(response.grpcStatus()).isEqualTo("13");
    assertThat(response.grpcMessage()).contains("x-data-bin");
  }

  @Test
  void unknownRequestEncodingIsUnimplementedAndListsWhatIsAccepted() throws Exception {
    Http2Headers headers = RawHttp2Client.grpcHeaders(ECHO).set("grpc-encoding", "br");
    RawHttp2Client.Response response =
        raw.call(headers, RawHttp2Client.frame(1, HELLO.length, HELLO));
    assertThat(response.grpcStatus()).isEqualTo("12");
    assertThat(String.valueOf(response.headers().get("grpc-accept-encoding"))).contains("gzip");
  }

  @Test
  void truncatedMessageIsInternal() throws Exception {
    RawHttp2Client.Response response =
        raw.call(RawHttp2Client.grpcHeaders(ECHO), RawHttp2Client.frame(0, 100, HELLO));
    assertThat(response.grpcStatus()).isEqualTo("13");
    assertThat(response.grpcMessage()).containsIgnoringCase("truncated");
  }

  @Test
  void lengthPrefixOverTheLimitIsResourceExhausted() throws Exception {
    RawHttp2Client.Response response =
        raw.call(RawHttp2Client.grpcHeaders(ECHO), RawHttp2Client.frame(0, 50_000_000, HELLO));
    assertThat(response.grpcStatus()).isEqualTo("8");
    assertThat(response.grpcMessage()).contains("1000");
  }

  @Test
  void compressedFlagWithoutEncodingIsInternal() throws Exception {
    RawHttp2Client.Response response =
        raw.call(RawHttp2Client.grpcHeaders(ECHO), RawHttp2Client.frame(1, HELLO.length, HELLO));
    assertThat(response.grpcStatus()).isEqualTo("13");
  }

  @Test
  void peerDisappearingMidCallCancelsTheHandler() throws Exception {
    raw.send(
        RawHttp2Client.grpcHeaders("/" + TestService.BLOCK.fullName()),
        true,
        RawHttp2Client.frame(0, HELLO.length, HELLO));
    assertThat(service.blockStarted.await(10, TimeUnit.SECONDS)).isTrue();
    raw.disconnect();
    assertThat(service.blockEnded.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(service.blockOutcome.get()).isNotEqualTo("timed out");
  }

  @Test
  void aMalformedFrameGetsGoAwayWithAProtocolErrorCodeAndOnlyThatConnectionCloses()
      throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      // A SETTINGS frame whose length (5) is not a multiple of 6: FRAME_SIZE_ERROR (RFC 9113 6.5).
      out.write(new byte[] {0, 0, 5, 0x4, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5});
      out.flush();
      long goAwayError = readUntilGoAway(new DataInputStream(socket.getInputStream()));
      assertThat(goAwayError).isEqualTo(0x6); // FRAME_SIZE_ERROR
    }
  }

  /** Reads frames until a GOAWAY and returns its error code. */
  private static long readUntilGoAway(DataInputStream in) throws IOException {
    while (true) {
      int length = (in.readUnsignedShort() << 8) | in.readUnsignedByte();
      int type = in.readUnsignedByte();
      in.readUnsignedByte(); // flags
      in.readInt(); // stream id
      byte[] payload = in.readNBytes(length);
      if (type == 0x7) {
        return ByteBuffer.wrap(payload, 4, 4).getInt() & 0xFFFFFFFFL;
      }
    }
  }
}
