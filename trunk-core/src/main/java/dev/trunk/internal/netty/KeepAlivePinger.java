package dev.trunk.internal.netty;

import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2Stream;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The keepalive of one HTTP/2 connection, client (gRFC A8) or server (gRFC A9): once nothing has
 * been read for the keepalive time, a PING; if then nothing at all is read within the keepalive
 * timeout, the connection is declared dead.
 *
 * <p>The time counts from the last read, never from the last PING sent (A8), so a client pinging
 * exactly at the rate a server permits is never a strike: the server acknowledged the previous PING
 * after it arrived. Without calls in progress the pinger sleeps unless told to ping anyway (A8:
 * clients by default; A9: servers always ping). When a call starts on a connection that has been
 * quiet for longer than the keepalive time, the PING goes out at once, before the call's HEADERS
 * (A8), so a dead connection is noticed after the timeout alone.
 *
 * <p>Event loop only. One timer at a time; a read only records the time, except the first read
 * after a PING, which reschedules.
 */
final class KeepAlivePinger extends Http2ConnectionAdapter {
  /** The payload of keepalive PINGs ("trunk-ka"); any reply, or any other read, will do. */
  static final long PING_PAYLOAD = 0x7472756e6b2d6b61L;

  private final GrpcConnectionHandler handler;
  private final long timeNanos;
  private final long timeoutNanos;
  private final boolean withoutCalls;
  private final Runnable onTimeout;
  private final Runnable check = this::check;
  private long lastReadNanos;
  private boolean pingOutstanding;
  private boolean stopped;
  private @Nullable ScheduledFuture<?> timer;

  /** {@code onTimeout} runs (once) when the peer has not answered in time. */
  KeepAlivePinger(
      GrpcConnectionHandler handler,
      long timeNanos,
      long timeoutNanos,
      boolean withoutCalls,
      Runnable onTimeout) {
    this.handler = handler;
    this.timeNanos = timeNanos;
    this.timeoutNanos = timeoutNanos;
    this.withoutCalls = withoutCalls;
    this.onTimeout = onTimeout;
    if (!withoutCalls) {
      handler.connection().addListener(this);
    }
  }

  /** The connection is up: counts from now. */
  void start() {
    lastReadNanos = System.nanoTime();
    check();
  }

  /** Something was read: the peer is alive, and an outstanding PING is answered. */
  void onRead() {
    lastReadNanos = System.nanoTime();
    if (pingOutstanding) {
      pingOutstanding = false;
      cancelTimer();
      check();
    }
  }

  /** The connection is closed: no more PINGs. */
  void stop() {
    stopped = true;
    cancelTimer();
  }

  private void cancelTimer() {
    ScheduledFuture<?> pending = timer;
    timer = null;
    if (pending != null) {
      pending.cancel(false);
    }
  }

  /** A call started: wakes a pinger that was sleeping for want of calls. */
  @Override
  public void onStreamActive(Http2Stream stream) {
    if (timer == null && !pingOutstanding) {
      check();
    }
  }

  private void check() {
    timer = null;
    if (stopped) {
      return;
    }
    if (pingOutstanding) {
      // Nothing read since the PING went out (a read would have rescheduled): the peer is gone.
      stop();
      onTimeout.run();
      return;
    }
    if (!withoutCalls && handler.connection().numActiveStreams() == 0) {
      return; // asleep until a call starts
    }
    long now = System.nanoTime();
    long wait = lastReadNanos + timeNanos - now;
    if (wait > 0) {
      schedule(wait);
      return;
    }
    pingOutstanding = true;
    handler.writePing(PING_PAYLOAD);
    schedule(timeoutNanos);
  }

  private void schedule(long nanos) {
    timer = handler.eventLoop().schedule(check, nanos, TimeUnit.NANOSECONDS);
  }
}
