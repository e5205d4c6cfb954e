package dev.trunk.opentelemetry;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Atomic access to a call object's {@code volatile long} counters, so that a call counts without an
 * {@code AtomicLong} object per counter.
 */
final class LongFields {
  private LongFields() {}

  /** The handle of {@code owner}'s {@code long} field {@code name}. */
  static VarHandle of(Class<?> owner, String name) {
    try {
      return MethodHandles.privateLookupIn(owner, MethodHandles.lookup())
          .findVarHandle(owner, name, long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}
