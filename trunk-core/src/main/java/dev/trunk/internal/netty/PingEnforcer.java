package dev.trunk.internal.netty;

import dev.trunk.internal.Log;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Error;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A server connection's limit on the PINGs its client sends (gRFC A8, Server Enforcement). A PING
 * sooner than the permitted time after the last acceptable one is a strike; with no call in
 * progress and keepalive without calls not permitted, any PING within {@link
 * #IMPLICIT_PERMIT_NANOS} is. One strike more than {@link #MAX_PING_STRIKES} gets GOAWAY
 * ENHANCE_YOUR_CALM with debug data {@link #TOO_MANY_PINGS}, and the connection is closed at once,
 * failing its calls, so that a misconfigured client is noticed. Sending HEADERS or DATA forgives
 * everything: PINGs that follow what the server sent are legitimate (A8).
 *
 * <p>Like grpc-java, "the last acceptable PING" starts as the time the connection opened, and goes
 * back to it whenever strikes are forgiven. Event loop only.
 */
final class PingEnforcer {
  private static final Log log = Log.of(PingEnforcer.class);

  /** Strikes a client may collect; the next one closes the connection (gRFC A8). */
  static final int MAX_PING_STRIKES = 2;

  /**
   * The interval always permitted, even without calls (gRFC A8: like TCP keepalive, whose interval
   * RFC 1122 sets at no less than two hours).
   */
  static final long IMPLICIT_PERMIT_NANOS = TimeUnit.HOURS.toNanos(2);

  /** The GOAWAY debug data for a client that pings too often (gRFC A8). */
  static final String TOO_MANY_PINGS = "too_many_pings";

  private final long permitNanos;
  private final boolean permitWithoutCalls;
  private final long openedNanos = System.nanoTime();
  private long lastAcceptedNanos = openedNanos;
  private int strikes;

  PingEnforcer(long permitNanos, boolean permitWithoutCalls) {
    this.permitNanos = Math.min(permitNanos, IMPLICIT_PERMIT_NANOS);
    this.permitWithoutCalls = permitWithoutCalls;
  }

  /**
   * Counts a PING received on {@code handler}'s connection; the one strike too many closes it.
   * {@code callsInProgress}: whether any stream is open.
   */
  void onPingRead(GrpcConnectionHandler handler, boolean callsInProgress) {
    long now = System.nanoTime();
    long permitted = callsInProgress || permitWithoutCalls ? permitNanos : IMPLICIT_PERMIT_NANOS;
    if (now - lastAcceptedNanos >= permitted) {
      lastAcceptedNanos = now;
      return;
    }
    if (++strikes > MAX_PING_STRIKES) {
      tooManyPings(handler, permitted);
    }
  }

  /**
   * GOAWAY naming the last stream really accepted (Netty's own connection errors name 2^31-1), then
   * a close below the HTTP/2 handler, without waiting for the calls: like Netty's connection
   * errors, once the GOAWAY is written, or after the graceful shutdown timeout if a client that
   * does not read holds it up.
   */
  private static void tooManyPings(GrpcConnectionHandler handler, long permittedNanos) {
    ChannelHandlerContext ctx = handler.ctx();
    log.debug(
        "closing the connection from {}: more than {} PINGs sooner than {} ms apart"
            + " (permitKeepAliveTime)",
        ctx.channel().remoteAddress(),
        MAX_PING_STRIKES,
        TimeUnit.NANOSECONDS.toMillis(permittedNanos));
    ChannelFuture written =
        handler.goAway(
            ctx,
            handler.connection().remote().lastStreamCreated(),
            Http2Error.ENHANCE_YOUR_CALM.code(),
            ByteBufUtil.writeAscii(ctx.alloc(), TOO_MANY_PINGS),
            ctx.newPromise());
    Runnable close = ctx::close;
    long timeoutMillis = handler.gracefulShutdownTimeoutMillis();
    if (timeoutMillis >= 0) {
      ScheduledFuture<?> timeout =
          ctx.executor().schedule(close, timeoutMillis, TimeUnit.MILLISECONDS);
      written.addListener(done -> timeout.cancel(false));
    }
    written.addListener((ChannelFutureListener) done -> close.run());
  }

  /** The server sent HEADERS or DATA: the client may ping again. */
  void onHeadersOrDataSent() {
    lastAcceptedNanos = openedNanos;
    strikes = 0;
  }
}
