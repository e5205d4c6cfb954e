package dev.trunk.internal.netty;

import dev.trunk.Status;
import dev.trunk.internal.Log;
import dev.trunk.internal.client.KeepAliveConfig;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http2.Http2Error;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A channel's keepalive across its connections (gRFC A8): gives each new connection its pinger, and
 * when a server answers GOAWAY ENHANCE_YOUR_CALM "too_many_pings", doubles the keepalive time of
 * the channel's later connections and logs it at WARN, a level enabled by default (A8).
 * Thread-safe.
 */
final class ClientKeepAlive {
  private static final Log log = Log.of(ClientKeepAlive.class);

  private final AtomicLong timeNanos;
  private final long timeoutNanos;
  private final boolean withoutCalls;
  private final String target;

  ClientKeepAlive(KeepAliveConfig config, String target) {
    this.timeNanos = new AtomicLong(config.timeNanos());
    this.timeoutNanos = config.timeoutNanos();
    this.withoutCalls = config.withoutCalls();
    this.target = target;
  }

  /** The pinger of a new connection, or null when keepalive is off. */
  @Nullable KeepAlivePinger newPinger(GrpcConnectionHandler handler, Runnable onTimeout) {
    long time = timeNanos.get();
    if (time == KeepAliveConfig.OFF_NANOS) {
      return null;
    }
    return new KeepAlivePinger(handler, time, timeoutNanos, withoutCalls, onTimeout);
  }

  /** Why the calls of a connection whose server stopped answering fail. */
  Status timeoutStatus() {
    return Status.UNAVAILABLE.withDescription(
        "keepalive: "
            + target
            + " did not answer a PING within "
            + TimeUnit.NANOSECONDS.toMillis(timeoutNanos)
            + " ms (keepAliveTimeout); the connection is likely gone");
  }

  /** A GOAWAY arrived: if it says "too_many_pings", later connections ping half as often. */
  void onGoAway(long errorCode, ByteBuf debugData) {
    if (errorCode != Http2Error.ENHANCE_YOUR_CALM.code()
        || !PingEnforcer.TOO_MANY_PINGS.equals(debugData.toString(StandardCharsets.US_ASCII))
        || timeNanos.get() == KeepAliveConfig.OFF_NANOS) {
      return;
    }
    long doubled =
        timeNanos.updateAndGet(
            time -> time > Long.MAX_VALUE / 2 ? KeepAliveConfig.OFF_NANOS : time * 2);
    log.warn(
        "{} closed the connection because of too many PINGs (GOAWAY too_many_pings); the channel's"
            + " keepalive time for new connections is now {} ms",
        target,
        TimeUnit.NANOSECONDS.toMillis(doubled));
  }
}
