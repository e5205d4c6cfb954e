package dev.trunk.internal.netty;

import dev.trunk.internal.Log;
import dev.trunk.internal.server.ConnectionManagement;
import io.netty.channel.ChannelHandlerContext;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Disconnects a client that has not completed its side of the connection set-up in time: the TLS
 * handshake (when the server serves TLS), the HTTP/2 connection preface and the first SETTINGS
 * frame (RFC 9113 section 3.4). Without it a client that connects and sends nothing, or a byte now
 * and then (slowloris), would hold a connection forever. grpc-java's {@code handshakeTimeout}
 * covers the same span. Event loop only.
 */
final class HandshakeTimeout {
  private static final Log log = Log.of(HandshakeTimeout.class);

  private final @Nullable ScheduledFuture<?> timer;

  private HandshakeTimeout(@Nullable ScheduledFuture<?> timer) {
    this.timer = timer;
  }

  /** Starts the clock of a connection just accepted; {@code ctx} is the HTTP/2 handler's. */
  static HandshakeTimeout start(ChannelHandlerContext ctx, long timeoutNanos) {
    if (timeoutNanos == ConnectionManagement.INFINITE) {
      return new HandshakeTimeout(null);
    }
    return new HandshakeTimeout(
        ctx.executor()
            .schedule(() -> expire(ctx, timeoutNanos), timeoutNanos, TimeUnit.NANOSECONDS));
  }

  private static void expire(ChannelHandlerContext ctx, long timeoutNanos) {
    log.debug(
        "closing the connection from {}: no TLS handshake, HTTP/2 preface and SETTINGS within {} ms"
            + " (handshakeTimeout)",
        ctx.channel().remoteAddress(),
        TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
    // Closes below the HTTP/2 handler: there is no HTTP/2 connection to shut down gracefully.
    ctx.close();
  }

  /** The client has completed the handshake, or the connection is gone. */
  void cancel() {
    if (timer != null) {
      timer.cancel(false);
    }
  }
}
