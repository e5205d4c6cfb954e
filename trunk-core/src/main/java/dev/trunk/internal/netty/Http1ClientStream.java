package dev.trunk.internal.netty;

import dev.trunk.EventListener.AbortReason;
import dev.trunk.Metadata;
import dev.trunk.Status;
import dev.trunk.internal.InboundBudget;
import dev.trunk.internal.client.ClientStreamListener;
import dev.trunk.internal.client.ClientTransportStream;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One call attempt as one HTTP/1.1 exchange on a connection of its own: the request head, then the
 * body (a unary request with its length, else chunked), then the response, passed through the
 * call's {@link ClientWireProtocol}. Operations from other threads run on the connection's event
 * loop, in order; before the stream has one (while it waits in its transport's queue for a
 * connection) they wait, and a reset takes it out of the queue.
 */
final class Http1ClientStream implements ClientTransportStream, ClientWireProtocol.Events {
  /** The exchange in progress on a connection. */
  static final AttributeKey<Http1ClientStream> EXCHANGE =
      AttributeKey.valueOf(Http1ClientStream.class, "exchange");

  /** Connection-specific headers (RFC 9110 section 7.6.1), never metadata. */
  private static final Set<String> HOP_BY_HOP =
      Set.of("connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade");

  private final Http1ClientTransport transport;
  private final ClientWireProtocol web;
  private final Http2Headers headers;
  private final ClientStreamListener listener;
  private final InboundBudget budget;
  private @Nullable ByteBuf first;
  private final boolean firstEnd;
  private @Nullable EventLoop eventLoop; // guarded by this
  private final ArrayDeque<Runnable> beforeBind = new ArrayDeque<>(); // guarded by this

  // Event loop only.
  private @Nullable Channel channel;
  private final ArrayDeque<Runnable> pending = new ArrayDeque<>();
  private boolean requestEnded;
  private boolean keepAlive = true;
  private boolean failed;
  private boolean closed;

  /** A stream whose first message ({@code first}, gRPC-framed) the protocol adapts at the start. */
  Http1ClientStream(
      Http1ClientTransport transport,
      ClientWireProtocol web,
      Http2Headers headers,
      @Nullable ByteBuf first,
      boolean firstEnd,
      ClientStreamListener listener,
      InboundBudget budget) {
    this.transport = transport;
    this.web = web;
    this.headers = headers;
    this.first = first;
    this.firstEnd = firstEnd;
    this.listener = listener;
    this.budget = budget;
  }

  /** The event loop every operation of the stream runs on, from now on and those that waited. */
  synchronized void bind(EventLoop loop) {
    eventLoop = loop;
    Runnable task;
    while ((task = beforeBind.poll()) != null) {
      loop.execute(task);
    }
  }

  private void onEventLoop(Runnable task) {
    EventLoop loop;
    synchronized (this) {
      loop = eventLoop;
      if (loop == null) {
        beforeBind.add(task);
        return;
      }
    }
    loop.execute(task);
  }

  // ---- requests (event loop) ----------------------------------------------------------------

