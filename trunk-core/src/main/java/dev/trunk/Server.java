package dev.trunk;

import static java.util.Objects.requireNonNull;

import dev.trunk.internal.Events;
import dev.trunk.internal.resolver.AbstractUnixSocketAddress;
import dev.trunk.internal.server.ConnectionManagement;
import dev.trunk.internal.server.ServerConfig;
import dev.trunk.internal.server.ServerImpl;
import dev.trunk.internal.web.StaticFiles;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
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
   * Binds the port and starts serving. A server starts once; a failed start stops every thread it
   * started before it throws, so a process whose server cannot start can still exit.
   *
   * @throws java.net.BindException if the address cannot be bound (the message says why: in use,
   *     not an address of this machine, or a privileged port), with the system's error as cause
   * @throws IOException if the TLS material cannot be read
   * @throws IllegalStateException if {@code start()} was called before, or the server was shut down
   */
  Server start() throws IOException;

  /**
   * The bound port (useful after binding port 0), or 0 for a server on a {@linkplain
   * Builder#unixSocket Unix domain socket}.
   */
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

    /**
     * Default {@link #maxBufferedBytesPerConnection}: bytes of received request messages the calls
     * of one connection may hold before further data fails with RESOURCE_EXHAUSTED.
     */
    public static final long DEFAULT_MAX_BUFFERED_BYTES_PER_CONNECTION = 64L * 1024 * 1024;

    /**
     * Default {@link #maxBufferedBytes}: a quarter of the JVM's maximum heap, for the received
     * request messages of all connections together.
     */
    public static final long DEFAULT_MAX_BUFFERED_BYTES = Runtime.getRuntime().maxMemory() / 4;

    /** Default SETTINGS_MAX_CONCURRENT_STREAMS advertised to each client. */
    public static final int DEFAULT_MAX_CONCURRENT_STREAMS = 10_000;

    /** Default time calls may take to finish after {@link Server#shutdown()}. */
    public static final Duration DEFAULT_SHUTDOWN_GRACE_PERIOD = Duration.ofSeconds(30);

    /** Default {@link #keepAliveTime} (gRFC A9 KEEPALIVE_TIME). */
    public static final Duration DEFAULT_KEEPALIVE_TIME = Duration.ofHours(2);

    /** Default {@link #keepAliveTimeout} (gRFC A9 KEEPALIVE_TIMEOUT). */
    public static final Duration DEFAULT_KEEPALIVE_TIMEOUT = Duration.ofSeconds(20);

    /** Default {@link #permitKeepAliveTime} (gRFC A8 PERMIT_KEEPALIVE_TIME). */
    public static final Duration DEFAULT_PERMIT_KEEPALIVE_TIME = Duration.ofMinutes(5);

    /** Default {@link #permitKeepAliveWithoutCalls} (gRFC A8 PERMIT_KEEPALIVE_WITHOUT_CALLS). */
    public static final boolean DEFAULT_PERMIT_KEEPALIVE_WITHOUT_CALLS = false;

    /** Default {@link #maxConnectionIdle}: infinite (gRFC A9 MAX_CONNECTION_IDLE). */
    public static final Duration DEFAULT_MAX_CONNECTION_IDLE = ChronoUnit.FOREVER.getDuration();

    /** Default {@link #maxConnectionAge}: infinite (gRFC A9 MAX_CONNECTION_AGE). */
    public static final Duration DEFAULT_MAX_CONNECTION_AGE = ChronoUnit.FOREVER.getDuration();

    /** Default {@link #maxConnectionAgeGrace}: infinite (gRFC A9 MAX_CONNECTION_AGE_GRACE). */
    public static final Duration DEFAULT_MAX_CONNECTION_AGE_GRACE =
        ChronoUnit.FOREVER.getDuration();

    /** Default {@link #handshakeTimeout}, as grpc-java's {@code ServerBuilder.handshakeTimeout}. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(120);

    private SocketAddress address = new InetSocketAddress(0);
    private final List<ServiceDefinition> services = new ArrayList<>();
    private final List<ServiceDefinition> nonBlockingServices = new ArrayList<>();
    private final List<ServiceDefinition> interruptibleServices = new ArrayList<>();
    private final List<Interceptor> interceptors = new ArrayList<>();
    private final List<StaticFiles> staticFiles = new ArrayList<>();
    private final List<EventListener> eventListeners = new ArrayList<>();
    private @Nullable TlsConfig tls;
    private int maxInboundMessageSize = DEFAULT_MAX_INBOUND_MESSAGE_SIZE;
    private int maxHeaderListSize = DEFAULT_MAX_HEADER_LIST_SIZE;
    private final List<String> corsAllowedOrigins = new ArrayList<>();
    private boolean ignoreUnknownJsonFields;
    private int maxConcurrentStreams = DEFAULT_MAX_CONCURRENT_STREAMS;
    private long maxBufferedBytesPerConnection = DEFAULT_MAX_BUFFERED_BYTES_PER_CONNECTION;
    private long maxBufferedBytes = DEFAULT_MAX_BUFFERED_BYTES;
    private Duration shutdownGracePeriod = DEFAULT_SHUTDOWN_GRACE_PERIOD;
    private boolean health = true;
    private boolean reflection;
    private Duration keepAliveTime = DEFAULT_KEEPALIVE_TIME;
    private Duration keepAliveTimeout = DEFAULT_KEEPALIVE_TIMEOUT;
    private Duration permitKeepAliveTime = DEFAULT_PERMIT_KEEPALIVE_TIME;
    private boolean permitKeepAliveWithoutCalls = DEFAULT_PERMIT_KEEPALIVE_WITHOUT_CALLS;
    private Duration maxConnectionIdle = DEFAULT_MAX_CONNECTION_IDLE;
    private Duration maxConnectionAge = DEFAULT_MAX_CONNECTION_AGE;
    private Duration maxConnectionAgeGrace = DEFAULT_MAX_CONNECTION_AGE_GRACE;
    private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;

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

    /**
     * Listens on the Unix domain socket at {@code path} instead of a TCP port; clients connect with
     * the target {@code unix:} followed by the path. Needs Netty's native epoll transport (Linux),
     * else {@link Server#start()} throws. A socket file left at the path by an earlier server is
     * replaced; any other file there makes {@code start()} fail. The file is removed when the
     * server stops.
     *
     * <pre>{@code
     * Server server = Server.builder().unixSocket(Path.of("/run/app/grpc.sock")).service(svc).build().start();
     * }</pre>
     */
    public Builder unixSocket(Path path) {
      this.address = UnixDomainSocketAddress.of(requireNonNull(path, "path"));
      return this;
    }

    /**
     * Listens on a Unix domain socket in Linux's abstract namespace, named {@code name}: no file,
     * removed with the server, and no file permissions either, so any local process may connect
     * (prefer {@link #unixSocket} where that matters). Clients connect with the target {@code
     * unix-abstract:} followed by the name. Needs Netty's native epoll transport, else {@link
     * Server#start()} throws.
     *
     * @throws IllegalArgumentException if the name is empty, contains a NUL or is longer than 107
     *     bytes
     */
    public Builder unixAbstractSocket(String name) {
      this.address = AbstractUnixSocketAddress.of(requireNonNull(name, "name"));
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
      return nonBlockingService(requireNonNull(service, "service").serviceDefinition());
    }

    /**
     * Serves a service like {@link #nonBlockingService(Service)}; this form takes a definition, for
     * instance one with its own interceptors ({@link ServiceDefinition#intercept}).
     */
    public Builder nonBlockingService(ServiceDefinition service) {
      nonBlockingServices.add(requireNonNull(service, "service"));
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
      return interruptibleService(requireNonNull(service, "service").serviceDefinition());
    }

    /**
     * Serves a service like {@link #interruptibleService(Service)}; this form takes a definition,
     * for instance one with its own interceptors ({@link ServiceDefinition#intercept}).
     */
    public Builder interruptibleService(ServiceDefinition service) {
      interruptibleServices.add(requireNonNull(service, "service"));
      return this;
    }

    /** Adds an interceptor for every call; the first added sees requests first. */
    public Builder intercept(Interceptor interceptor) {
      interceptors.add(requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /**
     * Adds a listener of this server's calls and connections (for metrics, tracing, logs). More
     * than one may be installed; each sees every event, in the order they were added. See {@link
     * EventListener} for which events come when and on which thread.
     */
    public Builder eventListener(EventListener listener) {
      eventListeners.add(requireNonNull(listener, "listener"));
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

    /**
     * Bytes of received request messages (complete or still arriving, not yet taken by handlers)
     * the calls of one connection may hold. Past half of it, streams with unread messages stop
     * getting HTTP/2 flow-control credit; data beyond it fails its call with RESOURCE_EXHAUSTED.
     * Must be at least {@link #maxInboundMessageSize}.
     */
    public Builder maxBufferedBytesPerConnection(long bytes) {
      this.maxBufferedBytesPerConnection = positive(bytes, "maxBufferedBytesPerConnection");
      return this;
    }

    /**
     * Bytes of received request messages all connections together may hold; as {@link
     * #maxBufferedBytesPerConnection}, for the whole server.
     */
    public Builder maxBufferedBytes(long bytes) {
      this.maxBufferedBytes = positive(bytes, "maxBufferedBytes");
      return this;
    }

    /** How long {@link Server#shutdown()} lets calls finish before cancelling them. */
    public Builder shutdownGracePeriod(Duration grace) {
      this.shutdownGracePeriod = requireNonNull(grace, "grace");
      return this;
    }

    /**
     * When nothing has been read from a client for {@code time}, the server sends it an HTTP/2
     * PING; a client that then sends nothing within {@link #keepAliveTimeout} is disconnected and
     * its calls are cancelled. This reaps connections to clients that vanished without a word (gRFC
     * A9). Connections are pinged whether or not calls are in progress.
     *
     * @throws IllegalArgumentException if {@code time} is not positive
     */
    public Builder keepAliveTime(Duration time) {
      this.keepAliveTime = Channel.Builder.positive(time, "keepAliveTime");
      return this;
    }

    /**
     * How long the server waits, after a keepalive PING, for anything from the client before it
     * closes the connection (gRFC A9).
     *
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public Builder keepAliveTimeout(Duration timeout) {
      this.keepAliveTimeout = Channel.Builder.positive(timeout, "keepAliveTimeout");
      return this;
    }

    /**
     * The most frequent PINGs a client may send (gRFC A8 enforcement). A PING sooner than this
     * after the last acceptable one is a strike; after 2 strikes the next one closes the connection
     * with GOAWAY ENHANCE_YOUR_CALM "too_many_pings", failing its calls. Strikes are forgiven
     * whenever the server sends headers or data. Zero permits any rate.
     *
     * @throws IllegalArgumentException if {@code time} is negative
     */
    public Builder permitKeepAliveTime(Duration time) {
      if (requireNonNull(time, "time").isNegative()) {
        throw new IllegalArgumentException("permitKeepAliveTime must not be negative, was " + time);
      }
      this.permitKeepAliveTime = time;
      return this;
    }

    /**
     * Whether clients may send keepalive PINGs at the {@link #permitKeepAliveTime} rate while no
     * call is in progress (gRFC A8). If not, such PINGs are strikes unless 2 hours apart.
     */
    public Builder permitKeepAliveWithoutCalls(boolean permit) {
      this.permitKeepAliveWithoutCalls = permit;
      return this;
    }

    /**
     * Closes connections that have had no call in progress for {@code idle}: a GOAWAY with debug
     * data "max_idle", then the graceful shutdown of {@link Server#shutdown()} (gRFC A9). Off by
     * default.
     *
     * @throws IllegalArgumentException if {@code idle} is not positive
     */
    public Builder maxConnectionIdle(Duration idle) {
      this.maxConnectionIdle = Channel.Builder.positive(idle, "maxConnectionIdle");
      return this;
    }

    /**
     * Closes connections older than {@code age}, give or take a random 10 %, so that clients
     * reconnect and spread over the servers behind a connection-level load balancer: a graceful
     * GOAWAY with debug data "max_age"; calls still running after {@link #maxConnectionAgeGrace}
     * are cancelled (gRFC A9). Off by default.
     *
     * @throws IllegalArgumentException if {@code age} is not positive
     */
    public Builder maxConnectionAge(Duration age) {
      this.maxConnectionAge = Channel.Builder.positive(age, "maxConnectionAge");
      return this;
    }

    /**
     * How long calls may still run on a connection closed for its {@link #maxConnectionAge} before
     * they are cancelled (gRFC A9). Infinite by default.
     *
     * @throws IllegalArgumentException if {@code grace} is negative
     */
    public Builder maxConnectionAgeGrace(Duration grace) {
      if (requireNonNull(grace, "grace").isNegative()) {
        throw new IllegalArgumentException(
            "maxConnectionAgeGrace must not be negative, was " + grace);
      }
      this.maxConnectionAgeGrace = grace;
      return this;
    }

    /**
     * How long a new connection has to complete the TLS handshake (when serving TLS), send the
     * HTTP/2 connection preface and its first SETTINGS frame; a client that takes longer, such as
     * one that connects and sends nothing or trickles bytes (slowloris), is disconnected.
     *
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public Builder handshakeTimeout(Duration timeout) {
      this.handshakeTimeout = Channel.Builder.positive(timeout, "handshakeTimeout");
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

    /**
     * Lets web pages from these origins call the server's gRPC-Web and Connect methods from a
     * browser (CORS): preflight requests are answered, and responses name the origin and expose the
     * status, error and metadata headers to the page. An origin is scheme, host and port, e.g.
     * {@code "https://app.example.com"}; {@code "*"} allows any origin. None by default: browsers
     * then refuse cross-origin calls, while same-origin pages and non-browser clients work.
     */
    public Builder corsAllowedOrigins(String... origins) {
      for (String origin : origins) {
        requireNonNull(origin, "origin");
        if (!origin.equals("*") && !origin.contains("://")) {
          throw new IllegalArgumentException(
              "origin '" + origin + "' is not scheme://host[:port], e.g. https://app.example.com");
        }
        corsAllowedOrigins.add(origin);
      }
      return this;
    }

    /**
     * Also serves the files of {@code directory} to GET and HEAD requests whose path starts with
     * {@code urlPrefix}, over HTTP/1.1 and HTTP/2, for example a web page that calls the services
     * with gRPC-Web or Connect. A directory is served as its {@code index.html}; there are no
     * listings; paths with {@code ..} segments get 400, missing and hidden ({@code .name}) files
     * 404. The content type follows the extension (html, js, css, json, png, svg and a few more).
     * Files are read when requested, whole, up to 16 MiB each. A Connect GET (a query with a {@code
     * message} parameter) still calls its method. The first prefix that matches wins.
     *
     * <pre>{@code
     * Server.builder().port(8080).service(svc).staticFiles("/", Path.of("web")).build().start();
     * }</pre>
     *
     * @throws IllegalArgumentException if the prefix does not start with {@code /} or the directory
     *     does not exist
     */
    public Builder staticFiles(String urlPrefix, Path directory) {
      staticFiles.add(StaticFiles.of(urlPrefix, directory));
      return this;
    }

    /**
     * Lets JSON requests (Connect, gRPC-Web and gRPC in JSON, HTTP/JSON transcoding) carry fields
     * their message does not have, which are then skipped. By default such a request fails with
     * INVALID_ARGUMENT naming the field, since a misspelt field would otherwise be silently lost;
     * allow them when clients may be newer than the server's schema.
     */
    public Builder ignoreUnknownJsonFields() {
      this.ignoreUnknownJsonFields = true;
      return this;
    }

    /** Builds the server; {@link Server#start()} starts listening. */
    public Server build() {
      atLeastOneMessage(maxBufferedBytesPerConnection, "maxBufferedBytesPerConnection");
      atLeastOneMessage(maxBufferedBytes, "maxBufferedBytes");
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
              maxBufferedBytesPerConnection,
              maxBufferedBytes,
              shutdownGracePeriod,
              health,
              reflection,
              new ConnectionManagement(
                  Channel.Builder.nanos(keepAliveTime),
                  Channel.Builder.nanos(keepAliveTimeout),
                  Channel.Builder.nanos(permitKeepAliveTime),
                  permitKeepAliveWithoutCalls,
                  Channel.Builder.nanos(maxConnectionIdle),
                  Channel.Builder.nanos(maxConnectionAge),
                  Channel.Builder.nanos(maxConnectionAgeGrace),
                  Channel.Builder.nanos(handshakeTimeout)),
              List.copyOf(corsAllowedOrigins),
              List.copyOf(staticFiles),
              ignoreUnknownJsonFields,
              Events.of(eventListeners));
      return new ServerImpl(config);
    }

    private void atLeastOneMessage(long budget, String name) {
      if (budget < maxInboundMessageSize) {
        throw new IllegalArgumentException(
            name
                + " ("
                + budget
                + ") must be at least maxInboundMessageSize ("
                + maxInboundMessageSize
                + "): a message must fit");
      }
    }

    private static long positive(long value, String name) {
      if (value <= 0) {
        throw new IllegalArgumentException(name + " must be positive, was " + value);
      }
      return value;
    }

    private static int checkPort(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port " + port + " is not in 0..65535");
      }
      return port;
    }
  }
}
