package dev.trunk.internal.netty;

import dev.trunk.Status;
import dev.trunk.internal.InboundBudget;
import dev.trunk.internal.Log;
import dev.trunk.internal.server.MethodRegistry;
import dev.trunk.internal.server.ServerCallImpl;
import dev.trunk.internal.server.ServerConfig;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Serves gRPC-Web and Connect over one HTTP/1.1 connection: one exchange at a time, in order. A
 * request that arrives while the previous response is still going (pipelining) waits, with reading
 * paused. Runs on the connection's event loop.
 */
final class Http1ServerHandler extends ChannelDuplexHandler {
  private static final Log log = Log.of(Http1ServerHandler.class);

  /**
   * How long an HTTP/1.1 connection may sit without a request before the server closes it: the
   * HTTP/2 side has gRFC A9's max connection idle, which is off by default; browsers keep HTTP/1.1
   * connections open for minutes and reopen them at will, so a bound costs them nothing.
   */
  static final long IDLE_TIMEOUT_SECONDS = 120;

  private final ServerConfig config;
  private final MethodRegistry registry;
  private final InboundBudget budget;

  private @Nullable ChannelHandlerContext ctx;
  private @Nullable Http1Exchange exchange;
  private boolean requestEnded;
  // Requests (and their bodies) that came before the current exchange ended.
  private final ArrayDeque<HttpObject> waiting = new ArrayDeque<>();
  private boolean closeAfterResponse;

