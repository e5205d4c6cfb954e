package dev.trunk.testing;

import static java.util.Objects.requireNonNull;

import dev.trunk.Channel;
import dev.trunk.EventListener;
import dev.trunk.Interceptor;
import dev.trunk.Server;
import dev.trunk.Service;
import dev.trunk.ServiceDefinition;
import dev.trunk.internal.Events;
import dev.trunk.internal.client.ChannelConfig;
import dev.trunk.internal.client.ChannelImpl;
import dev.trunk.internal.client.ConnectionBackoff;
import dev.trunk.internal.client.KeepAliveConfig;
import dev.trunk.internal.client.config.ServiceConfig;
import dev.trunk.internal.inprocess.InProcessServerTransport;
import dev.trunk.internal.server.ConnectionManagement;
import dev.trunk.internal.server.ServerConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A server that lives in the test's JVM, with channels that reach it without sockets.
 *
 * <p>Calls behave as over the network: the same framing, limits, deadlines, cancellation,
 * compression, interceptors and status rules (a handler's exception still reaches the client as
 * UNKNOWN without its message). Handlers run on virtual threads, or on the transport thread for
 * {@link Builder#nonBlockingService}. The server is thread-safe; {@link #close} shuts it down and
 * waits for running calls, cancelling them after the grace period.
 *
 * <pre>{@code
 * try (InProcessServer server = InProcessServer.builder().service(new GreeterService()).build();
 *     Channel channel = server.newChannel()) {
 *   HelloReply reply = GreeterClient.create(channel).sayHello(request);
 * }
 * }</pre>
 */
public final class InProcessServer implements AutoCloseable {
  private static final AtomicInteger NAMES = new AtomicInteger();

  private final InProcessServerTransport transport;
  private final ServerConfig config;
  private final String name;

  private InProcessServer(Builder builder) {
    this.name = builder.name != null ? builder.name : "server-" + NAMES.incrementAndGet();
    this.config =
        new ServerConfig(
            new InetSocketAddress(0),
            List.copyOf(builder.services),
            List.copyOf(builder.nonBlockingServices),
            List.copyOf(builder.interruptibleServices),
            List.copyOf(builder.interceptors),
            null,
            builder.maxInboundMessageSize,
            Server.Builder.DEFAULT_MAX_HEADER_LIST_SIZE,
            Server.Builder.DEFAULT_MAX_CONCURRENT_STREAMS,
            Server.Builder.DEFAULT_MAX_BUFFERED_BYTES_PER_CONNECTION,
            Server.Builder.DEFAULT_MAX_BUFFERED_BYTES,
            builder.shutdownGracePeriod,
            false,
            false,
            ConnectionManagement.defaults(),
            List.of(),
            List.of(),
            false,
            Events.of(builder.eventListeners));
    this.transport = new InProcessServerTransport(name, config);
  }

  /** Starts describing a server. */
  public static Builder builder() {
    return new Builder();
  }

  /** A new channel to this server; close it when done. */
  public Channel newChannel(Interceptor... interceptors) {
    ChannelConfig channelConfig =
        new ChannelConfig(
            name,
            name,
            null,
            List.of(interceptors),
            Channel.Builder.DEFAULT_MAX_INBOUND_MESSAGE_SIZE,
            Channel.Builder.DEFAULT_MAX_HEADER_LIST_SIZE,
            null,
            null,
            Channel.Builder.DEFAULT_CONNECT_TIMEOUT,
            Channel.Builder.DEFAULT_MAX_WAITING_CALLS,
            Channel.Builder.DEFAULT_MAX_BUFFERED_BYTES_PER_CONNECTION,
            KeepAliveConfig.OFF,
            null,
            Channel.Builder.DEFAULT_IDLE_TIMEOUT,
            ConnectionBackoff.INITIAL_BACKOFF,
            Channel.Builder.DEFAULT_LOAD_BALANCING_POLICY);
    return new ChannelImpl(
        channelConfig, transport.newClientTransport(), () -> ServiceConfig.EMPTY);
  }

  /** Refuses new calls; running calls may finish within the grace period, then are cancelled. */
  public void shutdown() {
    transport.shutdown();
  }

  /** Refuses new calls and cancels running ones. */
  public void shutdownNow() {
    transport.shutdownNow();
  }

  /**
   * Waits until every call has ended and every handler has returned; returns false if {@code
   * timeout} passed first.
   */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return transport.awaitTermination(timeout.toNanos());
  }

  /** Shuts down and waits for running calls (cancelling them after the grace period). */
  @Override
  public void close() {
    shutdown();
    try {
      if (!awaitTermination(config.shutdownGracePeriod().plusSeconds(5))) {
        shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      shutdownNow();
    }
  }

  @Override
  public String toString() {
    return "InProcessServer(" + name + ")";
  }

  /** Collects services and settings; {@link #build} starts the server. */
  public static final class Builder {
    private final List<ServiceDefinition> services = new ArrayList<>();
    private final List<ServiceDefinition> nonBlockingServices = new ArrayList<>();
    private final List<ServiceDefinition> interruptibleServices = new ArrayList<>();
    private final List<Interceptor> interceptors = new ArrayList<>();
    private final List<EventListener> eventListeners = new ArrayList<>();
    private int maxInboundMessageSize = Server.Builder.DEFAULT_MAX_INBOUND_MESSAGE_SIZE;
    private Duration shutdownGracePeriod = Server.Builder.DEFAULT_SHUTDOWN_GRACE_PERIOD;
    private @Nullable String name;

    private Builder() {}

    /** Names the server (shown as the peer address {@code inprocess:name}). */
    public Builder name(String name) {
      this.name = requireNonNull(name, "name");
      return this;
    }

    /** Serves {@code service}; its handlers run on virtual threads. */
    public Builder service(Service service) {
      return service(requireNonNull(service, "service").serviceDefinition());
    }

    /** Serves {@code service}; its handlers run on virtual threads. */
    public Builder service(ServiceDefinition service) {
      services.add(requireNonNull(service, "service"));
      return this;
    }

    /** Serves {@code service} with handlers that never block, run on the transport thread. */
    public Builder nonBlockingService(Service service) {
      nonBlockingServices.add(requireNonNull(service, "service").serviceDefinition());
      return this;
    }

    /**
     * Serves {@code service} on virtual threads that are interrupted when their call is cancelled
     * (see {@code Server.Builder.interruptibleService}).
     */
    public Builder interruptibleService(Service service) {
      interruptibleServices.add(requireNonNull(service, "service").serviceDefinition());
      return this;
    }

    /** Adds a server interceptor; the first added sees requests first. */
    public Builder intercept(Interceptor interceptor) {
      interceptors.add(requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /** Adds a listener of the server's calls, as {@code Server.Builder.eventListener}. */
    public Builder eventListener(EventListener listener) {
      eventListeners.add(requireNonNull(listener, "listener"));
      return this;
    }

    /** The largest request message accepted, after decompression. */
    public Builder maxInboundMessageSize(int bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("maxInboundMessageSize must be positive, was " + bytes);
      }
      this.maxInboundMessageSize = bytes;
      return this;
    }

    /** How long {@link #close} lets running calls finish before cancelling them. */
    public Builder shutdownGracePeriod(Duration gracePeriod) {
      this.shutdownGracePeriod = requireNonNull(gracePeriod, "gracePeriod");
      return this;
    }

    /** Starts the server. */
    public InProcessServer build() {
      return new InProcessServer(this);
    }
  }
}
