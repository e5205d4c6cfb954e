package dev.trunk.internal.netty;

import dev.trunk.Status;
import dev.trunk.internal.InboundBudget;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An exchange on an HTTP/1.1 connection: the response head as an HTTP/1.1 status line and headers,
 * the body with its Content-Length when the protocol knows it, chunked otherwise. HTTP/1.1 has no
 * stream reset, so a reset closes the connection.
 */
final class Http1Exchange extends ServerExchange {
  private final Http1ServerHandler handler;
  private final InboundBudget budget;
  private boolean responseEnded;

  Http1Exchange(
      WireProtocol protocol,
      Http1ServerHandler handler,
      ChannelHandlerContext ctx,
      InboundBudget budget) {
    super(protocol, ctx);
    this.handler = handler;
    this.budget = budget;
  }

  @Override
  boolean isOpen() {
    return !responseEnded && ctx.channel().isActive();
  }

  @Override
  boolean isHttp2() {
    return false;
  }

  @Override
  void sendHead(Http2Headers head, boolean endOfStream) {
    DefaultHttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status(head));
    HttpHeaders headers = response.headers();
    for (Map.Entry<CharSequence, CharSequence> header : head) {
      CharSequence name = header.getKey();
      if (name.length() > 0 && name.charAt(0) != ':') {
        headers.add(name, header.getValue());
      }
    }
    if (endOfStream && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
      headers.set(HttpHeaderNames.CONTENT_LENGTH, 0);
    } else if (!headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
      headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    ctx.write(response, ctx.voidPromise());
    if (endOfStream) {
      end(LastHttpContent.EMPTY_LAST_CONTENT, null);
    }
  }

  private static HttpResponseStatus status(Http2Headers head) {
    CharSequence status = head.status();
    return status == null ? HttpResponseStatus.OK : HttpResponseStatus.parseLine(status);
  }

  @Override
  void writeBody(ByteBuf data, boolean endOfStream, @Nullable Runnable onWritten) {
    if (endOfStream) {
      end(new DefaultLastHttpContent(data), onWritten);
      return;
    }
    ChannelPromise promise = ctx.newPromise();
    if (onWritten != null) {
      promise.addListener(done -> onWritten.run());
    }
    ctx.write(new DefaultHttpContent(data), promise);
  }

  private void end(LastHttpContent last, @Nullable Runnable onWritten) {
    responseEnded = true;
    ChannelPromise promise = ctx.newPromise();
    if (onWritten != null) {
      promise.addListener(done -> onWritten.run());
    }
    ctx.write(last, promise);
    handler.onResponseEnd(this);
  }

  /** HTTP/1.1 carries no trailers for the protocols it serves; the gRPC protocol refuses it. */
  @Override
  void writeTrailers(Http2Headers trailers) {
    throw new IllegalStateException("HTTP/1.1 responses carry no trailers here");
  }

  @Override
  void runOnEventLoop(Runnable task) {
    if (ctx.executor().inEventLoop()) {
      task.run();
      ctx.flush();
      return;
    }
    ctx.executor()
        .execute(
            () -> {
              task.run();
              ctx.flush();
            });
  }

  // ---- ServerTransportStream ------------------------------------------------------------------

  @Override
  public void dispatch(Runnable handlerStart) {
    handlerStart.run();
  }

  @Override
  public void reset(Status reason) {
    runOnEventLoop(
        () -> {
          if (!responseEnded) {
            responseEnded = true;
            ctx.close(); // HTTP/1.1's only way to abort a response
          }
        });
  }

  @Override
  public void returnCredit() {
    runOnEventLoop(handler::resumeReading);
  }

  @Override
  public InboundBudget inboundBudget() {
    return budget;
  }
}
