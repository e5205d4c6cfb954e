package dev.trunk;

import java.net.SocketAddress;
import java.util.Optional;

/**
 * What an {@link Interceptor} knows about a call when it starts.
 *
 * <p>Valid for the life of the call. Immutable, except that interceptors may {@link #put} values
 * while the call starts (during {@code interceptCall}), for later interceptors and the handler.
 *
 * @param <Req> the request type
 * @param <Resp> the response type
 */
public interface CallInfo<Req, Resp> {
  /** The method being called. */
  MethodDescriptor<Req, Resp> method();

  /** Whether this is the server's view of the call (false: the client's). */
  boolean isServer();

  /** The call's deadline, if it has one. */
  Optional<Deadline> deadline();

  /** The {@code :authority} of the call. */
  String authority();

  /** The remote address, if known (the client may not be connected yet). */
  Optional<SocketAddress> peer();

  /**
   * On the server, the TLS session of the connection the call arrived on (with mutual TLS, the
   * client's certificate chain); empty on plaintext, and on the client, which picks a connection
   * after the interceptors ran.
   */
  Optional<TlsInfo> tls();

  /**
   * How many attempts the call has started so far: on the client 1, plus its retries and hedges
   * (gRFC A6; transparent retries of refused streams are not counted). Read it when the call ends
   * (in the observer's {@code onClose}) to measure retries per call. On the server always 1: the
   * client's count arrives in the request metadata as {@link Metadata#PREVIOUS_RPC_ATTEMPTS}.
   */
  int attempts();

  /**
   * Attaches {@code value} to this call under {@code key}, replacing an earlier one: later
   * interceptors read it with {@link #get}, and on the server the handler with {@link
   * ContextKey#get()}. Call it from {@code interceptCall} only.
   *
   * @throws IllegalStateException once the interceptors have run (the values are then fixed)
   */
  <T> void put(ContextKey<T> key, T value);

  /** The value attached under {@code key}, if an interceptor put one. */
  <T> Optional<T> get(ContextKey<T> key);
}
