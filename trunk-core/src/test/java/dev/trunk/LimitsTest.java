package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.BytesValue;
import com.google.protobuf.StringValue;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Limits that protect a peer's memory: the header list size, the message size in both directions
 * and the decompressed size of a gzip message. Each is refused with a clear status and the
 * connection goes on serving other calls.
 */
class LimitsTest {
  private static final String ECHO = "/" + TestService.ECHO.fullName();
  private static final String ECHO_BYTES = "/" + TestService.ECHO_BYTES.fullName();
  private static final int REQUEST_LIMIT = 64 * 1024;

  /** A server-streaming method that answers a gzip-compressed message of {@code n} zero bytes. */
  private static final MethodDescriptor<StringValue, BytesValue> ZEROS =
      MethodDescriptor.of(
          TestService.NAME,
          "Zeros",
          MethodDescriptor.Type.UNARY,
          TestService.STRING,
          TestService.BYTES);

  /** Answers with a response header of as many bytes as the request says. */
  private static final MethodDescriptor<StringValue, StringValue> BIG_HEADERS =
      MethodDescriptor.of(
          TestService.NAME,
          "BigHeaders",
          MethodDescriptor.Type.UNARY,
          TestService.STRING,
          TestService.STRING);

  private Server server;
  private Channel channel;

