package dev.trunk;

import dev.trunk.internal.Events;
import java.net.SocketAddress;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Observes a server's or a channel's calls and connections: the one seam that metrics, tracing,
 * access logs and the debug page are built on, so that none of them needs a hook inside the
 * transport. Install one with {@code Server.Builder.eventListener} or {@code
 * Channel.Builder.eventListener} (more than one may be installed; each sees every event).
 *
 * <p>Each call gets its own {@link CallEvents}, returned by {@link #callStarted}, which can keep
 * the call's state (its start time, its byte counts, its span) in plain fields. Events of one call
 * come in order (started, then headers, messages and attempts, then {@link CallEvents#closed} last)
 * and one at a time, each seeing what the ones before it wrote, though not all on one thread:
 * messages received are reported by the connection's event loop while messages sent are reported by
 * the thread that sent them. Trunk delivers a call's events under a lock of that call, so a {@code
 * CallEvents} that counts both needs no synchronization of its own.
 *
 * <p>Which thread reports what: {@code callStarted} the server's event loop, the client's calling
 * thread; {@code handlerStarted}, and on the server {@code responseHeaders} and {@code
 * messageSent}, the handler's thread; {@code messageReceived}, the client's {@code
 * responseHeaders}, aborts the peer caused, attempt ends and transparent retries, the event loop;
 * the client's {@code messageSent} and flow-control stalls, the sending thread; retries and hedges
 * start on timer threads; {@code closed} comes on whichever thread ended the call. Connection and
 * TLS handshake events, on either side, come on the connection's event loop.
 *
 * <p>Listeners run on transport threads: they must be quick and must not block. An exception thrown
 * by a listener is logged and ignored; it never fails a call or a connection.
 *
 * <pre>{@code
 * EventListener slowCalls = new EventListener() {
 *   public CallEvents callStarted(CallInfo<?, ?> call, Metadata requestHeaders) {
 *     long start = System.nanoTime();
 *     return new CallEvents() {
 *       public void closed(Status status, Metadata trailers) {
 *         long millis = (System.nanoTime() - start) / 1_000_000;
 *         if (millis > 500) log.warn("{} took {} ms: {}", call.method().fullName(), millis, status);
 *       }
 *     };
 *   }
 * };
 * Server server = Server.builder().port(8080).service(new MyService()).eventListener(slowCalls)
 *     .build().start();
 * }</pre>
 */
public interface EventListener {
  /** A listener that ignores every event: the default. */
  EventListener NONE = new EventListener() {};

  /**
   * One listener that passes every event to each of {@code listeners}, in order, as if each were
   * installed: for a library that offers several listeners as one (metrics and tracing).
   */
  static EventListener all(EventListener... listeners) {
    return Events.of(List.of(listeners));
  }

  /**
   * A call started: on the server when its request headers arrived and named a known method (before
   * the interceptors run); on the client when the application started it (before the first
   * attempt). Returns the listener of this call's further events, {@link CallEvents#NONE} if none
   * are wanted.
   */
  default CallEvents callStarted(CallInfo<?, ?> call, Metadata requestHeaders) {
    return CallEvents.NONE;
  }

  /**
   * The server answered a request with {@code status} before it became a call, so no {@link
   * #callStarted} follows: a method it does not serve (UNIMPLEMENTED), a content type or encoding
   * it does not speak, malformed metadata or timeout. Server side only.
   *
   * @param path the request's path as the client sent it ({@code /Service/Method}, or what else was
   *     sent): untrusted, so never use it as a label as it is
   * @param status what the server answered
   */
  default void requestRejected(String path, Status status) {}

  /** A connection is ready for calls: after its TLS handshake, if any, and HTTP preface. */
  default void connectionOpened(Connection connection) {}

  /** A connection that was {@link #connectionOpened opened} closed, for whatever reason. */
  default void connectionClosed(Connection connection) {}

  /**
   * A TLS handshake failed or timed out, so no connection was opened: an expired or untrusted
   * certificate, a client speaking plaintext to a TLS port, no common protocol or cipher.
   *
   * @param peer the remote address, if known
   * @param cause what went wrong, as the TLS engine reported it
   */
  default void tlsHandshakeFailed(@Nullable SocketAddress peer, Throwable cause) {}

  /**
   * The events of one call, from {@link #callStarted} to {@link #closed}. Sizes are of messages as
   * they cross the wire ({@code wireSize}: compressed if the message was compressed, without the
   * 5-byte message prefix) and as the application sees them ({@code size}: uncompressed). The
   * uncompressed size of a gzip-compressed message is the one its gzip trailer declares (ISIZE, the
   * size modulo 2^32), so that nothing is inflated just to report it.
   */
  interface CallEvents {
    /** Ignores every event. */
    CallEvents NONE = new CallEvents() {};

    /**
     * Server only: the current thread starts running the call's interceptors and then its handler
     * (the call's virtual thread, or the transport thread for a non-blocking service): the place to
     * make a thread-bound context current, such as a tracing span, so that what they do (client
     * calls, logs) belongs to the call. {@link #handlerThreadExited} follows on the same thread.
     */
    default void handlerThreadEntered() {}

    /**
     * Server only: the interceptors and the handler returned (or threw) on the thread that {@link
     * #handlerThreadEntered} was reported on; restore that thread's context here. Reported even
     * after {@link #closed}, which the handler's return usually causes.
     */
    default void handlerThreadExited() {}

    /** Server only: the handler starts running, after the interceptors; queueing ends here. */
    default void handlerStarted() {}

    /** The response headers: sent by the server, received by the client. */
    default void responseHeaders(Metadata headers) {}

    /** A message went out: a response on the server, a request on the client. */
    default void messageSent(long wireSize, long size) {}

    /** A message came in: a request on the server, a response on the client. */
    default void messageReceived(long wireSize, long size) {}

    /**
     * A message could not be sent at once because the peer's HTTP/2 flow-control window (or, over
     * HTTP/1.1, the socket) was full; {@link #flowControlResumed} follows when it could.
     */
    default void flowControlStalled() {}

    /** The stall reported by {@link #flowControlStalled} ended after {@code stalledNanos}. */
    default void flowControlResumed(long stalledNanos) {}

    /** Client only: an attempt started (gRFC A6): the first, a retry, a hedge, or transparent. */
    default void attemptStarted(Attempt attempt) {}

    /**
     * Client only: right after {@link #attemptStarted}, the attempt's own request metadata, before
     * it is sent: a listener may add to it (for example the trace context of the attempt's span),
     * replacing with {@link Metadata#removeAll} what an earlier attempt's copy carried.
     */
    default void attemptRequestHeaders(Attempt attempt, Metadata requestHeaders) {}

    /**
     * Client only: an attempt ended with {@code status} (OK for the attempt whose response the call
     * took), having sent and received the given wire bytes of messages: the sums of their {@code
     * wireSize}s, as {@link #messageSent} and {@link #messageReceived} report them. A transparent
     * retry sends again what the refused attempt had sent, so its counts start from those.
     */
    default void attemptEnded(
        Attempt attempt, Status status, long wireBytesSent, long wireBytesReceived) {}

    /**
     * The stream ended abnormally before the call could end on its own, for {@code reason}; {@link
     * #closed} follows with the status the application sees.
     */
    default void aborted(AbortReason reason) {}

    /** The call ended with {@code status}: the last event of the call. */
    default void closed(Status status, Metadata trailers) {}
  }

  /**
   * One attempt of a client call.
   *
   * @param number 1 for the first attempt, then 2, 3, … in the order attempts started
   * @param kind why the attempt was made
   */
  record Attempt(int number, AttemptKind kind) {}

  /** Why a client attempt was made (gRFC A6). */
  enum AttemptKind {
    /** The call's first attempt. */
    FIRST,
    /** A retry after a failed attempt, by the method's retry policy. */
    RETRY,
    /** A hedge, sent while earlier attempts were still running, by the hedging policy. */
    HEDGE,
    /** A transparent retry of a stream the server never processed (refused, or on a GOAWAY). */
    TRANSPARENT
  }

  /** Why a stream ended before its call could end on its own. */
  enum AbortReason {
    /** The peer reset the stream (HTTP/2 RST_STREAM). */
    RESET_BY_PEER,
    /** The connection was lost or closed (a disconnect, a GOAWAY, a keepalive timeout). */
    CONNECTION_CLOSED,
    /** The call's deadline expired while it was running. */
    DEADLINE_EXCEEDED,
    /** The application cancelled the call. */
    CANCELLED,
    /** The peer broke the protocol or a limit (a malformed frame, an oversized message). */
    PROTOCOL_ERROR
  }

  /**
   * One connection, as seen by {@link #connectionOpened} and {@link #connectionClosed}: the same
   * instance for both events of a connection.
   */
  interface Connection {
    /** Whether this is a server's connection (false: a channel's). */
    boolean isServer();

    /** The remote address. */
    SocketAddress remoteAddress();

    /** The local address. */
    SocketAddress localAddress();

    /** {@code "h2"} or {@code "http/1.1"}. */
    String httpVersion();

    /** The connection's TLS session; empty on plaintext. */
    Optional<TlsInfo> tls();
  }
}
