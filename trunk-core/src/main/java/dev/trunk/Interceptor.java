package dev.trunk;

/**
 * Wraps calls on the client or the server, for every call kind: one type for both sides.
 *
 * <p>{@link #interceptCall} runs when a call starts: on the client before anything is sent (it may
 * add request metadata), on the server before the handler runs. Throw {@link StatusException} there
 * to end the call at once with that status: the handler never runs, or nothing is sent. Any other
 * exception ends the call with INTERNAL naming the interceptor (see {@link CallObserver}); it never
 * breaks the connection. The returned {@link CallObserver} then sees the call's messages, response
 * headers and final status.
 *
 * <p>Interceptors run in the order they were added; the first added sees requests first and
 * responses last. They must be thread-safe: many calls run at once.
 *
 * <pre>{@code
 * Interceptor auth = new Interceptor() {
 *   public <Req, Resp> CallObserver<Req, Resp> interceptCall(CallInfo<Req, Resp> call, Metadata headers) {
 *     if (call.isServer() && !"secret".equals(headers.get("authorization"))) {
 *       throw Status.UNAUTHENTICATED.withDescription("missing token").asException();
 *     }
 *     return CallObserver.none();
 *   }
 * };
 * }</pre>
 */
@FunctionalInterface
public interface Interceptor {
  /**
   * Starts intercepting one call.
   *
   * @param call what is known about the call
   * @param requestHeaders the request metadata: mutable on the client, as received on the server
   * @return the observer for the rest of the call, or {@link CallObserver#none()}
   * @throws StatusException to end the call with that status instead (any other exception ends it
   *     with INTERNAL)
   */
  <Req, Resp> CallObserver<Req, Resp> interceptCall(
      CallInfo<Req, Resp> call, Metadata requestHeaders);
}