  @BeforeEach
  void start() throws IOException {
    ServiceDefinition service =
        ServiceDefinition.builder(TestService.NAME)
            .unary(TestService.ECHO, request -> request)
            .unary(TestService.ECHO_BYTES, request -> request)
            .unary(
                BIG_HEADERS,
                request -> {
                  CallContext.current()
                      .responseHeaders()
                      .add("x-big", repeat('h', Integer.parseInt(request.getValue())));
                  return request;
                })
            .unary(
                ZEROS,
                request -> {
                  CallContext.current().setResponseCompression("gzip");
                  int size = Integer.parseInt(request.getValue());
                  return BytesValue.of(ByteString.copyFrom(new byte[size]));
                })
            .build();
    server =
        Server.builder()
            .address("127.0.0.1", 0)
            .service(service)
            .maxInboundMessageSize(REQUEST_LIMIT)
            .build()
            .start();
    channel = Channel.forAddress("127.0.0.1", server.port()).build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  private void assertStillServes(Channel on) {
    assertThat(on.unaryCall(TestService.ECHO, StringValue.of("ok"), CallOptions.DEFAULT))
        .isEqualTo(StringValue.of("ok"));
  }

  private static String repeat(char c, int n) {
    return String.valueOf(c).repeat(n);
  }

  @Test
  void theServerAdvertisesItsHeaderListLimit() throws Exception {
    try (FrameClient raw = new FrameClient(server.port())) {
      assertThat(raw.settings.get().maxHeaderListSize())
          .isEqualTo((long) Server.Builder.DEFAULT_MAX_HEADER_LIST_SIZE);
    }
  }

  @Test
  void requestHeadersOverTheServersLimitAreRefusedAndTheConnectionKeepsServing() throws Exception {
    try (FrameClient raw = new FrameClient(server.port())) {
      raw.settings.get();
      Http2Headers big = FrameClient.grpcHeaders(ECHO).set("x-big", repeat('a', 10_000));
      FrameClient.Stream refused = raw.open(big, false).awaitEnd();
      // Netty alone would answer a bare HTTP 431, which a gRPC client can only map to UNKNOWN.
      assertThat(refused.status()).isEqualTo("200");
      assertThat(refused.grpcStatus()).isEqualTo("8");
      assertThat(refused.grpcMessage()).contains("header").contains("8192");

      FrameClient.Stream next = raw.open(FrameClient.grpcHeaders(ECHO), false);
      raw.message(next, StringValue.of("after").toByteArray(), true);
      next.awaitEnd();
      assertThat(next.status()).isEqualTo("200");
      assertThat(next.grpcStatus()).isEqualTo("0");
    }
  }

  @Test
  void aTrunkClientSendingHeadersOverTheServersLimitGetsAClearNonRetryableStatus() {
    assertStillServes(channel); // the server's SETTINGS have arrived
    Metadata big = new Metadata().add("x-big", repeat('a', 10_000));
    assertThatThrownBy(
            () ->
                channel.unaryCall(
                    TestService.ECHO, StringValue.of("x"), CallOptions.DEFAULT.withMetadata(big)))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.status().code())
                  .isIn(Status.Code.RESOURCE_EXHAUSTED, Status.Code.INTERNAL);
              assertThat(e.status().description()).containsIgnoringCase("header");
            });
    assertStillServes(channel);
  }

  @Test
  void aFirstCallWithHeadersOverTheLimitOnAFreshChannelGetsTheSameStatus() {
    Metadata big = new Metadata().add("x-big", repeat('a', 10_000));
    try (Channel fresh = Channel.forAddress("127.0.0.1", server.port()).build()) {
      assertThatThrownBy(
              () ->
                  fresh.unaryCall(
                      TestService.ECHO, StringValue.of("x"), CallOptions.DEFAULT.withMetadata(big)))
          .isInstanceOfSatisfying(
              StatusException.class,
              e -> {
                assertThat(e.status().code())
                    .isIn(Status.Code.RESOURCE_EXHAUSTED, Status.Code.INTERNAL);
                assertThat(e.status().description()).containsIgnoringCase("header");
              });
      assertStillServes(fresh);
    }
  }

  @Test
  void responseHeadersOverTheClientsLimitFailTheCallWithAClearStatus() {
    assertThat(
            channel.unaryCall(BIG_HEADERS, StringValue.of("1000"), CallOptions.DEFAULT).getValue())
        .isEqualTo("1000");
    assertThatThrownBy(
            () -> channel.unaryCall(BIG_HEADERS, StringValue.of("10000"), CallOptions.DEFAULT))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.status().code())
                  .isIn(Status.Code.RESOURCE_EXHAUSTED, Status.Code.INTERNAL);
              assertThat(e.status().description()).containsIgnoringCase("header");
            });
    assertStillServes(channel);
  }

  @Test
  void aResponseOverTheClientsLimitIsResourceExhaustedOnTheClient() {
    try (Channel small =
        Channel.forAddress("127.0.0.1", server.port()).maxInboundMessageSize(1000).build()) {
      BytesValue big = BytesValue.of(ByteString.copyFrom(new byte[5000]));
      assertThatThrownBy(() -> small.unaryCall(TestService.ECHO_BYTES, big, CallOptions.DEFAULT))
          .isInstanceOfSatisfying(
              StatusException.class,
              e -> {
                assertThat(e.status().code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                assertThat(e.status().description()).contains("1000");
              });
      assertStillServes(small);
    }
  }

  @Test
  void aGzipBombRequestIsResourceExhaustedWithoutInflatingIt() throws Exception {
    byte[] bomb = gzipOfZeros(20 * 1024 * 1024);
    assertThat(bomb.length).isLessThan(REQUEST_LIMIT);
    try (FrameClient raw = new FrameClient(server.port())) {
      Http2Headers headers = FrameClient.grpcHeaders(ECHO_BYTES).set("grpc-encoding", "gzip");
      FrameClient.Stream stream = raw.open(headers, false);
      raw.data(stream, Unpooled.buffer().writeByte(1).writeInt(bomb.length).writeBytes(bomb), true);
      stream.awaitEnd();
      assertThat(stream.grpcStatus()).isEqualTo("8");
      assertThat(stream.grpcMessage()).contains("decompressed").contains("" + REQUEST_LIMIT);
    }
    assertStillServes(channel);
  }

  @Test
  void aGzipBombResponseIsResourceExhaustedOnTheClient() {
    try (Channel small =
        Channel.forAddress("127.0.0.1", server.port()).maxInboundMessageSize(1 << 20).build()) {
      assertThatThrownBy(
              () -> small.unaryCall(ZEROS, StringValue.of("" + (20 << 20)), CallOptions.DEFAULT))
          .isInstanceOfSatisfying(
              StatusException.class,
              e -> {
                assertThat(e.status().code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                assertThat(e.status().description()).contains("decompressed");
              });
      assertThat(small.unaryCall(ZEROS, StringValue.of("1000"), CallOptions.DEFAULT).getValue())
          .hasSize(1000);
    }
  }

  private static byte[] gzipOfZeros(int size) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] zeros = new byte[64 * 1024];
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      for (int written = 0; written < size; written += zeros.length) {
        gzip.write(zeros);
      }
    }
    return out.toByteArray();
  }
}
