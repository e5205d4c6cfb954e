package dev.trunk.internal;

import dev.trunk.CallContext;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Binds the server call being handled to the handler's thread, for {@link CallContext#current}. */
public final class CurrentCall {
  private static final ThreadLocal<@Nullable CallContext> CURRENT = new ThreadLocal<>();

  private CurrentCall() {}

  public static Optional<CallContext> get() {
    return Optional.ofNullable(CURRENT.get());
  }

  /** Binds {@code call} to this thread; returns the previous binding to restore later. */
  public static @Nullable CallContext bind(@Nullable CallContext call) {
    CallContext previous = CURRENT.get();
    if (call == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(call);
    }
    return previous;
  }
}
