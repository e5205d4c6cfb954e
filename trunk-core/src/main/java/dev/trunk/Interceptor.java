package dev.trunk;

import static java.util.Objects.requireNonNull;

import dev.trunk.internal.StartInterceptor;

/**
 * Wraps calls on the client or the server, for every call kind: one type for both sides.
 *
 * <p>{@link #interceptCall} runs when a call starts: on the client before anything is sent (it may
 * add request metadata), on the server on the handler's thread before the handler runs (it may
 * attach {@link ContextKey} values for the handler with {@link CallInfo#put}). Throw {@link
 * StatusException} there to end the call at once with that status: the handler never runs, or
 * nothing is sent. Any other exception ends the call with INTERNAL naming the interceptor (see
 * {@link CallObserver}); it never breaks the connection. The returned {@link CallObserver} then
 * sees the call's messages, response headers and final status.
 *
 * <p>Attach interceptors to every call of a server ({@code Server.Builder.intercept}) or a channel
 * ({@code Channel.Builder.intercept}), to one service ({@link ServiceDefinition#intercept}) or to
 * one method ({@link ServiceDefinition#intercept(String, Interceptor...)}). Interceptors run in the
 * order they were added, server-wide ones first, then the service's, then the method's; the first
 * sees requests first and responses last. They must be thread-safe: many calls run at once.
 *
 * <p>Most interceptors only look at a call as it starts; write those as a lambda with {@link
 * #onStart}:
 *
 * <pre>{@code
 * static final ContextKey<String> USER = ContextKey.named("user");
 *
 * Interceptor auth = Interceptor.onStart((call, headers) -> {
 *   String user = tokens.get(headers.get("authorization"));
 *   if (user == null) {
 *     throw Status.UNAUTHENTICATED.withDescription("missing or unknown token").asException();
 *   }
 *   call.put(USER, user); // the handler reads USER.get()
 * });
 * }</pre>
 *
 * <p>To see messages or the end of the call, implement the interface (its method is generic, so it
 * takes a class, not a lambda):
 *
 * <pre>{@code
 * Interceptor timing = new Interceptor() {
 *   public <Req, Resp> CallObserver<Req, Resp> interceptCall(CallInfo<Req, Resp> call, Metadata headers) {
 *     long start = System.nanoTime();
 *     return new CallObserver<>() {
 *       public void onClose(Status status, Metadata trailers) {
 *         log.info("{} {} in {} µs", call.method().fullName(), status.code(),
 *             (System.nanoTime() - start) / 1_000);
 *       }
 *     };
 *   }
 * };
 * }</pre>
 */
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

  /**
   * An interceptor that runs {@code hook} as each call starts and observes nothing after: the
   * lambda form of {@link #interceptCall} for checking or adding metadata and attaching context
   * values.
   */
  static Interceptor onStart(StartHook hook) {
    return new StartInterceptor(requireNonNull(hook, "hook"));
  }

  /**
   * What {@link #onStart} runs when a call starts; same rules as {@link #interceptCall}: throw
   * {@link StatusException} to end the call with that status.
   */
  @FunctionalInterface
  interface StartHook {
    /**
     * Looks at a starting call.
     *
     * @param call what is known about the call; {@link CallInfo#put} attaches context values
     * @param requestHeaders the request metadata: mutable on the client, as received on the server
     */
    void onStart(CallInfo<?, ?> call, Metadata requestHeaders);
  }
}
