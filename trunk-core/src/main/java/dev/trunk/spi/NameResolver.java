package dev.trunk.spi;

import dev.trunk.Status;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * Experimental: turns a channel's target into endpoints, and keeps them current.
 *
 * <p>A resolver is made per channel by the {@link Provider} registered for the target's scheme
 * ({@code dns}, {@code ipv4}, {@code unix}, or one of the application's own, such as {@code k8s}).
 * The channel calls {@link #start} once, {@link #refresh} when a connection fails, and {@link
 * #close} when it shuts down or goes idle. The resolver reports to its {@link Listener} from any
 * thread, as often as the endpoints change. It must never block the caller of {@code start} or
 * {@code refresh}: slow lookups run on {@link Args#blockingExecutor()}.
 *
 * <pre>{@code
 * final class StaticResolver implements NameResolver {
 *   public void start(Listener listener) {
 *     listener.onResult(new Resolution(List.of(Endpoint.of(new InetSocketAddress("127.0.0.1", 50051))), null));
 *   }
 *   public void refresh() {}
 *   public void close() {}
 * }
 * }</pre>
 */
public interface NameResolver extends AutoCloseable {
  /** Starts resolving; results go to {@code listener}. Called once. */
  void start(Listener listener);

  /**
   * Asks for a fresh resolution, because a connection failed. A resolver may ignore it when it
   * resolved a moment ago.
   */
  void refresh();

  /** Stops resolving; no result is reported after this returns. */
  @Override
  void close();

  /** Where a resolver reports. Thread-safe. */
  interface Listener {
    /** The target's endpoints now, replacing any reported before. */
    void onResult(Resolution resolution);

    /**
     * Resolution failed (UNAVAILABLE, with a description naming the target and the cause). The
     * channel keeps the endpoints it had, if any, and calls {@link #refresh} later, with backoff.
     */
    void onError(Status error);
  }

  /**
   * What a resolution found.
   *
   * @param endpoints the backends, in the resolver's order; empty means none (calls then fail
   *     UNAVAILABLE naming the target)
   * @param serviceConfigJson the service config the name publishes (for DNS, the {@code
   *     grpc_config} TXT record), or null; the channel uses it only when the application allowed it
   */
  record Resolution(List<Endpoint> endpoints, @Nullable String serviceConfigJson) {
    public Resolution {
      endpoints = List.copyOf(endpoints);
    }
  }

  /**
   * What a provider gets to make a resolver.
   *
   * @param defaultPort the port for targets that name none (443, gRPC over TLS, unless the
   *     channel's builder says otherwise)
   * @param scheduler for periodic re-resolution; its tasks must not block
   * @param blockingExecutor for lookups that block (a virtual thread per task)
   * @param lookUpServiceConfig whether the channel reads a service config from the resolver (DNS:
   *     the TXT lookup is made only when this is true)
   */
  record Args(
      int defaultPort,
      ScheduledExecutorService scheduler,
      Executor blockingExecutor,
      boolean lookUpServiceConfig) {}

  /**
   * Makes resolvers for one target scheme. Found with {@link java.util.ServiceLoader} or given to
   * {@code Channel.Builder.nameResolver}; the provider registered last for a scheme wins.
   */
  interface Provider {
    /** The scheme this provider resolves, lower case, without the colon: {@code "dns"}. */
    String scheme();

    /**
     * A resolver for {@code target}, whose scheme is {@link #scheme()}. It must not look anything
     * up before {@link NameResolver#start}: a channel also makes (and closes) one when it is built,
     * to refuse a malformed target there.
     *
     * @throws IllegalArgumentException if the target is malformed for this scheme; the message
     *     names the target and the expected form
     */
    NameResolver newResolver(Target target, Args args);

    /**
     * The authority a channel to {@code target} sends (and verifies with TLS), when the application
     * gives none: usually the host and port named in the target.
     */
    String authority(Target target, Args args);
  }
}
