package dev.trunk.internal;

import dev.trunk.CallInfo;
import dev.trunk.CallObserver;
import dev.trunk.Interceptor;
import dev.trunk.Metadata;
import dev.trunk.Status;
import java.util.ArrayList;
import java.util.List;

/**
 * The observers of one call's interceptors, applied in order: requests pass through them first to
 * last, responses and the end of the call last to first. Used identically on client and server.
 */
public final class ObserverChain<Req, Resp> {
  private static final ObserverChain<?, ?> EMPTY = new ObserverChain<>(List.of());

  private final List<CallObserver<Req, Resp>> observers;

  private ObserverChain(List<CallObserver<Req, Resp>> observers) {
    this.observers = observers;
  }

  /** The chain without observers. */
  @SuppressWarnings("unchecked") // the empty chain holds no typed state
  public static <Req, Resp> ObserverChain<Req, Resp> empty() {
    return (ObserverChain<Req, Resp>) EMPTY;
  }

  /**
   * Runs every interceptor's {@code interceptCall}, first to last. A {@link
   * dev.trunk.StatusException} thrown by one stops the chain and propagates.
   */
  public static <Req, Resp> ObserverChain<Req, Resp> start(
      List<Interceptor> interceptors, CallInfo<Req, Resp> call, Metadata requestHeaders) {
    if (interceptors.isEmpty()) {
      return empty();
    }
    List<CallObserver<Req, Resp>> observers = new ArrayList<>(interceptors.size());
    for (Interceptor interceptor : interceptors) {
      CallObserver<Req, Resp> observer = interceptor.interceptCall(call, requestHeaders);
      if (observer != CallObserver.<Req, Resp>none()) {
        observers.add(observer);
      }
    }
    return new ObserverChain<>(List.copyOf(observers));
  }

  public Req onRequest(Req message) {
    Req current = message;
    for (CallObserver<Req, Resp> observer : observers) {
      current = observer.onRequest(current);
    }
    return current;
  }

  public void onResponseHeaders(Metadata headers) {
    for (int i = observers.size() - 1; i >= 0; i--) {
      observers.get(i).onResponseHeaders(headers);
    }
  }

  public Resp onResponse(Resp message) {
    Resp current = message;
    for (int i = observers.size() - 1; i >= 0; i--) {
      current = observers.get(i).onResponse(current);
    }
    return current;
  }

  public void onClose(Status status, Metadata trailers) {
    for (int i = observers.size() - 1; i >= 0; i--) {
      observers.get(i).onClose(status, trailers);
    }
  }
}
