package dev.trunk.internal.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.trunk.CallOptions;
import dev.trunk.Server;
import dev.trunk.internal.health.HealthService;
import dev.trunk.internal.health.v1.HealthCheckRequest;
import dev.trunk.internal.health.v1.HealthCheckResponse;
import dev.trunk.internal.resolver.AbstractUnixSocketAddress;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Frame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import java.io.ByteArrayOutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unix domain sockets on epoll: a Trunk server listening on a socket path answers a gRPC call from
 * a Netty client built with the connector's helpers ({@link EventLoops#clientChannelType} and
 * {@link EventLoops#toNetty}); an abstract socket connects by name; bad paths fail clearly.
 */
class UnixSocketTest {
  /** How long the test waits for the call's answer. */
  private static final long WAIT_SECONDS = 10;

  @TempDir Path dir;

  private EventLoopGroup group;

  @BeforeEach
  void needEpoll() {
    assumeTrue(EventLoops.usesEpoll(), "Unix domain sockets need Netty's native epoll transport");
    group = EventLoops.newGroup("unix-socket-test", true);
  }

  @AfterEach
  void stop() {
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @Test
  void aServerOnASocketPathAnswersAGrpcCallAndRemovesTheSocketWhenItStops() throws Exception {
    Path socket = dir.resolve("grpc.sock");
    try (Server server = Server.builder().unixSocket(socket).build().start()) {
      assertThat(server.port()).isZero();
      // grpc.health.v1.Health/Check with an empty request: the server's own health is SERVING (1).
      List<Object> answer =
          call(UnixDomainSocketAddress.of(socket), "/grpc.health.v1.Health/Check");
      assertThat(answer).hasSize(3);
      assertThat(((Http2Headers) answer.get(0)).status().toString()).isEqualTo("200");
      assertThat(answer.get(1)).isEqualTo("0000000002" + "0801");
      assertThat(((Http2Headers) answer.get(2)).get("grpc-status").toString()).isEqualTo("0");
    }
    assertThat(socket).doesNotExist();
  }

  @Test
  void aTrunkChannelToAUnixTargetCallsTheServerOnThatSocket() throws Exception {
    Path socket = dir.resolve("channel.sock");
    try (Server server = Server.builder().unixSocket(socket).build().start();
        dev.trunk.Channel channel = dev.trunk.Channel.forTarget("unix:" + socket).build()) {
      HealthCheckResponse response =
          channel.unaryCall(
              HealthService.CHECK,
              HealthCheckRequest.getDefaultInstance(),
              CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(WAIT_SECONDS)));
      assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
      assertThat(channel.authority()).isEqualTo("localhost");
      assertThat(server.port()).isZero(); // no TCP port: the call went over the socket
    }
  }

  @Test
  void aTrunkChannelToAUnixAbstractTargetCallsTheServerListeningOnThatName() throws Exception {
    String name = "trunk-channel-" + ProcessHandle.current().pid();
    try (Server server = Server.builder().unixAbstractSocket(name).build().start();
        dev.trunk.Channel channel = dev.trunk.Channel.forTarget("unix-abstract:" + name).build()) {
      HealthCheckResponse response =
          channel.unaryCall(
              HealthService.CHECK,
              HealthCheckRequest.getDefaultInstance(),
              CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(WAIT_SECONDS)));
      assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
      assertThat(server.port()).isZero();
    }
    assertThatThrownBy(() -> Server.builder().unixAbstractSocket("bad\0name"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the name contains a NUL");
  }

  @Test
  void anExistingFileThatIsNotASocketIsNeverReplaced() throws Exception {
    Path file = Files.writeString(dir.resolve("keep.txt"), "keep");
    Server server = Server.builder().unixSocket(file).build();
    assertThatThrownBy(server::start)
        .isInstanceOf(BindException.class)
        .hasMessage(
            "cannot listen on Unix domain socket "
                + file
                + ": a file that is not a socket exists there; remove it or choose another path");
    assertThat(file).hasContent("keep");
  }

  @Test
  void aMissingDirectoryFailsTheStartNamingTheFix() {
    Path socket = dir.resolve("missing/grpc.sock");
    Server server = Server.builder().unixSocket(socket).build();
    assertThatThrownBy(server::start)
        .isInstanceOf(BindException.class)
        .hasMessageStartingWith("cannot listen on Unix domain socket " + socket)
        .hasMessageEndingWith(": the socket's directory does not exist; create it first");
  }

  @Test
  void anAbstractSocketConnectsByNameWithoutAFile() throws Exception {
    AbstractUnixSocketAddress address =
        new AbstractUnixSocketAddress("trunk-test-" + ProcessHandle.current().pid());
    assertThat(((DomainSocketAddress) EventLoops.toNetty(address)).path())
        .isEqualTo("\0" + address.name());
    Channel echo =
        new ServerBootstrap()
            .group(group)
            .channel(EventLoops.serverChannelType(address))
            .childHandler(
                new ChannelInboundHandlerAdapter() {
                  @Override
                  public void channelRead(ChannelHandlerContext context, Object message) {
                    context.writeAndFlush(message);
                  }
                })
            .bind(EventLoops.toNetty(address))
            .syncUninterruptibly()
            .channel();
    try {
      CompletableFuture<String> echoed = new CompletableFuture<>();
      Channel client =
          connect(
              address,
              new SimpleChannelInboundHandler<ByteBuf>() {
                @Override
                protected void channelRead0(ChannelHandlerContext context, ByteBuf bytes) {
                  echoed.complete(bytes.toString(StandardCharsets.US_ASCII));
                }
              });
      client.writeAndFlush(Unpooled.copiedBuffer("ping", StandardCharsets.US_ASCII));
      assertThat(echoed.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("ping");
      client.close().syncUninterruptibly();
    } finally {
      echo.close().syncUninterruptibly();
    }
  }

  @Test
  void tcpAddressesAreUnchangedAndOtherAddressesRefused() {
    InetSocketAddress tcp = InetSocketAddress.createUnresolved("backend.invalid", 50051);
    assertThat(EventLoops.toNetty(tcp)).isSameAs(tcp);
    assertThat(EventLoops.clientChannelType(tcp)).isEqualTo(EventLoops.channelType());
    SocketAddress other = new SocketAddress() {};
    assertThatThrownBy(() -> EventLoops.clientChannelType(other))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected an InetSocketAddress, a UnixDomainSocketAddress or an");
  }

  /** The response headers, the data (hex) and the trailers of one unary call with no payload. */
  private List<Object> call(SocketAddress address, String path) throws Exception {
    CompletableFuture<List<Object>> answer = new CompletableFuture<>();
    Channel connection =
        connect(
            address,
            new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel channel) {
                channel
                    .pipeline()
                    .addLast(
                        Http2FrameCodecBuilder.forClient().build(),
                        new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
              }
            });
    try {
      Http2StreamChannel stream =
          new Http2StreamChannelBootstrap(connection)
              .handler(new Collector(answer))
              .open()
              .syncUninterruptibly()
              .getNow();
      Http2Headers headers =
          new DefaultHttp2Headers()
              .method("POST")
              .scheme("http")
              .path(path)
              .authority("localhost")
              .add("content-type", "application/grpc")
              .add("te", "trailers");
      stream.write(new DefaultHttp2HeadersFrame(headers, false));
      stream.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(new byte[5]), true));
      return answer.get(WAIT_SECONDS, TimeUnit.SECONDS);
    } finally {
      connection.close().syncUninterruptibly();
    }
  }

  private Channel connect(SocketAddress address, io.netty.channel.ChannelHandler handler) {
    return new Bootstrap()
        .group(group)
        .channel(EventLoops.clientChannelType(address))
        .handler(handler)
        .connect(EventLoops.toNetty(address))
        .syncUninterruptibly()
        .channel();
  }

  /** Collects one stream's headers, data and trailers. */
  private static final class Collector extends SimpleChannelInboundHandler<Http2Frame> {
    private final CompletableFuture<List<Object>> answer;
    private final List<Object> parts = new ArrayList<>();
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();

    Collector(CompletableFuture<List<Object>> answer) {
      this.answer = answer;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext context, Http2Frame frame) {
      if (frame instanceof Http2DataFrame dataFrame) {
        data.writeBytes(ByteBufUtil.getBytes(dataFrame.content()));
      } else if (frame instanceof Http2HeadersFrame headersFrame) {
        if (!parts.isEmpty()) {
          parts.add(ByteBufUtil.hexDump(data.toByteArray()));
        }
        parts.add(headersFrame.headers());
        if (headersFrame.isEndStream()) {
          answer.complete(parts);
        }
      }
    }
  }
}