  Http1ServerHandler(ServerConfig config, MethodRegistry registry, InboundBudget serverBudget) {
    this.config = config;
    this.registry = registry;
    this.budget =
        serverBudget.child(
            "this connection (maxBufferedBytesPerConnection)",
            config.maxBufferedBytesPerConnection());
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    ctx.pipeline()
        .addBefore(
            ctx.name(), null, new IdleStateHandler(0, 0, IDLE_TIMEOUT_SECONDS, TimeUnit.SECONDS));
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof HttpObject object)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (exchange != null && requestEnded) {
      waiting.add(object);
      ctx.channel().config().setAutoRead(false);
      return;
    }
    handle(ctx, object);
  }

  private void handle(ChannelHandlerContext ctx, HttpObject object) {
    if (object instanceof HttpRequest request) {
      startExchange(ctx, request);
    }
    if (object instanceof HttpContent content) {
      onContent(content);
    }
  }

  private void startExchange(ChannelHandlerContext ctx, HttpRequest request) {
    DecoderResult result = request.decoderResult();
    if (result.isFailure()) {
      refuse(ctx, result.cause());
      return;
    }
    String expect = request.headers().get(HttpHeaderNames.EXPECT);
    if (expect != null && !HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(expect)) {
      refuseExpectation(ctx);
      return;
    }
    if (HttpUtil.is100ContinueExpected(request)) {
      // RFC 9110 section 10.1.1: a client that sent "Expect: 100-continue" (curl does above 1 MiB)
      // waits for this interim response, up to a second in curl, before it sends the body.
      ctx.write(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
      ctx.flush();
    }
    closeAfterResponse = !HttpUtil.isKeepAlive(request);
    Http2Headers headers = requestHeaders(ctx, request);
    Http1Exchange started =
        new Http1Exchange(Protocols.forRequest(headers, registry, config), this, ctx, budget);
    exchange = started;
    requestEnded = false;
    started.start(headers, false, registry, config);
  }

  /**
   * The request as HTTP/2 headers, so that the protocols read one form: the pseudo-headers from the
   * request line and Host, then the headers that are not specific to the connection.
   */
  private static Http2Headers requestHeaders(ChannelHandlerContext ctx, HttpRequest request) {
    Http2Headers headers = GrpcHeaders.newHeaders();
    headers.method(request.method().asciiName());
    headers.path(request.uri());
    headers.scheme(
        Http2Exchange.tlsOf(ctx.channel()) == null ? GrpcHeaders.HTTP : GrpcHeaders.HTTPS);
    String host = request.headers().get(HttpHeaderNames.HOST);
    if (host != null) {
      headers.authority(host);
    }
    HttpConversionUtil.toHttp2Headers(request.headers(), headers);
    return headers;
  }

  private void onContent(HttpContent content) {
    Http1Exchange current = exchange;
    boolean last = content instanceof LastHttpContent;
    if (current == null) {
      content.release(); // the rest of the body of a request already answered
      return;
    }
    if (last) {
      requestEnded = true;
    }
    if (!current.onBody(content.content().retain(), last)) {
      ctx().channel().config().setAutoRead(false);
    }
    content.release();
  }

  /** A request line or headers HTTP/1.1 could not parse: 400 (or 414, 431) and close. */
  private void refuse(ChannelHandlerContext ctx, Throwable cause) {
    HttpResponseStatus status =
        cause instanceof TooLongHttpLineException
            ? HttpResponseStatus.REQUEST_URI_TOO_LONG
            : cause.getClass().getSimpleName().contains("Header")
                ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                : HttpResponseStatus.BAD_REQUEST;
    log.debug("bad HTTP/1.1 request from {}: {}", ctx.channel().remoteAddress(), cause.toString());
    answerAndClose(ctx, status);
  }

  /** RFC 9110 section 10.1.1: an expectation other than 100-continue gets 417, and the close. */
  private static void refuseExpectation(ChannelHandlerContext ctx) {
    log.debug("HTTP/1.1 request from {} with an unsupported Expect", ctx.channel().remoteAddress());
    answerAndClose(ctx, HttpResponseStatus.EXPECTATION_FAILED);
  }

  private static void answerAndClose(ChannelHandlerContext ctx, HttpResponseStatus status) {
    DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status);
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    ctx.writeAndFlush(response).addListener(done -> ctx.close());
  }

  // ---- from the exchange ------------------------------------------------------------------

  /**
   * The current exchange's response is complete: its call is done, and the next request may start.
   * The rest of a body the response did not wait for is read and dropped.
   */
  void onResponseEnd(Http1Exchange ended) {
    if (exchange != ended) {
      return;
    }
    exchange = null;
    ended.onStreamClosed();
    ChannelHandlerContext context = ctx();
    if (closeAfterResponse) {
      // Flushed first: a close drops writes still waiting for the flush.
      context.flush();
      context.close();
      return;
    }
    HttpObject next;
    while (!(exchange != null && requestEnded) && (next = waiting.poll()) != null) {
      handle(context, next);
    }
    if (waiting.isEmpty()) {
      context.channel().config().setAutoRead(true);
      context.read();
    }
  }

  /** The exchange wants more of the request body. */
  void resumeReading() {
    ChannelHandlerContext context = ctx();
    if (waiting.isEmpty()) {
      context.channel().config().setAutoRead(true);
      context.read();
    }
  }

  private ChannelHandlerContext ctx() {
    ChannelHandlerContext context = ctx;
    if (context == null) {
      throw new IllegalStateException("not added to a pipeline");
    }
    return context;
  }

  // ---- connection events --------------------------------------------------------------------

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof IdleStateEvent && exchange == null) {
      log.debug(
          "closing the idle HTTP/1.1 connection from {} after {} s without a request",
          ctx.channel().remoteAddress(),
          IDLE_TIMEOUT_SECONDS);
      ctx.close();
      return;
    }
    super.userEventTriggered(ctx, event);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    Http1Exchange current = exchange;
    exchange = null;
    waiting.forEach(ReferenceCountUtil::release);
    waiting.clear();
    ServerCallImpl<?, ?> call = current == null ? null : current.call();
    if (call != null) {
      call.onConnectionLost(
          Status.CANCELLED.withDescription("the client closed the HTTP/1.1 connection"));
    }
    if (current != null) {
      current.onStreamClosed();
    }
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof IOException) {
      log.debug("HTTP/1.1 connection from {} failed", ctx.channel().remoteAddress(), cause);
    } else {
      log.warn(
          "HTTP/1.1 connection from {} failed; closing it", ctx.channel().remoteAddress(), cause);
    }
    ctx.close();
  }
}
