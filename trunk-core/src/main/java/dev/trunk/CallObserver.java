package dev.trunk;

/**
 * Sees the events of one call, in order, on behalf of an {@link Interceptor}. Every method has a
 * do-nothing default, so implement only what you need.
 *
 * <p>Threads. Server: requests are observed on the handler thread that receives them, responses and
 * headers on the thread that sends them, and {@link #onClose} once, on the thread that ends the
 * call (the handler's, or a transport thread when the call is cancelled). Client: requests on the
 * thread that sends them; response headers, responses and {@link #onClose} on the application side,
 * never on an I/O thread: the thread that receives the response or waits for the result, a thread
 * that cancels or closes the call, or the channel's callback executor for {@code unaryCallAsync}. A
 * streaming call's end is observed when the application reads to it or closes the call.
 *
 * <p>Failures. Throwing {@link StatusException} from any method but {@link #onClose} ends the call
 * with that status. Any other exception ends it with INTERNAL, whose description names the
 * interceptor's class and the method (not the exception's message), and is logged at WARN. An
 * exception from {@link #onClose} is logged and changes nothing: the outcome is decided, and the
 * other observers still see it.
 *
 * @param <Req> the request type
 * @param <Resp> the response type
 */
public interface CallObserver<Req, Resp> {
  /** Sees, and may replace, a request message. */
  default Req onRequest(Req message) {
    return message;
  }

  /**
   * Sees the response headers: as received (client) or before they are sent, still mutable
   * (server).
   */
  default void onResponseHeaders(Metadata headers) {}

  /** Sees, and may replace, a response message. */
  default Resp onResponse(Resp message) {
    return message;
  }

  /**
   * Sees how the call ended: the status and trailers as received (client) or as about to be sent,
   * trailers still mutable (server).
   */
  default void onClose(Status status, Metadata trailers) {}

  /** The observer that observes nothing. */
  @SuppressWarnings("unchecked") // the observer ignores its type parameters
  static <Req, Resp> CallObserver<Req, Resp> none() {
    return (CallObserver<Req, Resp>) NoObserver.INSTANCE;
  }
}

/** The shared do-nothing observer behind {@link CallObserver#none()}. */
final class NoObserver implements CallObserver<Object, Object> {
  static final NoObserver INSTANCE = new NoObserver();

  private NoObserver() {}
}
