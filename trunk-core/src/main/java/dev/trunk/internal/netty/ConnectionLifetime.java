package dev.trunk.internal.netty;

import dev.trunk.internal.server.ConnectionManagement;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2Stream;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Max connection idle and max connection age of one server connection (gRFC A9). Either ends the
 * connection with the server's graceful shutdown ({@link ServerHandler#closeGracefully}): a GOAWAY
 * naming the reason ("max_idle", "max_age") that still accepts requests already on the wire, and
 * the final GOAWAY once the client has seen it. A connection closed for its age lets its calls run
 * for the age grace period; on an idle one, requests that crossed the GOAWAY get the shutdown grace
 * period.
 *
 * <p>Idleness counts from the connection's start or from when its last call ended. The idle timer
 * is not rescheduled per call: when it fires on a busy connection it simply checks again later.
 * Event loop only.
 */
final class ConnectionLifetime extends Http2ConnectionAdapter {
  /** The random share added to or taken from each connection's max age (gRFC A9: +/-10 %). */
  static final double MAX_CONNECTION_AGE_JITTER = 0.1;

  /** GOAWAY debug data of a connection closed for being idle (gRFC A9). */
  static final String MAX_IDLE = "max_idle";

  /** GOAWAY debug data of a connection closed for its age (gRFC A9). */
  static final String MAX_AGE = "max_age";

  private final ServerHandler handler;
  private final long idleNanos;
  private final long ageNanos;
  private final long ageGraceMillis;
  private final long idleGraceMillis;
  private long idleSinceNanos;
  private @Nullable ScheduledFuture<?> idleTimer;
  private @Nullable ScheduledFuture<?> ageTimer;

  ConnectionLifetime(ServerHandler handler, ConnectionManagement config, long shutdownGraceMillis) {
    this.handler = handler;
    this.idleNanos = config.maxConnectionIdleNanos();
    this.ageNanos = config.maxConnectionAgeNanos();
    this.ageGraceMillis = millis(config.maxConnectionAgeGraceNanos());
    this.idleGraceMillis = shutdownGraceMillis;
    if (idleNanos != ConnectionManagement.INFINITE) {
      handler.connection().addListener(this);
    }
  }

  /** The connection was accepted: starts both clocks. */
  void start(ChannelHandlerContext ctx) {
    if (idleNanos != ConnectionManagement.INFINITE) {
      idleSinceNanos = System.nanoTime();
      idleTimer = schedule(ctx, () -> checkIdle(ctx), idleNanos);
    }
    if (ageNanos != ConnectionManagement.INFINITE) {
      double jitter =
          ThreadLocalRandom.current()
              .nextDouble(-MAX_CONNECTION_AGE_JITTER, MAX_CONNECTION_AGE_JITTER);
      long age = (long) (ageNanos * (1 + jitter));
      ageTimer = schedule(ctx, () -> handler.closeGracefully(ctx, MAX_AGE, ageGraceMillis), age);
    }
  }

  /** The connection is closed: stops both clocks. */
  void stop() {
    if (idleTimer != null) {
      idleTimer.cancel(false);
    }
    if (ageTimer != null) {
      ageTimer.cancel(false);
    }
  }

  @Override
  public void onStreamClosed(Http2Stream stream) {
    if (handler.connection().numActiveStreams() == 0) {
      idleSinceNanos = System.nanoTime();
    }
  }

  private void checkIdle(ChannelHandlerContext ctx) {
    if (handler.connection().numActiveStreams() > 0) {
      idleTimer = schedule(ctx, () -> checkIdle(ctx), idleNanos);
      return;
    }
    long wait = idleSinceNanos + idleNanos - System.nanoTime();
    if (wait > 0) {
      idleTimer = schedule(ctx, () -> checkIdle(ctx), wait);
      return;
    }
    idleTimer = null;
    handler.closeGracefully(ctx, MAX_IDLE, idleGraceMillis);
  }

  private static ScheduledFuture<?> schedule(ChannelHandlerContext ctx, Runnable task, long nanos) {
    return ctx.executor().schedule(task, nanos, TimeUnit.NANOSECONDS);
  }

  /** Milliseconds of a duration in nanoseconds, keeping infinite as {@link Long#MAX_VALUE}. */
  static long millis(long nanos) {
    return nanos == ConnectionManagement.INFINITE ? Long.MAX_VALUE : nanos / 1_000_000;
  }
}
