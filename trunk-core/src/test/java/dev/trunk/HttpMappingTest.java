package dev.trunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.StringValue;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamFrame;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A Trunk client talking to an HTTP/2 server that is not gRPC (a proxy, a load balancer, a web
 * server): HTTP statuses and RST_STREAM codes map to gRPC codes as http-grpc-status-mapping.md and
 * PROTOCOL-HTTP2.md ("Errors") say, with the HTTP status in the description.
 */
class HttpMappingTest {
  private static final String SERVICE = "http.Test";

  private static MultiThreadIoEventLoopGroup group;
  private static io.netty.channel.Channel listener;
  private static Channel channel;

  /** Answers {@code /http.Test/<what>}: Status404, Rst7, WrongType, Grpc (a real gRPC answer). */
  private static final class PlainHttpHandler
      extends SimpleChannelInboundHandler<Http2StreamFrame> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame frame) {
      if (!(frame instanceof Http2HeadersFrame headers) || headers.headers().path() == null) {
        return;
      }
      String path = headers.headers().path().toString();
      String what = path.substring(path.lastIndexOf('/') + 1);
      Http2FrameStream stream = frame.stream();
      if (what.startsWith("Rst")) {
        long code = Long.parseLong(what.substring(3));
        ctx.writeAndFlush(new DefaultHttp2ResetFrame(code).stream(stream));
        return;
      }
      if (what.startsWith("GrpcStatus")) {
        // A non-200 answer that carries a grpc-status, in one block.
        Http2Headers refusal =
            new DefaultHttp2Headers()
                .status(what.substring("GrpcStatus".length()))
                .set("content-type", "application/grpc")
                .set("grpc-status", "12")
                .set("grpc-message", "no such codec");
        ctx.writeAndFlush(new DefaultHttp2HeadersFrame(refusal, true).stream(stream));
        return;
      }
      if (what.equals("Informational") || what.startsWith("Subtype")) {
        // 103 Early Hints, then a normal gRPC response (RFC 9113 section 8.1: 1xx may precede it).
        if (what.equals("Informational")) {
          ctx.write(
              new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("103")).stream(stream));
        }
        String contentType =
            what.startsWith("Subtype")
                ? "application/grpc+" + what.substring("Subtype".length())
                : "application/grpc";
        Http2Headers ok = new DefaultHttp2Headers().status("200").set("content-type", contentType);
        ctx.write(new DefaultHttp2HeadersFrame(ok).stream(stream));
        byte[] body = StringValue.of("after hints").toByteArray();
        ctx.write(
            new DefaultHttp2DataFrame(
                    ctx.alloc().buffer().writeByte(0).writeInt(body.length).writeBytes(body))
                .stream(stream));
        ctx.writeAndFlush(
            new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().set("grpc-status", "0"), true)
                .stream(stream));
        return;
      }
      String status = what.startsWith("Status") ? what.substring(6) : "200";
      String contentType = what.equals("WrongType") ? "text/html; charset=utf-8" : "text/plain";
      Http2Headers response =
          new DefaultHttp2Headers().status(status).set("content-type", contentType);
      ctx.write(new DefaultHttp2HeadersFrame(response).stream(stream));
      ctx.writeAndFlush(
          new DefaultHttp2DataFrame(
                  ByteBufUtil.writeUtf8(ctx.alloc(), "<html>not a gRPC server</html>"), true)
              .stream(stream));
    }
  }

  @BeforeAll
  static void startPlainHttp2Server() {
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    listener =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(
                            Http2FrameCodecBuilder.forServer().build(), new PlainHttpHandler());
                  }
                })
            .bind("127.0.0.1", 0)
            .syncUninterruptibly()
            .channel();
    int port = ((InetSocketAddress) listener.localAddress()).getPort();
    channel = Channel.forAddress("127.0.0.1", port).build();
  }

  @AfterAll
  static void stop() {
    channel.shutdownNow();
    listener.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static MethodDescriptor<StringValue, StringValue> method(String name) {
    return MethodDescriptor.of(
        SERVICE, name, MethodDescriptor.Type.UNARY, TestService.STRING, TestService.STRING);
  }

  private static StatusException callFailure(String name) {
    Throwable thrown =
        org.assertj.core.api.Assertions.catchThrowable(
            () -> channel.unaryCall(method(name), StringValue.of("x"), CallOptions.DEFAULT));
    assertThat(thrown).isInstanceOf(StatusException.class);
    return (StatusException) thrown;
  }

  @ParameterizedTest(name = "HTTP {0} is {1}")
  @CsvSource({
    "400, INTERNAL",
    "401, UNAUTHENTICATED",
    "403, PERMISSION_DENIED",
    "404, UNIMPLEMENTED",
    "429, UNAVAILABLE",
    "502, UNAVAILABLE",
    "503, UNAVAILABLE",
    "504, UNAVAILABLE",
    "500, UNKNOWN",
    "418, UNKNOWN"
  })
  void httpErrorStatusesMapToTheSpecsGrpcCodesWithTheHttpStatusInTheMessage(
      int httpStatus, Status.Code expected) {
    StatusException failure = callFailure("Status" + httpStatus);
    assertThat(failure.status().code()).isEqualTo(expected);
    assertThat(failure.status().description()).contains(Integer.toString(httpStatus));
  }

  @Test
  void aStreamingCallSeesTheSameMappingAndTheChannelKeepsWorking() {
    MethodDescriptor<StringValue, StringValue> streaming =
        MethodDescriptor.of(
            SERVICE,
            "Status503",
            MethodDescriptor.Type.SERVER_STREAMING,
            TestService.STRING,
            TestService.STRING);
    for (int i = 0; i < 3; i++) {
      try (ResponseStream<StringValue> call =
          channel.serverStreamingCall(streaming, StringValue.of("x"), CallOptions.DEFAULT)) {
        assertThatThrownBy(call::receive)
            .isInstanceOfSatisfying(
                StatusException.class,
                e -> {
                  assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE);
                  assertThat(e.status().description()).contains("503");
                });
      }
    }
  }

  @Test
  void okStatusWithANonGrpcContentTypeIsUnknownAndNamesTheContentType() {
    StatusException failure = callFailure("WrongType");
    assertThat(failure.status().code()).isEqualTo(Status.Code.UNKNOWN);
    assertThat(failure.status().description()).contains("text/html");
  }

  @Test
  void informationalHeadersBeforeTheResponseAreSkipped() {
    assertThat(channel.unaryCall(method("Informational"), StringValue.of("x"), CallOptions.DEFAULT))
        .isEqualTo(StringValue.of("after hints"));
  }

  @ParameterizedTest(name = "RST_STREAM {0} is {1}")
  @CsvSource({
    "7, UNAVAILABLE",
    "8, CANCELLED",
    "11, RESOURCE_EXHAUSTED",
    "12, PERMISSION_DENIED",
    "0, INTERNAL",
    "1, INTERNAL",
    "2, INTERNAL",
    "3, INTERNAL",
    "9, INTERNAL",
    "13, INTERNAL"
  })
  void resetStreamCodesMapToTheSpecsGrpcCodes(long errorCode, Status.Code expected) {
    StatusException failure = callFailure("Rst" + errorCode);
    assertThat(failure.status().code()).isEqualTo(expected);
  }

  @Test
  void aNonOkResponseWithAGrpcStatusReportsThatStatusNotTheHttpTable() {
    StatusException failure = callFailure("GrpcStatus415");
    // http-grpc-status-mapping.md: the table is only for responses without grpc-status.
    assertThat(failure.status().code()).isEqualTo(Status.Code.UNIMPLEMENTED);
    assertThat(failure.status().description()).contains("no such codec").contains("415");
  }

  @Test
  void aResponseNamingTheMethodsCodecIsAccepted() {
    assertThat(channel.unaryCall(method("Subtypeproto"), StringValue.of("x"), CallOptions.DEFAULT))
        .isEqualTo(StringValue.of("after hints"));
  }

  @Test
  void aResponseNamingAnotherCodecIsUnknownAndNamesTheContentType() {
    StatusException failure = callFailure("Subtypejson");
    assertThat(failure.status().code()).isEqualTo(Status.Code.UNKNOWN);
    assertThat(failure.status().description()).contains("application/grpc+json");
  }
}
