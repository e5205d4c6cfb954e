package dev.trunk.internal.netty;

import dev.trunk.Status;
import dev.trunk.internal.client.ClientStreamListener;
import dev.trunk.internal.client.ClientTransportStream;
import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;

/**
 * The client side of one HTTP/2 stream. Every operation is handed to the connection's event loop,
 * in order; before the connection is ready they wait there in {@link ClientHandler}'s queue.
 */
final class NettyClientStream implements ClientTransportStream {
  final ClientHandler handler;
  final ClientStreamListener listener;

  // Event loop only.
  int id = -1;
  boolean headersReceived;
  boolean closed;

  NettyClientStream(ClientHandler handler, ClientStreamListener listener) {
    this.handler = handler;
    this.listener = listener;
  }

  @Override
  public void write(@Nullable ByteBuf message, boolean endOfStream) {
    handler.submit(() -> handler.writeMessage(this, message, endOfStream));
  }

  @Override
  public void reset(Status reason) {
    handler.submit(() -> handler.reset(this, reason));
  }

  @Override
  public void returnCredit() {
    // Later, never inline: see NettyServerStream.returnCredit.
    handler.handOver(() -> handler.returnCredit(this));
  }
}
