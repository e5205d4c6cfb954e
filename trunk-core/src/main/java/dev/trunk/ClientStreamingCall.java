package dev.trunk;

/**
 * A client-streaming call in progress: send requests, then {@link #complete()} to get the response.
 *
 * <pre>{@code
 * try (ClientStreamingCall<Point, RouteSummary> call = client.recordRoute()) {
 *   for (Point p : points) call.send(p);
 *   RouteSummary summary = call.complete();
 * }
 * }</pre>
 *
 * <p>Use from one thread at a time; {@link #cancel} may be called from any thread. Closing before
 * the call completes cancels it.
 *
 * <p>A {@code send} after {@link #complete()} or after the call ended throws (never drops the
 * request silently): {@link IllegalStateException} after {@code complete()} or if the server
 * already answered with OK, the call's {@link StatusException} if it failed or was cancelled.
 *
 * @param <Req> the request type
 * @param <Resp> the response type
 */
public interface ClientStreamingCall<Req, Resp> extends StreamSender<Req>, AutoCloseable {
  /**
   * Half-closes the request stream and waits for the response.
   *
   * @throws StatusException if the call ends with a status other than OK; CANCELLED if the thread
   *     is interrupted while waiting (the call is cancelled, the interrupt flag stays set)
   */
  Resp complete();

  /**
   * The response headers; blocks until they arrive (with the first response, or earlier if the
   * handler calls {@link CallContext#sendHeaders()}). Empty if the call failed first. An interrupt
   * while waiting cancels the call (CANCELLED; the interrupt flag stays set).
   */
  Metadata responseHeaders();

  /** The trailers; valid once the call has ended. */
  Metadata trailers();

  /** Cancels the call. */
  void cancel();

  /** Cancels the call if it has not ended. */
  @Override
  void close();
}
