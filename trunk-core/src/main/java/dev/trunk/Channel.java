package dev.trunk;

import static java.util.Objects.requireNonNull;

import dev.trunk.internal.Events;
import dev.trunk.internal.client.ChannelConfig;
import dev.trunk.internal.client.ChannelCore;
import dev.trunk.internal.client.ChannelImpl;
import dev.trunk.internal.client.ConnectionBackoff;
import dev.trunk.internal.client.KeepAliveConfig;
import dev.trunk.internal.client.Resolvers;
import dev.trunk.internal.client.config.ServiceConfig;
import dev.trunk.internal.client.config.ServiceConfigParser;
import dev.trunk.internal.netty.NettyConnector;
import dev.trunk.spi.LoadBalancer;
import dev.trunk.spi.NameResolver;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A client's connection to one gRPC server, on which calls of all four kinds are made. Generated
 * clients wrap a channel; the methods here are what they call.
 *
 * <p>Thread-safe: share one channel across threads and calls. It connects lazily on the first call
 * and reconnects after a failure. Close it when done: {@link #close()} lets calls in progress
 * finish and then closes the connection; {@link #shutdownNow()} cancels them.
 *
 * <pre>{@code
 * try (Channel channel = Channel.forAddress("127.0.0.1", 50051).build()) {
 *   Feature f = channel.unaryCall(RouteGuide.Methods.GET_FEATURE, point, CallOptions.DEFAULT);
 * }
 * }</pre>
 */
public interface Channel extends AutoCloseable {

  /** A builder for a plaintext (HTTP/2 prior knowledge) channel to {@code host:port}. */
  static Builder forAddress(String host, int port) {
    requireNonNull(host, "host");
    if (port <= 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is not in 1..65535");
    }
    return new Builder("dns:///" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port);
  }

  /**
   * A builder for a channel to {@code target}: {@code host:port}, {@code [ipv6]:port}, or either
   * after {@code dns:///}. The port is required. TLS is not part of the target: choose it with
   * {@link Builder#tls()}.
   *
   * @throws IllegalArgumentException if the target is not one of these forms (a URL such as {@code
   *     http://host:port}, no port, a port that is not a number in 1..65535, an empty host, an IPv6
   *     address without brackets, whitespace); the message names the target and the problem
   */
  static Builder forTarget(String target) {
    return new Builder(requireNonNull(target, "target"));
  }

  /**
   * Makes a unary call and waits for its response, which this thread then decodes.
   *
   * @throws StatusException if the call ends with a status other than OK; CANCELLED if the thread
   *     is interrupted while waiting (the call is cancelled, the interrupt flag stays set)
   */
  <Req, Resp> Resp unaryCall(MethodDescriptor<Req, Resp> method, Req request, CallOptions options);

  /**
   * Starts a unary call; cancelling the future cancels the call. The future completes on the
   * channel's {@linkplain Builder#callbackExecutor callback executor} (by default a new virtual
   * thread, never an I/O thread), so its callbacks may block. Completing it by hand or timing it
   * out ({@code orTimeout}) cancels the call too; a future derived from it ({@code thenApply}, ...)
   * is a plain {@link CompletableFuture}, whose cancellation does not reach the call.
   */
  <Req, Resp> CompletableFuture<Resp> unaryCallAsync(
      MethodDescriptor<Req, Resp> method, Req request, CallOptions options);

  /** Starts a server-streaming call. */
  <Req, Resp> ResponseStream<Resp> serverStreamingCall(
      MethodDescriptor<Req, Resp> method, Req request, CallOptions options);

  /** Starts a client-streaming call. */
  <Req, Resp> ClientStreamingCall<Req, Resp> clientStreamingCall(
      MethodDescriptor<Req, Resp> method, CallOptions options);

  /** Starts a bidirectional-streaming call. */
  <Req, Resp> BidiStreamingCall<Req, Resp> bidiStreamingCall(
      MethodDescriptor<Req, Resp> method, CallOptions options);

  /** The {@code :authority} sent with calls. */
  String authority();

  /**
   * The channel's connectivity state. With {@code requestConnection}, an IDLE channel starts
   * resolving and connecting (as its first call would), so a later call finds it READY.
   */
  ConnectivityState state(boolean requestConnection);

  /**
   * Adds {@code listener}, told of each change of {@link #state}, one at a time and in order, on
   * the channel's control thread (a virtual thread, never an I/O thread; it must not block long).
   */
  void addStateListener(Consumer<ConnectivityState> listener);

  /** Removes a listener added with {@link #addStateListener}; unknown listeners are ignored. */
  void removeStateListener(Consumer<ConnectivityState> listener);

  /** Refuses new calls, cancels calls in progress with CANCELLED and closes the connection. */
  void shutdownNow();

  /** Refuses new calls, lets calls in progress finish, then closes the connection. */
  @Override
  void close();

  /**
   * The wire protocol a channel's calls use. gRPC-Web and Connect let a Java client reach a server
   * through proxies that only pass HTTP/1.1 (see {@link Builder#http1()}); Trunk servers speak all
   * three on one port.
   */
  enum Protocol {
    /** gRPC over HTTP/2 (PROTOCOL-HTTP2.md): every call kind, trailers in HTTP/2 trailers. */
    GRPC,
    /**
     * gRPC-Web (PROTOCOL-WEB.md): gRPC's messages with the trailers as a last body frame, over
     * HTTP/2 or HTTP/1.1.
     */
    GRPC_WEB,
    /**
     * The Connect protocol (connectrpc.com/docs/protocol): a unary call's body is the bare message
     * and errors are JSON; streaming calls use envelopes ending in a JSON end-of-stream message.
     */
    CONNECT
  }

  /** Configures a {@link Channel}. Not thread-safe. */
  final class Builder {
    /** Default limit on a received message (PROTOCOL-HTTP2.md leaves it to implementations). */
    public static final int DEFAULT_MAX_INBOUND_MESSAGE_SIZE = 4 * 1024 * 1024;

    /** Default limit on the size of a received header list (SETTINGS_MAX_HEADER_LIST_SIZE). */
    public static final int DEFAULT_MAX_HEADER_LIST_SIZE = 8 * 1024;

    /**
     * Default {@link #connectTimeout}: connection-backoff.md's MIN_CONNECT_TIMEOUT, the least time
     * a connection attempt is given.
     */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(20);

    /**
     * Default {@link #maxWaitingCalls}: calls that may wait on one connection for it to become
     * ready or for a stream slot under the server's SETTINGS_MAX_CONCURRENT_STREAMS.
     */
    public static final int DEFAULT_MAX_WAITING_CALLS = 10_000;

    /**
     * Default {@link #maxBufferedBytesPerConnection}: bytes of received response messages the calls
     * on one connection may hold before further data fails with RESOURCE_EXHAUSTED.
     */
    public static final long DEFAULT_MAX_BUFFERED_BYTES_PER_CONNECTION = 64L * 1024 * 1024;

    /** Default {@link #keepAliveTime}: infinite, no keepalive (gRFC A8 KEEPALIVE_TIME). */
    public static final Duration DEFAULT_KEEPALIVE_TIME = ChronoUnit.FOREVER.getDuration();

    /** Shortest {@link #keepAliveTime}; shorter times are raised to it (gRFC A8). */
    public static final Duration MIN_KEEPALIVE_TIME = Duration.ofSeconds(10);

    /** Default {@link #keepAliveTimeout} (gRFC A8 KEEPALIVE_TIMEOUT). */
    public static final Duration DEFAULT_KEEPALIVE_TIMEOUT = Duration.ofSeconds(20);

    /** Default {@link #keepAliveWithoutCalls} (gRFC A8 KEEPALIVE_WITHOUT_CALLS). */
    public static final boolean DEFAULT_KEEPALIVE_WITHOUT_CALLS = false;

    /**
     * Default {@link #idleTimeout}: a channel with no call for this long closes its connections and
     * stops resolving until the next call (grpc-java's default).
     */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(30);

    /** Default {@link #loadBalancingPolicy}: gRPC's default policy. */
    public static final String DEFAULT_LOAD_BALANCING_POLICY = "pick_first";

    /** The port of a target that names none: 443, gRPC over TLS (gRPC's naming document). */
    public static final int DEFAULT_PORT = 443;

    private final String target;
    private final Map<String, NameResolver.Provider> resolvers = new HashMap<>();
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private String loadBalancingPolicy = DEFAULT_LOAD_BALANCING_POLICY;
    private @Nullable ServiceConfig defaultServiceConfig;
    private boolean lookUpServiceConfig;
    private Duration initialBackoff = ConnectionBackoff.INITIAL_BACKOFF;
    private @Nullable TlsConfig tls;
    private @Nullable String authority;
    private final List<Interceptor> interceptors = new ArrayList<>();
    private final List<EventListener> eventListeners = new ArrayList<>();
    private int maxInboundMessageSize = DEFAULT_MAX_INBOUND_MESSAGE_SIZE;
    private int maxHeaderListSize = DEFAULT_MAX_HEADER_LIST_SIZE;
    private @Nullable String userAgent;
    private @Nullable Executor callbackExecutor;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private int maxWaitingCalls = DEFAULT_MAX_WAITING_CALLS;
    private long maxBufferedBytesPerConnection = DEFAULT_MAX_BUFFERED_BYTES_PER_CONNECTION;
    private Duration keepAliveTime = DEFAULT_KEEPALIVE_TIME;
    private Duration keepAliveTimeout = DEFAULT_KEEPALIVE_TIMEOUT;
    private boolean keepAliveWithoutCalls = DEFAULT_KEEPALIVE_WITHOUT_CALLS;
    private Protocol protocol = Protocol.GRPC;
    private boolean http1;
    private int http1MaxConnections = ChannelConfig.DEFAULT_HTTP1_MAX_CONNECTIONS;

    private Builder(String target) {
      this.target = target;
    }

    /**
     * Resolves targets of {@code provider}'s scheme with it (for example a {@code k8s:} resolver of
     * the application's own), instead of any resolver registered for that scheme.
     */
    public Builder nameResolver(NameResolver.Provider provider) {
      resolvers.put(requireNonNull(provider, "provider").scheme(), provider);
      return this;
    }

    /**
     * The load-balancing policy when the service config names none: {@code pick_first} (the
     * default: one connection, to the first address that answers), {@code round_robin} (a
     * connection to every address, calls in turn), {@code least_request_experimental}, {@code
     * ring_hash_experimental}, or a policy registered with {@link java.util.ServiceLoader}.
     *
     * @throws IllegalArgumentException if no policy of that name is registered
     */
    public Builder loadBalancingPolicy(String policy) {
      requireNonNull(policy, "policy");
      if (LoadBalancer.Choice.provider(policy) == null) {
        throw new IllegalArgumentException(
            "unknown load-balancing policy '"
                + policy
                + "'; known policies are pick_first, round_robin, least_request_experimental,"
                + " ring_hash_experimental and those registered with ServiceLoader");
      }
      this.loadBalancingPolicy = policy;
      return this;
    }

    /**
     * The service config (gRPC's JSON format: {@code methodConfig} with timeouts, wait-for-ready,
     * message limits, {@code retryPolicy} or {@code hedgingPolicy}; {@code retryThrottling}; {@code
     * loadBalancingConfig}; {@code healthCheckConfig}) used unless the name resolver supplies one
     * (see {@link #lookUpServiceConfig}). See {@code docs/client.md}.
     *
     * <pre>{@code
     * builder.defaultServiceConfig(
     *     "{\"methodConfig\": [{\"name\": [{\"service\": \"routeguide.RouteGuide\"}],"
     *         + " \"retryPolicy\": {\"maxAttempts\": 3, \"initialBackoff\": \"0.1s\","
     *         + " \"maxBackoff\": \"1s\", \"backoffMultiplier\": 2,"
     *         + " \"retryableStatusCodes\": [\"UNAVAILABLE\"]}}]}");
     * }</pre>
     *
     * @throws IllegalArgumentException if the config is invalid; the message names the field
     */
    public Builder defaultServiceConfig(String json) {
      this.defaultServiceConfig = ServiceConfigParser.parse(requireNonNull(json, "json"));
      return this;
    }

    /**
     * Whether to use the service config the name resolver finds (for {@code dns:} targets, the
     * {@code _grpc_config.<host>} TXT record of gRFC A2). Off by default: the service owner's DNS
     * then cannot change this client's retries or balancing. An invalid config found there is
     * logged and ignored in favour of the last valid one, else the default (gRFC A21).
     */
    public Builder lookUpServiceConfig(boolean enabled) {
      this.lookUpServiceConfig = enabled;
      return this;
    }

    /**
     * How long the channel may go without calls before it enters idle mode: it closes its
     * connections and stops resolving; the next call starts both again.
     *
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = positive(timeout, "idleTimeout");
      return this;
    }

    /** The first reconnection delay, shorter than connection-backoff.md's 1 s, for tests. */
    Builder initialBackoffForTest(Duration delay) {
      this.initialBackoff = positive(delay, "initialBackoff");
      return this;
    }

    /** Plain HTTP/2 with prior knowledge (the default). */
    public Builder plaintext() {
      this.tls = null;
      return this;
    }

    /** The wire protocol of every call: {@link Protocol#GRPC} by default. */
    public Builder protocol(Protocol protocol) {
      this.protocol = requireNonNull(protocol, "protocol");
      return this;
    }

    /**
     * Speaks HTTP/1.1 instead of HTTP/2, for servers behind proxies that only pass HTTP/1.1; only
     * with {@link Protocol#GRPC_WEB} or {@link Protocol#CONNECT}, in plaintext or with {@link
     * #tls(TlsConfig)} (which then offers ALPN {@code http/1.1} only). Each call in progress has a
     * connection of its own (idle connections are reused), up to {@value
     * ChannelConfig#DEFAULT_HTTP1_MAX_CONNECTIONS} per server address; further calls wait for one,
     * at most {@link #maxWaitingCalls} of them (more fail with RESOURCE_EXHAUSTED). Since HTTP/1.1
     * sends the whole request before the response, bidirectional-streaming calls fail with
     * UNIMPLEMENTED.
     */
    public Builder http1() {
      this.http1 = true;
      return this;
    }

    /** Fewer HTTP/1.1 connections per endpoint than the default, for tests of the queue. */
    Builder http1MaxConnectionsForTest(int connections) {
      this.http1MaxConnections = positive(connections, "http1MaxConnections");
      return this;
    }

    /** TLS trusting the JDK's default certificate authorities. */
    public Builder tls() {
      return tls(TlsConfig.builder().build());
    }

    /** TLS with these settings. */
    public Builder tls(TlsConfig config) {
      this.tls = requireNonNull(config, "config");
      return this;
    }

    /** The {@code :authority} to send and, with TLS, the name to verify; default host:port. */
    public Builder overrideAuthority(String authority) {
      this.authority = requireNonNull(authority, "authority");
      return this;
    }

    /** Adds an interceptor for every call; the first added sees requests first. */
    public Builder intercept(Interceptor interceptor) {
      interceptors.add(requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /** Largest response message accepted, after decompression; larger fails RESOURCE_EXHAUSTED. */
    public Builder maxInboundMessageSize(int bytes) {
      this.maxInboundMessageSize = positive(bytes, "maxInboundMessageSize");
      return this;
    }

    /** Largest response header list accepted. */
    public Builder maxHeaderListSize(int bytes) {
      this.maxHeaderListSize = positive(bytes, "maxHeaderListSize");
      return this;
    }

    /** Prefix of the {@code user-agent} header (Trunk appends its own name and version). */
    public Builder userAgent(String userAgent) {
      this.userAgent = requireNonNull(userAgent, "userAgent");
      return this;
    }

    /**
     * Adds a listener of this channel's calls, attempts and connections (for metrics, tracing,
     * logs). More than one may be installed; each sees every event, in the order they were added.
     * See {@link EventListener} for which events come when and on which thread.
     */
    public Builder eventListener(EventListener listener) {
      eventListeners.add(requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Where {@link Channel#unaryCallAsync} futures complete: the executor decodes the response,
     * runs the interceptors' observers and completes the future, so callbacks such as {@code
     * thenAccept} run there. By default each completion gets a new virtual thread, which costs one
     * thread hand-off per async call and lets a blocking callback hold up nothing but itself. An
     * executor that runs tasks inline ({@code Runnable::run}) completes futures on the I/O thread,
     * which all channels of the process share, saving that hand-off: only for callbacks that never
     * block.
     */
    public Builder callbackExecutor(Executor executor) {
      this.callbackExecutor = requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Turns keepalive on: when nothing has been read from the server for {@code time}, the channel
     * sends an HTTP/2 PING, which keeps proxies from dropping a quiet connection and detects a dead
     * one (gRFC A8). Times below {@link #MIN_KEEPALIVE_TIME} are raised to it. A server that finds
     * the PINGs too frequent closes the connection with GOAWAY "too_many_pings"; the channel then
     * doubles the time for its later connections. Agree the time with the server's owner: servers
     * permit one PING per 5 minutes by default.
     *
     * @throws IllegalArgumentException if {@code time} is not positive
     */
    public Builder keepAliveTime(Duration time) {
      Duration checked = positive(time, "keepAliveTime");
      this.keepAliveTime = checked.compareTo(MIN_KEEPALIVE_TIME) < 0 ? MIN_KEEPALIVE_TIME : checked;
      return this;
    }

    /**
     * {@link #keepAliveTime} without the 10-second minimum of gRFC A8, for tests that cannot wait
     * that long.
     */
    Builder keepAliveTimeForTest(Duration time) {
      this.keepAliveTime = positive(time, "keepAliveTime");
      return this;
    }

    /**
     * How long the channel waits, after a keepalive PING, for anything from the server; when
     * nothing comes, the connection is closed and its calls fail with UNAVAILABLE (gRFC A8).
     *
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public Builder keepAliveTimeout(Duration timeout) {
      this.keepAliveTimeout = positive(timeout, "keepAliveTimeout");
      return this;
    }

    /**
     * Whether keepalive PINGs are also sent while no call is in progress (gRFC A8; off by default).
     * Servers close connections that do this unless they permit it.
     */
    public Builder keepAliveWithoutCalls(boolean enabled) {
      this.keepAliveWithoutCalls = enabled;
      return this;
    }

    /**
     * How long one connection attempt may take (TCP and TLS handshakes) before it fails and the
     * calls waiting for it fail with UNAVAILABLE.
     *
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /**
     * How many calls may wait on a connection for it to become ready or for a free stream (the
     * server limits streams with SETTINGS_MAX_CONCURRENT_STREAMS); further calls fail at once with
     * RESOURCE_EXHAUSTED instead of queueing without bound.
     *
     * @throws IllegalArgumentException if {@code calls} is not positive
     */
    public Builder maxWaitingCalls(int calls) {
      this.maxWaitingCalls = positive(calls, "maxWaitingCalls");
      return this;
    }

    /**
     * Bytes of received response messages (complete or still arriving, not yet taken by the
     * application) the calls on one connection may hold. Past half of it, streams with unread
     * messages stop getting HTTP/2 flow-control credit; data beyond it fails its call with
     * RESOURCE_EXHAUSTED. Must be at least {@link #maxInboundMessageSize}.
     */
    public Builder maxBufferedBytesPerConnection(long bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException(
            "maxBufferedBytesPerConnection must be positive, was " + bytes);
      }
      this.maxBufferedBytesPerConnection = bytes;
      return this;
    }

    /**
     * Builds the channel.
     *
     * @throws IllegalArgumentException if the settings contradict each other (HTTP/1.1 with gRPC, a
     *     buffer smaller than a message) or a target or TLS setting is invalid
     */
    public Channel build() {
      checkHttpVersion();
      if (maxBufferedBytesPerConnection < maxInboundMessageSize) {
        throw new IllegalArgumentException(
            "maxBufferedBytesPerConnection ("
                + maxBufferedBytesPerConnection
                + ") must be at least maxInboundMessageSize ("
                + maxInboundMessageSize
                + "): a message must fit");
      }
      Resolvers.Resolved resolved = new Resolvers(resolvers).find(target);
      NameResolver.Args args =
          new NameResolver.Args(
              DEFAULT_PORT,
              NettyConnector.scheduler(),
              ChannelCore.BLOCKING_TASKS,
              lookUpServiceConfig);
      // A resolver made and closed at once: its provider refuses a malformed target here.
      resolved.provider().newResolver(resolved.target(), args).close();
      String effectiveAuthority =
          authority != null ? authority : resolved.provider().authority(resolved.target(), args);
      ChannelConfig config =
          new ChannelConfig(
              target,
              effectiveAuthority,
              tls,
              List.copyOf(interceptors),
              maxInboundMessageSize,
              maxHeaderListSize,
              userAgent,
              callbackExecutor,
              connectTimeout,
              maxWaitingCalls,
              maxBufferedBytesPerConnection,
              new KeepAliveConfig(
                  nanos(keepAliveTime), nanos(keepAliveTimeout), keepAliveWithoutCalls),
              defaultServiceConfig,
              idleTimeout,
              initialBackoff,
              loadBalancingPolicy,
              protocol,
              http1,
              http1MaxConnections,
              Events.of(eventListeners));
      ChannelCore core =
          new ChannelCore(
              config,
              resolved.target(),
              resolved.provider(),
              args,
              new NettyConnector(config),
              ServiceConfigParser::parse);
      return new ChannelImpl(config, core);
    }

    private void checkHttpVersion() {
      if (!http1) {
        return;
      }
      if (protocol == Protocol.GRPC) {
        throw new IllegalArgumentException(
            "gRPC needs HTTP/2 (PROTOCOL-HTTP2.md); to use HTTP/1.1 choose"
                + " protocol(Protocol.GRPC_WEB) or protocol(Protocol.CONNECT)");
      }
    }

    static int positive(int value, String name) {
      if (value <= 0) {
        throw new IllegalArgumentException(name + " must be positive, was " + value);
      }
      return value;
    }

    static Duration positive(Duration value, String name) {
      if (requireNonNull(value, name).isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + value);
      }
      return value;
    }

    /** Nanoseconds of {@code duration}; durations too long for a {@code long} are infinite. */
    static long nanos(Duration duration) {
      return TimeUnit.NANOSECONDS.convert(duration);
    }
  }
}
