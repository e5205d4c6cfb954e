package dev.trunk;

import static java.util.Objects.requireNonNull;

import dev.trunk.internal.server.ServerConfig;
import dev.trunk.internal.server.ServerImpl;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A gRPC server: listens on one port and serves the registered services over HTTP/2, cleartext or
 * TLS.
 *
 * <p>Each call's handler runs on its own virtual thread and may block. Services registered with
 * {@link Builder#nonBlockingService} run unary and server-streaming handlers directly on the I/O
 * thread instead. Thread-safe. {@link #shutdown()} stops accepting calls, sends GOAWAY and lets
 * calls in progress finish within the grace period; {@link #close()} does that and waits.
 *
 * <pre>{@code
 * Server server = Server.builder().address("127.0.0.1", 50051).service(new RouteGuideService()).build().start();
 * server.awaitTermination();
 * }</pre>
 */
public interface Server extends AutoCloseable {

  static Builder builder() {
    return new Builder();
  }

  /**
   * Binds the port and starts serving.
   *
   * @throws IOException if the address cannot be bound
   */
  Server start() throws IOException;

  /** The bound port (useful after binding port 0). */
  int port();

  /**
   * Stops accepting new calls (GOAWAY), lets calls in progress finish within the grace period, then
   * cancels the rest. Returns at once.
   */
  void shutdown();

  /** Cancels every call, closes every connection and stops. Returns at once. */
  void shutdownNow();

  /**
   * Waits until the server has stopped: its connections are closed and its handlers have returned
   * (a handler that ignores cancellation is waited for too). Returns whether it did within {@code
   * timeout}.
   */
  boolean awaitTermination(Duration timeout) throws InterruptedException;

  /** Waits until the server has stopped. */
  void awaitTermination() throws InterruptedException;

  /** The statuses this server's health service reports; see {@link Health}. */
  Health health();

  /**
   * {@link #shutdown()} and wait until stopped: at most the grace period and a few seconds, then
   * {@link #shutdownNow()} and a few seconds more; handlers still running after that are left to
   * finish on their own (their {@code send} and {@code receive} throw {@link StatusException}).
   */
  @Override
  void close();

  /** Configures a {@link Server}. Not thread-safe. */
  final class Builder {
    /** Default limit on a received message (PROTOCOL-HTTP2.md leaves it to implementations). */
    public static final int DEFAULT_MAX_INBOUND_MESSAGE_SIZE = 4 * 1024 * 1024;

    /** Default limit on the size of a received header list (SETTINGS_MAX_HEADER_LIST_SIZE). */
    public static final int DEFAULT_MAX_HEADER_LIST_SIZE = 8 * 1024;

    /** Default SETTINGS_MAX_CONCURRENT_STREAMS advertised to each client. */
    public static final int DEFAULT_MAX_CONCURRENT_STREAMS = 10_000;

    /** Default time calls may take to finish after {@link Server#shutdown()}. */
    public static final Duration DEFAULT_SHUTDOWN_GRACE_PERIOD = Duration.ofSeconds(30);

    private InetSocketAddress address = new InetSocketAddress(0);
    private final List<ServiceDefinition> services = new ArrayList<>();
    private final List<ServiceDefinition> nonBlockingServices = new ArrayList<>();
    private final List<ServiceDefinition> interruptibleServices = new ArrayList<>();
    private final List<Interceptor> interceptors = new ArrayList<>();
    private @Nullable TlsConfig tls;
    private int maxInboundMessageSize = DEFAULT_MAX_INBOUND_MESSAGE_SIZE;
    private int maxHeaderListSize = DEFAULT_MAX_HEADER_LIST_SIZE;
    private int maxConcurrentStreams = DEFAULT_MAX_CONCURRENT_STREAMS;
    private Duration shutdownGracePeriod = DEFAULT_SHUTDOWN_GRACE_PERIOD;
    private boolean health = true;
    private boolean reflection;

    private Builder() {}

    /** Listens on every interface at {@code port} (0 picks a free port). */
    public Builder port(int port) {
      this.address = new InetSocketAddress(checkPort(port));
      return this;
    }

    /** Listens on {@code host} at {@code port} (0 picks a free port). */
    public Builder address(String host, int port) {
      this.address = new InetSocketAddress(requireNonNull(host, "host"), checkPort(port));
      return this;
    }

    /** Serves a service; its handlers run on virtual threads and may block. */
    public Builder service(Service service) {
      return service(requireNonNull(service, "service").serviceDefinition());
    }

    /** Serves a service; its handlers run on virtual threads and may block. */
    public Builder service(ServiceDefinition service) {
      services.add(requireNonNull(service, "service"));
      return this;
    }

    /**
     * Serves a service whose unary and server-streaming handlers never block: they run on the I/O
     * thread, saving two thread hand-offs per call. Handlers that receive a stream still run on
     * virtual threads.
     */
    public Builder nonBlockingService(Service service) {
      nonBlockingServices.add(requireNonNull(service, "service").serviceDefinition());
      return this;
    }

    /**
     * Serves a service like {@link #service(Service)}, and also interrupts a handler's thread when
     * its call is cancelled (by the client, the deadline or a shutdown), so that a handler blocked
     * in {@code Thread.sleep}, {@code Object.wait} or an interruptible library call stops at once.
     *
     * <p>Not the default, because interrupting a thread blocked in NIO channel I/O closes the
     * channel: a handler reading a shared {@code FileChannel} would close it for everyone. Without
     * it, cancellation is still visible: {@link CallContext#isCancelled()}, {@link
     * CallContext#onCancel}, and a {@code receive} or {@code send} blocked in Trunk wakes with a
     * {@link StatusException}.
     */
    public Builder interruptibleService(Service service) {
      interruptibleServices.add(requireNonNull(service, "service").serviceDefinition());
      return this;
    }

    /** Adds an interceptor for every call; the first added sees requests first. */
    public Builder intercept(Interceptor interceptor) {
      interceptors.add(requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /** Serves TLS (ALPN h2) with these settings instead of cleartext. */
    public Builder tls(TlsConfig config) {
      this.tls = requireNonNull(config, "config");
      return this;
    }

    /** Largest request message accepted, after decompression; larger fails RESOURCE_EXHAUSTED. */
    public Builder maxInboundMessageSize(int bytes) {
      this.maxInboundMessageSize = Channel.Builder.positive(bytes, "maxInboundMessageSize");
      return this;
    }

    /** Largest request header list accepted (advertised as SETTINGS_MAX_HEADER_LIST_SIZE). */
    public Builder maxHeaderListSize(int bytes) {
      this.maxHeaderListSize = Channel.Builder.positive(bytes, "maxHeaderListSize");
      return this;
    }

    /** Streams a client may open at once on one connection (SETTINGS_MAX_CONCURRENT_STREAMS). */
    public Builder maxConcurrentStreams(int streams) {
      this.maxConcurrentStreams = Channel.Builder.positive(streams, "maxConcurrentStreams");
      return this;
    }

    /** How long {@link Server#shutdown()} lets calls finish before cancelling them. */
    public Builder shutdownGracePeriod(Duration grace) {
      this.shutdownGracePeriod = requireNonNull(grace, "grace");
      return this;
    }

    /**
     * Whether to serve the standard health service {@code grpc.health.v1.Health} (on by default);
     * see {@link Health}.
     */
    public Builder health(boolean enabled) {
      this.health = enabled;
      return this;
    }

    /**
     * Serves gRPC server reflection ({@code grpc.reflection.v1} and {@code v1alpha}), so tools such
     * as grpcurl and {@code buf curl} can list and call methods without the {@code .proto} files.
     * Off by default: it exposes the schema of every service.
     */
    public Builder reflection() {
      this.reflection = true;
      return this;
    }

    /** Builds the server; {@link Server#start()} starts listening. */
    public Server build() {
      ServerConfig config =
          new ServerConfig(
              address,
              List.copyOf(services),
              List.copyOf(nonBlockingServices),
              List.copyOf(interruptibleServices),
              List.copyOf(interceptors),
              tls,
              maxInboundMessageSize,
              maxHeaderListSize,
              maxConcurrentStreams,
              shutdownGracePeriod,
              health,
              reflection);
      return new ServerImpl(config);
    }

    private static int checkPort(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port " + port + " is not in 0..65535");
      }
      return port;
    }
  }
}
