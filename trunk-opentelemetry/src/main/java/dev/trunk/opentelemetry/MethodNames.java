package dev.trunk.opentelemetry;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code grpc.method} label values of one listener: a method's full name, or {@code other} once
 * {@link #MAX_NAMES} distinct names were seen, so that the series stay bounded (gRFC A66 collapses
 * methods it does not know to {@code other}). A server reports calls of registered methods only and
 * a client names methods by the descriptors in its code, so the bound is a guard against
 * descriptors made at run time (a proxy, a reflective client), not a limit a normal service
 * reaches.
 */
final class MethodNames {
  /** The label value for methods beyond the bound (gRFC A66's value for unregistered methods). */
  static final String OTHER = "other";

  /**
   * Distinct method names kept before collapsing to {@link #OTHER}: far above a real server's
   * methods; each costs a series per status per histogram bucket.
   */
  static final int MAX_NAMES = 1000;

  private final Set<String> known = ConcurrentHashMap.newKeySet();

  /** {@code fullName}, or {@link #OTHER} if it is new and the bound is reached. */
  String label(String fullName) {
    if (known.contains(fullName)) {
      return fullName;
    }
    if (known.size() >= MAX_NAMES) {
      return OTHER;
    }
    known.add(fullName);
    return fullName;
  }
}
