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
 * @param <Req> the request type
 * @param <Resp> the response type
 */
public interface BidiStreamingCall<Req, Resp>
    extends StreamSender<Req>, StreamReceiver<Resp>, AutoCloseable {
  /** Half-closes: tells the server no more requests follow. */
  void closeSend();

  /**
   * The response headers; blocks until they arrive. Empty if the call failed first. An interrupt
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
