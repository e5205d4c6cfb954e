package dev.trunk;

/**
 * Sees the events of one call, in order, on behalf of an {@link Interceptor}. Every method has a
 * do-nothing default, so implement only what you need.
 *
 * <p>Requests are observed on the thread that sends them (client) or receives them (server);
 * responses likewise. {@link #onClose} runs once, on whichever thread ends the call. Throwing
 * {@link StatusException} from {@link #onRequest} or {@link #onResponse} ends the call with that
 * status.
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
