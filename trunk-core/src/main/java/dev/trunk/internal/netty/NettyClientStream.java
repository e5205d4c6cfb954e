package dev.trunk.internal.netty;

import dev.trunk.Status;
import dev.trunk.internal.client.ClientStreamListener;
import dev.trunk.internal.client.ClientTransportStream;
import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;

/**
 * The client side of one HTTP/2 stream. Every operation is handed to the connection's event loop,
 * in order; before the connection is ready they wait there in {@link ClientHandler}'s queue.
 * Messages sent faster than the event loop writes them leave together, as on the server.
 */
final class NettyClientStream implements ClientTransportStream {
  final ClientHandler handler;
  final ClientStreamListener listener;
  // The content-subtype a response may name: the method's response codec.
  final String codecName;

  private final Runnable writePending = this::writePending;

  // Guarded by this: messages sent and not yet taken by the event loop (see MessageBatch); at
  // most one task per stream is queued to take them.
  private final MessageBatch pendingMessages = new MessageBatch();
  private boolean pendingEnd;

  // Event loop only.
  int id = -1;
  boolean headersReceived;
  boolean closed;

  NettyClientStream(ClientHandler handler, ClientStreamListener listener, String codecName) {
    this.handler = handler;
    this.listener = listener;
    this.codecName = codecName;
  }

  @Override
  public void write(@Nullable ByteBuf message, boolean endOfStream) {
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
    ByteBuf data;
    boolean end;
    synchronized (this) {
      data = pendingMessages.take();
      end = pendingEnd;
      pendingEnd = false;
    }
    handler.writeMessage(this, data, end);
  }

  @Override
  public void reset(Status reason) {
    handler.runOnEventLoop(() -> handler.reset(this, reason));
  }

  @Override
  public void returnCredit() {
    // Later, never inline: see NettyServerStream.returnCredit.
    handler.handOver(() -> handler.returnCredit(this));
  }
}
