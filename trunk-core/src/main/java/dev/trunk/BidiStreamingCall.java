package dev.trunk;

/**
 * A bidirectional-streaming call in progress: send and receive in any order, then {@link
 * #closeSend()}.
 *
 * <pre>{@code
 * try (BidiStreamingCall<RouteNote, RouteNote> chat = client.routeChat()) {
 *   chat.send(note);
 *   RouteNote reply = chat.receive();
 *   chat.closeSend();
 * }
 * }</pre>
 *
 * <p>One thread may send while another receives; {@link #cancel} may be called from any thread.
 * Closing before the call ends cancels it.
 *
 * <p>A {@code send} after {@link #closeSend()} or after the call ended throws (never drops the
 * request silently): {@link IllegalStateException} after {@code closeSend()} or if the server
 * already ended the call with OK, the call's {@link StatusException} if it failed or was cancelled.
 *
 * @param <Req> the request type
 * @param <Resp> the response type
 */
public interface BidiStreamingCall<Req, Resp>
    extends StreamSender<Req>, StreamReceiver<Resp>, AutoCloseable {
  /** Half-closes: tells the server no more requests follow. */
  void closeSend();

  /**
   * The response headers; blocks until they arrive (with the first response, or earlier if the
   * handler calls {@link CallContext#sendHeaders()}). Empty if the call failed first. An interrupt
   * while waiting cancels the call (CANCELLED; the interrupt flag stays set).
   */
  Metadata responseHeaders();

  /**
   * The trailers the call ended with.
   *
   * @throws IllegalStateException if the call has not ended yet
   */
  Metadata trailers();

  /** Cancels the call. */
  void cancel();

  /** Cancels the call if it has not ended. */
  @Override
  void close();
}
