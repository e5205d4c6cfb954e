package dev.trunk;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Frame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A bare HTTP/2 client for tests that must send what a well-behaved gRPC client never would: wrong
 * headers, broken framing, an abrupt disconnect.
 */
final class RawHttp2Client implements AutoCloseable {
  /** What came back on one stream. */
  record Response(Http2Headers headers, Http2Headers trailers, byte[] data, long resetCode) {
    String status() {
      return String.valueOf(headers.status());
    }

    String grpcStatus() {
      CharSequence value = trailers.get("grpc-status");
      if (value == null) {
        value = headers.get("grpc-status");
      }
      return String.valueOf(value);
    }

    String grpcMessage() {
      CharSequence value = trailers.get("grpc-message");
      if (value == null) {
        value = headers.get("grpc-message");
      }
      return String.valueOf(value);
    }
  }

  private final MultiThreadIoEventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel channel;
  private final CompletableFuture<Response> response = new CompletableFuture<>();
  private Http2Headers headers;
  private Http2Headers trailers = new DefaultHttp2Headers();
  private final ByteArrayOutputStream data = new ByteArrayOutputStream();

  RawHttp2Client(int port) {
    channel =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(
                            Http2FrameCodecBuilder.forClient().build(),
                            new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                  }
                })
            .connect("127.0.0.1", port)
            .syncUninterruptibly()
            .channel();
  }

  /** Request headers of a well-formed gRPC call to {@code path}; tests then break them. */
  static Http2Headers grpcHeaders(String path) {
    return new DefaultHttp2Headers()
        .method("POST")
        .scheme("http")
        .path(path)
        .authority("localhost")
        .add("content-type", "application/grpc")
        .add("te", "trailers");
  }

  /** A length-prefixed message: flag byte, 4-byte length, body. */
  static ByteBuf frame(int flag, int declaredLength, byte[] body) {
    ByteBuf buf = Unpooled.buffer();
    buf.writeByte(flag).writeInt(declaredLength).writeBytes(body);
    return buf;
  }

  /** Sends headers and data frames on a new stream (end of stream on the last) and waits. */
  Response call(Http2Headers requestHeaders, ByteBuf... frames) throws Exception {
    send(requestHeaders, true, frames);
    return response.get(10, TimeUnit.SECONDS);
  }

  /** Sends headers and data frames on a new stream, optionally ending it. */
  void send(Http2Headers requestHeaders, boolean end, ByteBuf... frames) {
    Http2StreamChannel stream =
        new Http2StreamChannelBootstrap(channel)
            .handler(new Collector())
            .open()
            .syncUninterruptibly()
            .getNow();
    stream.write(new DefaultHttp2HeadersFrame(requestHeaders, end && frames.length == 0));
    for (int i = 0; i < frames.length; i++) {
      boolean last = end && i == frames.length - 1;
      stream.write(new DefaultHttp2DataFrame(frames[i], last));
    }
    stream.flush();
  }

  /** Closes the TCP connection without any HTTP/2 goodbye. */
  void disconnect() {
    channel.close().syncUninterruptibly();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private final class Collector extends SimpleChannelInboundHandler<Http2Frame> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Http2Frame frame) {
      if (frame instanceof Http2HeadersFrame headersFrame) {
        if (headers == null) {
          headers = headersFrame.headers();
        } else {
          trailers = headersFrame.headers();
        }
        if (headersFrame.isEndStream()) {
          response.complete(new Response(headers, trailers, data.toByteArray(), -1));
        }
      } else if (frame instanceof Http2DataFrame dataFrame) {
        byte[] bytes = new byte[dataFrame.content().readableBytes()];
        dataFrame.content().readBytes(bytes);
        data.writeBytes(bytes);
        if (dataFrame.isEndStream()) {
          response.complete(new Response(headers, trailers, data.toByteArray(), -1));
        }
      } else if (frame instanceof Http2ResetFrame reset) {
        Http2Headers seen = headers == null ? new DefaultHttp2Headers() : headers;
        response.complete(new Response(seen, trailers, data.toByteArray(), reset.errorCode()));
      }
    }
  }
}
