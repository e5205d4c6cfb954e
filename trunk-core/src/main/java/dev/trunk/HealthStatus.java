package dev.trunk;

/** Whether a service can take calls, as the standard health service reports it. */
public enum HealthStatus {
  /** The service is ready for calls. */
  SERVING,
  /** The service should not get calls now (starting, overloaded, draining, shutting down). */
  NOT_SERVING
}
