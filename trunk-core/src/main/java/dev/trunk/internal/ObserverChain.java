package dev.trunk.internal;

import dev.trunk.CallInfo;
import dev.trunk.CallObserver;
import dev.trunk.Interceptor;
import dev.trunk.Metadata;
import dev.trunk.Status;
import dev.trunk.StatusException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The observers of one call's interceptors, applied in order: requests pass through them first to
 * last, responses and the end of the call last to first. Used identically on client and server.
 *
 * <p>Interceptors are isolated: whatever one throws never escapes as anything but a {@link
 * StatusException}. A {@code StatusException} passes unchanged (it means "end the call with this
 * status"); any other exception becomes INTERNAL naming the interceptor and the callback, and is
 * logged at WARN with its stack trace. {@link #onClose} cannot fail: the outcome is decided, so a
 * throwing observer is logged and the others still run.
 */
public final class ObserverChain<Req, Resp> {
  private static final Logger log = LoggerFactory.getLogger(ObserverChain.class);
  private static final ObserverChain<?, ?> EMPTY = new ObserverChain<>(List.of(), List.of());

  private final List<CallObserver<Req, Resp>> observers;
  // The interceptor that made each observer, to name it when the observer fails.
  private final List<Interceptor> owners;

  private ObserverChain(List<CallObserver<Req, Resp>> observers, List<Interceptor> owners) {
    this.observers = observers;
    this.owners = owners;
  }

  /** The chain without observers. */
  @SuppressWarnings("unchecked") // the empty chain holds no typed state
  public static <Req, Resp> ObserverChain<Req, Resp> empty() {
    return (ObserverChain<Req, Resp>) EMPTY;
  }

  /**
   * Runs every interceptor's {@code interceptCall}, first to last. A failure stops the chain: the
   * observers made so far see {@link #onClose} with its status, and it is thrown. Either way the
   * call's context values are fixed afterwards.
   *
   * @throws StatusException the status an interceptor threw, or INTERNAL for any other exception
   */
  public static <Req, Resp> ObserverChain<Req, Resp> start(
      List<Interceptor> interceptors, CallInfoImpl<Req, Resp> call, Metadata requestHeaders) {
    try {
      return run(interceptors, call, requestHeaders);
    } finally {
      call.freeze();
    }
  }

  private static <Req, Resp> ObserverChain<Req, Resp> run(
      List<Interceptor> interceptors, CallInfo<Req, Resp> call, Metadata requestHeaders) {
    if (interceptors.isEmpty()) {
      return empty();
    }
    List<CallObserver<Req, Resp>> observers = new ArrayList<>(interceptors.size());
    List<Interceptor> owners = new ArrayList<>(interceptors.size());
    for (Interceptor interceptor : interceptors) {
      CallObserver<Req, Resp> observer;
      try {
        observer = interceptor.interceptCall(call, requestHeaders);
      } catch (Throwable e) {
        StatusException failure = failure(interceptor, "interceptCall", e);
        new ObserverChain<>(observers, owners).onClose(failure.status(), failure.trailers());
        throw failure;
      }
      if (observer != CallObserver.<Req, Resp>none()) {
        observers.add(observer);
        owners.add(interceptor);
      }
    }
    return observers.isEmpty() ? empty() : new ObserverChain<>(observers, owners);
  }

  /** Whether no interceptor observes the call. */
  public boolean isEmpty() {
    return observers.isEmpty();
  }

  /**
   * Passes a request through every observer, first to last.
   *
   * @throws StatusException as {@link #start}
   */
  public Req onRequest(Req message) {
    Req current = message;
    for (int i = 0; i < observers.size(); i++) {
      try {
        current = observers.get(i).onRequest(current);
      } catch (Throwable e) {
        throw failure(owners.get(i), "onRequest", e);
      }
    }
    return current;
  }

  /**
   * Shows the response headers to every observer, last to first.
   *
   * @throws StatusException as {@link #start}
   */
  public void onResponseHeaders(Metadata headers) {
    for (int i = observers.size() - 1; i >= 0; i--) {
      try {
        observers.get(i).onResponseHeaders(headers);
      } catch (Throwable e) {
        throw failure(owners.get(i), "onResponseHeaders", e);
      }
    }
  }

  /**
   * Passes a response through every observer, last to first.
   *
   * @throws StatusException as {@link #start}
   */
  public Resp onResponse(Resp message) {
    Resp current = message;
    for (int i = observers.size() - 1; i >= 0; i--) {
      try {
        current = observers.get(i).onResponse(current);
      } catch (Throwable e) {
        throw failure(owners.get(i), "onResponse", e);
      }
    }
    return current;
  }

  /** Tells every observer how the call ended, last to first; never throws. */
  public void onClose(Status status, Metadata trailers) {
    for (int i = observers.size() - 1; i >= 0; i--) {
      try {
        observers.get(i).onClose(status, trailers);
      } catch (Throwable e) {
        // The outcome is decided: the failure cannot change it, and must not cost the others
        // theirs.
        log.warn(
            "interceptor {} failed in onClose({}); the outcome stands",
            owners.get(i).getClass().getName(),
            status.code(),
            e);
      }
    }
  }

  /**
   * What an interceptor's exception means for its call: a {@link StatusException} as it is,
   * anything else INTERNAL naming the interceptor and the callback (not the exception's message,
   * which a server would otherwise send to its client; the cause stays local).
   */
  private static StatusException failure(Interceptor owner, String callback, Throwable e) {
    if (e instanceof StatusException status) {
      return status;
    }
    // A lambda's class name starts with the class that wrote it: more useful than ours.
    Object named = owner instanceof StartInterceptor start ? start.hook() : owner;
    String name = named.getClass().getName();
    log.warn("interceptor {} failed in {}; ending the call with INTERNAL", name, callback, e);
    return Status.INTERNAL
        .withDescription("interceptor " + name + " failed in " + callback)
        .withCause(e)
        .asException();
  }
}