  /** The connection is ready: sends the request head and what was written meanwhile. */
  void start(Channel connection) {
    if (closed) {
      discard(first);
      first = null;
      connection.close(); // cancelled while connecting: the transport dials for the next call
      return;
    }
    ByteBuf message = web.outbound(first, listener);
    first = null;
    channel = connection;
    connection.attr(EXCHANGE).set(this);
    connection.config().setAutoRead(true);
    if (firstEnd) {
      // The whole request is known: one message with its length, as servers expect for unary.
      ByteBuf body = message == null ? connection.alloc().buffer(0) : message;
      HttpMethod verb = HttpMethod.valueOf(Objects.requireNonNull(headers.method()).toString());
      HttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, verb, path(), body);
      copyHeaders(request.headers());
      if (!verb.equals(HttpMethod.GET)) {
        HttpUtil.setContentLength(request, body.readableBytes()); // a GET has no body to measure
      }
      requestEnded = true;
      int size = body.readableBytes();
      connection.writeAndFlush(request).addListener(f -> written(message == null ? 0 : size));
    } else {
      HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path());
      copyHeaders(request.headers());
      HttpUtil.setTransferEncodingChunked(request, true);
      connection.write(request);
      writeNow(message, false);
    }
    Runnable task;
    while ((task = pending.poll()) != null) {
      task.run();
    }
  }

  private void written(int size) {
    if (size > 0) {
      listener.onWritten(size);
    }
  }

  private String path() {
    return Objects.requireNonNull(headers.path(), ":path").toString();
  }

  private void copyHeaders(HttpHeaders out) {
    out.set(HttpHeaderNames.HOST, Objects.requireNonNull(headers.authority(), ":authority"));
    for (Map.Entry<CharSequence, CharSequence> header : headers) {
      CharSequence name = header.getKey();
      if (name.length() > 0 && name.charAt(0) != ':') {
        out.add(name, header.getValue());
      }
    }
  }

  @Override
  public void write(@Nullable ByteBuf message, boolean endOfStream) {
    ByteBuf adapted = web.outbound(message, listener);
    onEventLoop(
        () -> {
          if (channel == null && !closed) {
            pending.add(() -> writeNow(adapted, endOfStream));
          } else {
            writeNow(adapted, endOfStream);
          }
        });
  }

  private void writeNow(@Nullable ByteBuf message, boolean end) {
    Channel connection = channel;
    if (closed || requestEnded || connection == null) {
      discard(message);
      return;
    }
    if (message != null) {
      int size = message.readableBytes();
      connection.write(new DefaultHttpContent(message)).addListener(f -> written(size));
    }
    if (end) {
      requestEnded = true;
      connection.write(LastHttpContent.EMPTY_LAST_CONTENT);
    }
    connection.flush();
  }

  private void discard(@Nullable ByteBuf message) {
    if (message != null) {
      int size = message.readableBytes();
      message.release();
      written(size);
    }
  }

  @Override
  public void reset(Status reason) {
    if (transport.leaveQueue(this)) {
      bind(EventLoops.clientGroup().next()); // it never had a connection: ends on any event loop
    }
    onEventLoop(() -> end(reason, new Metadata(), true));
  }

  @Override
  public void returnCredit() {
    onEventLoop(
        () -> {
          Channel connection = channel;
          if (connection != null && !closed) {
            connection.config().setAutoRead(true);
          }
        });
  }

  /** The connection could not be made. Any thread. */
  void connectFailed(Status status) {
    onEventLoop(() -> end(status, new Metadata(), false));
  }

  /** The connection closed or failed during the exchange. */
  void lost(Status status) {
    abort(AbortReason.CONNECTION_CLOSED);
    end(status, new Metadata(), false);
  }

  /** Tells the call why its stream is about to end abnormally, unless it has ended. */
  private void abort(AbortReason reason) {
    if (!closed) {
      listener.onAborted(reason);
    }
  }

  /** Ends the call once; {@code closeConnection} drops the connection (it cannot be reused). */
  private void end(Status status, Metadata trailers, boolean closeConnection) {
    if (closeConnection) {
      failed = true;
      Channel connection = channel;
      if (connection != null) {
        connection.attr(EXCHANGE).set(null);
        connection.close();
      }
    }
    if (closed) {
      return;
    }
    closed = true;
    discard(first);
    first = null;
    listener.onClose(status, trailers);
  }

  // ---- response (event loop) ----------------------------------------------------------------

  /**
   * Takes one decoded response object; returns true when the exchange is over and the connection
   * may serve another (keep-alive, whole request sent, nothing failed).
   */
  boolean onResponse(Object msg) {
    try {
      if (msg instanceof HttpResponse response) {
        if (response.decoderResult().isFailure()) {
          abort(AbortReason.PROTOCOL_ERROR);
          end(
              Status.INTERNAL.withDescription(
                  "malformed HTTP/1.1 response: " + response.decoderResult().cause()),
              new Metadata(),
              true);
          return false;
        }
        if (response.status().codeClass()
            == io.netty.handler.codec.http.HttpStatusClass.INFORMATIONAL) {
          return false; // 100 Continue and the like: the real response follows
        }
        keepAlive = HttpUtil.isKeepAlive(response);
        web.onHead(toHttp2(response), false, this);
      }
      if (msg instanceof HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        boolean credit = web.onBody(content.content().retain(), last, this);
        Channel connection = channel;
        if (!credit && connection != null) {
          connection.config().setAutoRead(false);
        }
        if (last) {
          return exchangeOver();
        }
      }
      return false;
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private boolean exchangeOver() {
    end(
        Status.INTERNAL.withDescription("the response ended without a status"),
        new Metadata(),
        false);
    boolean reusable = keepAlive && requestEnded && !failed;
    Channel connection = channel;
    if (!reusable && connection != null) {
      connection.attr(EXCHANGE).set(null);
      connection.close();
    }
    return reusable;
  }

  private static Http2Headers toHttp2(HttpResponse response) {
    Http2Headers out = GrpcHeaders.newHeaders();
    out.status(AsciiString.of(Integer.toString(response.status().code())));
    for (Map.Entry<String, String> header : response.headers()) {
      String name = header.getKey().toLowerCase(Locale.ROOT);
      if (!HOP_BY_HOP.contains(name)) {
        out.add(name, header.getValue());
      }
    }
    return out;
  }

  // ---- what the protocol makes of the response ----------------------------------------------

  @Override
  public void onHeaders(Metadata metadata, @Nullable String encoding) {
    listener.onHeaders(metadata, encoding, budget);
  }

  @Override
  public boolean onData(ByteBuf data, boolean endOfStream) {
    if (closed) {
      data.release();
      return true;
    }
    return listener.onData(data, endOfStream);
  }

  @Override
  public void onEnd(Status status, Metadata trailers) {
    end(status, trailers, false);
  }

  @Override
  public void onFailure(Status status) {
    abort(AbortReason.PROTOCOL_ERROR); // a malformed or oversized response
    end(status, new Metadata(), true);
  }
}
