package dev.trunk.internal.netty;

import dev.trunk.Status;
import dev.trunk.internal.client.ClientStreamListener;
import dev.trunk.internal.client.ClientTransportStream;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The client side of one HTTP/2 stream. Every operation is handed to the connection's event loop,
 * in order; before the connection is ready they wait there in {@link ClientHandler}'s queue.
 * Messages sent faster than the event loop writes them leave together, as on the server.
 *
 * <p>Until the server shows it has processed the stream (its response headers), the stream keeps
 * what it sent, up to {@link #RETRY_BUFFER_LIMIT}: a stream the server refused (REFUSED_STREAM) or
 * never processed (above a GOAWAY's last stream id) then moves, once, to another connection and is
 * sent again there (PROTOCOL-HTTP2.md, gRFC A6 "transparent retry").
 */
final class NettyClientStream implements ClientTransportStream {
  /**
   * Bytes of request messages a stream keeps for a transparent retry; a stream that sent more
   * before its response headers can no longer be retried. grpc-java's per-call retry buffer.
   */
  static final int RETRY_BUFFER_LIMIT = 1024 * 1024;

  final ClientStreamListener listener;
  // The content-subtype a response may name: the method's response codec.
  final String codecName;
  final Http2Headers headers;
  // gRPC-Web or Connect: how requests and responses are adapted; null for gRPC.
  final @Nullable ClientWireProtocol web;

  // The connection the stream lives on; replaced once if the stream is retried elsewhere.
  volatile ClientHandler handler;

  private final Runnable writePending = this::writePending;

  // Guarded by this: messages sent and not yet taken by the event loop (see MessageBatch); at
  // most one task per stream is queued to take them.
  private final MessageBatch pendingMessages = new MessageBatch();
  private boolean pendingEnd;

  // Event loop of the current handler only.
  int id = -1;
  boolean headersReceived;
  boolean closed;
  boolean retried;
  // Counted in its handler's calls waiting for a stream (see ClientHandler.tryEnterWaiting).
  boolean waiting;
  // Above the last stream id of a GOAWAY: the server never processed it.
  boolean unprocessed;
  // What was sent, while a transparent retry is still possible; null once it is not.
  private @Nullable List<ByteBuf> sent = new ArrayList<>(1);
  private int sentBytes;
  private boolean sentEnd;

  NettyClientStream(
      ClientHandler handler,
      ClientStreamListener listener,
      String codecName,
      Http2Headers headers,
      @Nullable ClientWireProtocol web) {
    this.handler = handler;
    this.web = web;
    this.listener = listener;
    this.codecName = codecName;
    this.headers = headers;
    this.waiting = true;
  }

  @Override
  public void write(@Nullable ByteBuf framed, boolean endOfStream) {
    ByteBuf message = web == null ? framed : web.outbound(framed, listener);
    synchronized (this) {
      if (message != null) {
        pendingMessages.add(message);
      }
      pendingEnd |= endOfStream;
      if (!pendingMessages.queueTask()) {
        return; // the queued task will write this too
      }
    }
    handler.runOnEventLoop(writePending);
  }

  /** Event loop: writes every message sent since the last time as one DATA write. */
  private void writePending() {
    ClientHandler current = handler;
    if (!current.eventLoop().inEventLoop()) {
      current.runOnEventLoop(writePending); // the stream moved to another connection
      return;
    }
    ByteBuf data;
    boolean end;
    synchronized (this) {
      data = pendingMessages.take();
      end = pendingEnd;
      pendingEnd = false;
    }
    current.writeMessage(this, data, end);
  }

  @Override
  public void reset(Status reason) {
    onCurrentHandler(current -> current.reset(this, reason));
  }

  @Override
  public void returnCredit() {
    // Later, never inline: see NettyServerStream.returnCredit.
    ClientHandler current = handler;
    current.handOver(() -> current.returnCredit(this));
  }

  /** Runs {@code operation} on the event loop of the stream's handler, following a move. */
  private void onCurrentHandler(Consumer<ClientHandler> operation) {
    ClientHandler current = handler;
    current.runOnEventLoop(
        () -> {
          if (handler != current) {
            onCurrentHandler(operation);
          } else {
            operation.accept(current);
          }
        });
  }

  // ---- what was sent, for a transparent retry (event loop) -----------------------------------

  /** Keeps a copy of a message about to be written, while a retry is still possible. */
  void remember(@Nullable ByteBuf message, boolean end) {
    List<ByteBuf> kept = sent;
    if (kept == null) {
      return;
    }
    if (message != null) {
      sentBytes += message.readableBytes();
      if (sentBytes > RETRY_BUFFER_LIMIT) {
        forget();
        return;
      }
      kept.add(message.retainedDuplicate());
    }
    sentEnd |= end;
  }

  /** The server has seen the stream, or it is over: no retry any more. */
  void forget() {
    List<ByteBuf> kept = sent;
    sent = null;
    if (kept != null) {
      kept.forEach(ByteBuf::release);
    }
  }

  /** Whether the stream may still move to another connection. */
  boolean mayRetry() {
    return !retried && sent != null && !closed;
  }

  /** Takes what was sent, to send it again; the stream can then not be retried again. */
  List<ByteBuf> takeSent() {
    List<ByteBuf> kept = sent;
    sent = null;
    return kept == null ? List.of() : kept;
  }

  /** Whether what was sent ended the stream (half-close). */
  boolean sentEnd() {
    return sentEnd;
  }
}
