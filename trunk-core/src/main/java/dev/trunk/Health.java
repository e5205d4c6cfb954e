package dev.trunk;

import java.util.Optional;

/**
 * The statuses a server reports through the standard health service {@code grpc.health.v1.Health}
 * (gRPC health-checking.md; {@code Check}, {@code Watch} and {@code List} of gRFC A90).
 *
 * <p>The health service is on by default ({@link Server.Builder#health(boolean)}). The empty name
 * {@link #SERVER} stands for the whole server; it and every registered service start {@link
 * HealthStatus#SERVING}. {@link Server#shutdown()} turns every status {@link
 * HealthStatus#NOT_SERVING} before the listener closes, so probes see the server draining; later
 * changes are ignored. Thread-safe; every change reaches open {@code Watch} streams.
 *
 * <pre>{@code
 * server.health().setStatus("shop.Checkout", HealthStatus.NOT_SERVING); // e.g. the database is down
 * }</pre>
 */
public interface Health {
  /** The service name that stands for the whole server. */
  String SERVER = "";

  /** Sets the status reported for {@code service} (a fully qualified name, or {@link #SERVER}). */
  void setStatus(String service, HealthStatus status);

  /** Forgets {@code service}: Check answers NOT_FOUND and Watch SERVICE_UNKNOWN. */
  void clearStatus(String service);

  /** The status reported for {@code service}, if it has one. */
  Optional<HealthStatus> status(String service);
}
