package dev.trunk;

/**
 * The sending side of a message stream: a server handler's responses, or a client's requests.
 *
 * <p>{@link #send} blocks while the peer's flow-control window and Trunk's bounded outbound buffer
 * are full; that is the backpressure. On an I/O thread (a {@code nonBlockingService} handler) it
 * never blocks: such a handler checks {@link CallContext#isReady()} instead. Use a sender from one
 * thread at a time.
 *
 * <p>A message is never dropped silently: once the call has ended, {@code send} throws. A server
 * handler's return ends its call with OK, so a handler that hands its sender to another thread must
 * call {@link CallContext#finishLater()} first and end the call with {@link CallContext#finish}.
 *
 * @param <T> the message type
 */
public interface StreamSender<T> {
  /**
   * Sends one message, blocking while the outbound buffer is full.
   *
   * @throws StatusException if the call has failed or was cancelled, with its status (e.g.
   *     CANCELLED, DEADLINE_EXCEEDED; a send blocked at that moment wakes with it), or the message
   *     is larger than the peer accepts; CANCELLED if the thread is interrupted while blocked (a
   *     client's call is then cancelled, and the interrupt flag stays set)
   * @throws IllegalStateException if the call has ended otherwise, with a message naming how: on
   *     the server, its handler returned (without {@link CallContext#finishLater()}) or threw, or
   *     {@link CallContext#finish} was called; on the client, the sender called {@code closeSend()}
   *     or {@code complete()}, or the server already ended the call with OK
   */
  default void send(T message) {
    send(message, true);
  }

  /**
   * Sends one message; with {@code compress} false it goes uncompressed even when the call
   * compresses (the per-message Compressed-Flag of PROTOCOL-HTTP2.md).
   *
   * @throws StatusException as {@link #send(Object)}
   */
  void send(T message, boolean compress);
}
