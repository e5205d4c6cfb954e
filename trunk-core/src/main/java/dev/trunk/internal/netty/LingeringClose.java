package dev.trunk.internal.netty;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Closes a connection in stages once a connection error's GOAWAY is queued, so that the peer gets
 * to read it (RFC 9112 section 9.6, "Tear-down", describes the TCP reset problem for HTTP/1.1; it
 * is the same for HTTP/2). A socket closed with unread bytes in its receive buffer is reset by the
 * kernel, which discards the bytes still waiting to be sent: a flooding peer, which writes without
 * pause, would lose the GOAWAY and the answers queued before it.
 *
 * <p>Once {@link #arm armed}, a close waits for the queued bytes to reach the socket, then shuts
 * down the output (the peer reads them, then end of stream) and keeps reading and discarding what
 * the peer still sends until it closes its side or {@link #LINGER_MILLIS} have passed. Sits just
 * below the server's HTTP/2 handler, which it no longer feeds once armed. Event loop only.
 */
final class LingeringClose extends ChannelDuplexHandler {
  /**
   * How long an armed close may wait for the queued bytes to be sent and for the peer to close its
   * side. RFC 9112 section 9.6 asks a server to read on until the peer closes "or until the server
   * is reasonably certain that its own TCP stack has received the client's acknowledgement" of its
   * last bytes: on any path with a round trip under a second that is well within 2 seconds. A peer
   * that does not read in that time does not get the GOAWAY; the close is not held up by it.
   */
  static final long LINGER_MILLIS = 2_000;

  private boolean armed;
  private @Nullable ScheduledFuture<?> deadline;

  /** Makes the next close linger: called when a connection error's GOAWAY has been written. */
  void arm() {
    armed = true;
  }

  /** Whether a connection error is closing the connection: inbound frames no longer matter. */
  boolean armed() {
    return armed;
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    if (!armed || !ctx.channel().isActive()) {
      ctx.close(promise);
      return;
    }
    ctx.channel().closeFuture().addListener(closed -> promise.trySuccess());
    if (deadline != null) {
      return; // already lingering
    }
    deadline = ctx.executor().schedule(() -> ctx.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
    ChannelFuture sent = ctx.writeAndFlush(Unpooled.EMPTY_BUFFER);
    sent.addListener(done -> shutDownOutput(ctx, sent));
  }

  /** Everything queued before the close has reached the socket: the peer reads it, then EOF. */
  private static void shutDownOutput(ChannelHandlerContext ctx, ChannelFuture sent) {
    if (sent.isSuccess() && ctx.channel() instanceof DuplexChannel duplex) {
      duplex.shutdownOutput();
      return;
    }
    ctx.close();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (armed) {
      ReferenceCountUtil.release(msg);
      return;
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (deadline != null) {
      deadline.cancel(false);
    }
    ctx.fireChannelInactive();
  }
}
