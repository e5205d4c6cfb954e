package dev.trunk.internal.lb;

import dev.trunk.Metadata;
import dev.trunk.spi.LoadBalancer;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Makes {@code ring_hash_experimental} balancers (gRFC A42, A76); registered with {@link
 * java.util.ServiceLoader}. Config: {@code minRingSize} (default 1024), {@code maxRingSize}
 * (default 4096), both at most 8M, and {@code requestHashHeader}, the header hashed for each call
 * so that one key sticks to one backend. Thread-safe.
 *
 * <pre>{@code
 * {"loadBalancingConfig": [{"ring_hash_experimental": {"requestHashHeader": "x-user-id"}}]}
 * }</pre>
 */
public final class RingHashProvider implements LoadBalancer.Provider {
  /** Fewest ring points when the config names none (A42, as Envoy). */
  static final long DEFAULT_MIN_RING_SIZE = 1024;

  /** Most ring points when the config names none (A76 lowered it from 8M: 4096 is plenty). */
  static final long DEFAULT_MAX_RING_SIZE = 4096;

  /** The largest ring a config may ask for (A42/A76: 8M points, about 96 MB of ring). */
  static final long RING_SIZE_CAP = 8L * 1024 * 1024;

  /** Called by {@link java.util.ServiceLoader}. */
  public RingHashProvider() {}

  @Override
  public String policyName() {
    return RingHashLoadBalancer.NAME;
  }

  @Override
  public Object parseConfig(Map<String, ?> json) {
    JsonFields fields = new JsonFields(RingHashLoadBalancer.NAME, json);
    long min = fields.integer("minRingSize", DEFAULT_MIN_RING_SIZE, 1, RING_SIZE_CAP);
    long max = fields.integer("maxRingSize", DEFAULT_MAX_RING_SIZE, 1, RING_SIZE_CAP);
    if (min > max) {
      throw fields.error(
          "minRingSize", "(" + min + ") must not be larger than maxRingSize (" + max + ")");
    }
    return new RingHashLoadBalancer.Config(min, max, header(fields));
  }

  /** A76: the header must be a valid, non-binary header name; empty means none. */
  private static @Nullable String header(JsonFields fields) {
    String header = fields.string("requestHashHeader");
    if (header == null || header.isEmpty()) {
      return null;
    }
    String name = header.toLowerCase(Locale.ROOT);
    if (!name.chars().allMatch(RingHashProvider::headerChar)) {
      throw fields.error(
          "requestHashHeader", "'" + header + "' is not a header name (allowed: 0-9 a-z _ - .)");
    }
    if (Metadata.isBinaryKey(name)) {
      throw fields.error(
          "requestHashHeader", "'" + header + "' is a binary (-bin) header, which A76 forbids");
    }
    return name;
  }

  private static boolean headerChar(int c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
  }

  @Override
  public LoadBalancer newLoadBalancer(LoadBalancer.Helper helper) {
    return new RingHashLoadBalancer(helper);
  }
}
