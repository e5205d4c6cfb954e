package dev.trunk.internal.health;

import static java.util.Objects.requireNonNull;

import dev.trunk.CallContext;
import dev.trunk.Codec;
import dev.trunk.Health;
import dev.trunk.HealthStatus;
import dev.trunk.MethodDescriptor;
import dev.trunk.ServiceDefinition;
import dev.trunk.Status;
import dev.trunk.StreamSender;
import dev.trunk.internal.health.v1.HealthCheckRequest;
import dev.trunk.internal.health.v1.HealthCheckResponse;
import dev.trunk.internal.health.v1.HealthCheckResponse.ServingStatus;
import dev.trunk.internal.health.v1.HealthListRequest;
import dev.trunk.internal.health.v1.HealthListResponse;
import dev.trunk.internal.health.v1.HealthOuterClass;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code grpc.health.v1.Health}: Check, Watch and List over the statuses set through {@link
 * Health}. Watch handlers block on virtual threads until a status changes; changes that happen
 * faster than a watcher sends coalesce into the latest one, as health-checking.md allows.
 */
public final class HealthService implements Health {
  /** The service's name on the wire. */
  public static final String SERVICE_NAME = "grpc.health.v1.Health";

  /** gRFC A90: List answers RESOURCE_EXHAUSTED beyond this many services. */
  static final int MAX_LISTED_SERVICES = 100;

  public static final MethodDescriptor<HealthCheckRequest, HealthCheckResponse> CHECK =
      MethodDescriptor.of(
          SERVICE_NAME,
          "Check",
          MethodDescriptor.Type.UNARY,
          Codec.protobuf(HealthCheckRequest.getDefaultInstance()),
          Codec.protobuf(HealthCheckResponse.getDefaultInstance()));
  public static final MethodDescriptor<HealthCheckRequest, HealthCheckResponse> WATCH =
      MethodDescriptor.of(
          SERVICE_NAME,
          "Watch",
          MethodDescriptor.Type.SERVER_STREAMING,
          Codec.protobuf(HealthCheckRequest.getDefaultInstance()),
          Codec.protobuf(HealthCheckResponse.getDefaultInstance()));
  public static final MethodDescriptor<HealthListRequest, HealthListResponse> LIST =
      MethodDescriptor.of(
          SERVICE_NAME,
          "List",
          MethodDescriptor.Type.UNARY,
          Codec.protobuf(HealthListRequest.getDefaultInstance()),
          Codec.protobuf(HealthListResponse.getDefaultInstance()));

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Map<String, HealthStatus> statuses = new TreeMap<>();
  private long version;
  private boolean shuttingDown;

  /** Starts with the whole server and each of {@code services} SERVING. */
  public HealthService(Iterable<String> services) {
    statuses.put(SERVER, HealthStatus.SERVING);
    services.forEach(service -> statuses.put(service, HealthStatus.SERVING));
  }

  /** The service definition to register on the server. */
  public ServiceDefinition definition() {
    return ServiceDefinition.builder(SERVICE_NAME)
        .unary(CHECK, this::check)
        .serverStreaming(WATCH, this::watch)
        .unary(LIST, this::list)
        .schema(HealthOuterClass.getDescriptor())
        .build();
  }

  /** Turns every status NOT_SERVING for good: the server is shutting down. */
  public void enterShutdown() {
    lock.lock();
    try {
      shuttingDown = true;
      statuses.replaceAll((service, status) -> HealthStatus.NOT_SERVING);
      changedLocked();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void setStatus(String service, HealthStatus status) {
    requireNonNull(service, "service");
    requireNonNull(status, "status");
    lock.lock();
    try {
      if (!shuttingDown && statuses.put(service, status) != status) {
        changedLocked();
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void clearStatus(String service) {
    requireNonNull(service, "service");
    lock.lock();
    try {
      if (!shuttingDown && statuses.remove(service) != null) {
        changedLocked();
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Optional<HealthStatus> status(String service) {
    lock.lock();
    try {
      return Optional.ofNullable(statuses.get(requireNonNull(service, "service")));
    } finally {
      lock.unlock();
    }
  }

  private HealthCheckResponse check(HealthCheckRequest request) {
    HealthStatus status = status(request.getService()).orElse(null);
    if (status == null) {
      // health-checking.md: Check of an unknown service fails with NOT_FOUND.
      throw Status.NOT_FOUND
          .withDescription("unknown service '" + request.getService() + "'")
          .asException();
    }
    return response(toWire(status));
  }

  /**
   * Sends the service's status, then every change. Once the server shuts down the watch sends
   * NOT_SERVING and ends with UNAVAILABLE, so it does not hold the shutdown for its whole grace
   * period. UNAVAILABLE, not OK or UNIMPLEMENTED: gRFC A17 clients treat any status but
   * UNIMPLEMENTED as "unhealthy, retry with backoff", and UNAVAILABLE is what a call cut by a
   * server going away reports.
   */
  private void watch(HealthCheckRequest request, StreamSender<HealthCheckResponse> responses) {
    String service = request.getService();
    CallContext call = CallContext.current();
    // Handler threads are not interrupted on cancellation: wake this one through the condition.
    call.onCancel(this::wakeWatchers);
    long seen = -1;
    ServingStatus sent = null;
    while (true) {
      ServingStatus current;
      boolean last;
      lock.lock();
      try {
        while (version == seen && !call.isCancelled()) {
          awaitChange();
        }
        if (call.isCancelled()) {
          throw Status.CANCELLED.withDescription("the health watch was cancelled").asException();
        }
        seen = version;
        HealthStatus status = statuses.get(service);
        // health-checking.md: Watch of an unknown service answers SERVICE_UNKNOWN and keeps going.
        current = status == null ? ServingStatus.SERVICE_UNKNOWN : toWire(status);
        last = shuttingDown;
      } finally {
        lock.unlock();
      }
      if (current != sent) {
        responses.send(response(current));
        sent = current;
      }
      if (last) {
        throw Status.UNAVAILABLE.withDescription("the server is shutting down").asException();
      }
    }
  }

  private void wakeWatchers() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private HealthListResponse list(HealthListRequest request) {
    lock.lock();
    try {
      if (statuses.size() > MAX_LISTED_SERVICES) {
        throw Status.RESOURCE_EXHAUSTED
            .withDescription(
                statuses.size() + " services exceed List's limit of " + MAX_LISTED_SERVICES)
            .asException();
      }
      HealthListResponse.Builder list = HealthListResponse.newBuilder();
      statuses.forEach((service, status) -> list.putStatuses(service, response(toWire(status))));
      return list.build();
    } finally {
      lock.unlock();
    }
  }

  private void awaitChange() {
    try {
      changed.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Status.CANCELLED.withDescription("the health watch was interrupted").asException();
    }
  }

  private void changedLocked() {
    version++;
    changed.signalAll();
  }

  private static ServingStatus toWire(HealthStatus status) {
    return status == HealthStatus.SERVING ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
  }

  private static HealthCheckResponse response(ServingStatus status) {
    return HealthCheckResponse.newBuilder().setStatus(status).build();
  }
}
