package dev.trunk.internal;

import static java.util.Objects.requireNonNull;

import dev.trunk.CallInfo;
import dev.trunk.ContextKey;
import dev.trunk.Deadline;
import dev.trunk.MethodDescriptor;
import dev.trunk.TlsInfo;
import java.net.SocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The {@link CallInfo} handed to interceptors, and the call's context values. Values are put by
 * interceptors on the thread that starts the call, then {@link #freeze frozen} before the call
 * proceeds; after that they are only read.
 */
public final class CallInfoImpl<Req, Resp> implements CallInfo<Req, Resp> {
  private final MethodDescriptor<Req, Resp> method;
  private final boolean isServer;
  private final @Nullable Deadline deadline;
  private final String authority;
  private final @Nullable SocketAddress peer;
  private final @Nullable TlsInfo tls;
  // Few calls carry values: allocated by the first put.
  private @Nullable Map<ContextKey<?>, Object> values;
  private volatile boolean frozen;
  private volatile IntSupplier attempts = () -> 1;

  public CallInfoImpl(
      MethodDescriptor<Req, Resp> method,
      boolean isServer,
      @Nullable Deadline deadline,
      String authority,
      @Nullable SocketAddress peer,
      @Nullable TlsInfo tls) {
    this.method = method;
    this.isServer = isServer;
    this.deadline = deadline;
    this.authority = authority;
    this.peer = peer;
    this.tls = tls;
  }

  /** Where {@link #attempts()} reads the count: the client call, once it started. */
  public void countAttemptsWith(IntSupplier counter) {
    this.attempts = counter;
  }

  @Override
  public int attempts() {
    return attempts.getAsInt();
  }

  @Override
  public MethodDescriptor<Req, Resp> method() {
    return method;
  }

  @Override
  public boolean isServer() {
    return isServer;
  }

  @Override
  public Optional<Deadline> deadline() {
    return Optional.ofNullable(deadline);
  }

  @Override
  public String authority() {
    return authority;
  }

  @Override
  public Optional<SocketAddress> peer() {
    return Optional.ofNullable(peer);
  }

  @Override
  public Optional<TlsInfo> tls() {
    return Optional.ofNullable(tls);
  }

  @Override
  public <T> void put(ContextKey<T> key, T value) {
    requireNonNull(key, "key");
    requireNonNull(value, "value");
    if (frozen) {
      throw new IllegalStateException(
          "context value \""
              + key.name()
              + "\" put after the interceptors of "
              + method.fullName()
              + " ran; put values from interceptCall");
    }
    if (values == null) {
      values = new HashMap<>(4);
    }
    values.put(key, value);
  }

  @Override
  @SuppressWarnings("unchecked") // put accepts only a T for a ContextKey<T>
  public <T> Optional<T> get(ContextKey<T> key) {
    Map<ContextKey<?>, Object> all = values;
    return all == null ? Optional.empty() : Optional.ofNullable((T) all.get(key));
  }

  /** Fixes the values: the interceptors have run. */
  public void freeze() {
    frozen = true;
  }
}
