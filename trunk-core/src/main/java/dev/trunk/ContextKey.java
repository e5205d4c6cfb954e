package dev.trunk;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A typed value that an {@link Interceptor} attaches to a call for the handler (and for the
 * interceptors after it) to read: the authenticated user, a tenant, a request id.
 *
 * <p>An interceptor sets the value with {@link CallInfo#put} when the call starts; the handler
 * reads it with {@link #get()} on its own thread. Values are fixed once the interceptors have run:
 * the handler reads them but cannot change them, which is the contract of Java's {@code
 * ScopedValue}, so the storage can move to scoped values without changing this API. Keys compare by
 * identity: keep each in a {@code static final} field. Thread-safe.
 *
 * <pre>{@code
 * static final ContextKey<String> USER = ContextKey.named("user");
 *
 * Interceptor auth = Interceptor.onStart((call, headers) -> {
 *   String user = tokens.userFor(headers.get("authorization"));   // throws UNAUTHENTICATED
 *   call.put(USER, user);
 * });
 *
 * public Item get(GetRequest request) {                          // in the handler
 *   String user = USER.get();
 *   ...
 * }
 * }</pre>
 *
 * @param <T> the type of the value
 */
public final class ContextKey<T> {
  private final String name;

  private ContextKey(String name) {
    this.name = name;
  }

  /** A new key; {@code name} is used in messages only, and two keys of the same name differ. */
  public static <T> ContextKey<T> named(String name) {
    return new ContextKey<>(requireNonNull(name, "name"));
  }

  /** The name given to {@link #named}. */
  public String name() {
    return name;
  }

  /**
   * The value an interceptor put for this key in the call the current thread is handling.
   *
   * @throws IllegalStateException outside a server handler, or if no interceptor put a value
   */
  public T get() {
    CallContext call = CallContext.current();
    return call.get(this)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "no value for context key \""
                        + name
                        + "\" in the call of "
                        + call.method().fullName()
                        + ": the interceptor that puts it (CallInfo.put) is not attached to this"
                        + " method, or did not put it"));
  }

  /** The value for this key in the call the current thread is handling, if there is one. */
  public Optional<T> find() {
    return CallContext.find().flatMap(call -> call.get(this));
  }

  @Override
  public String toString() {
    return "ContextKey(" + name + ")";
  }
}
