package dev.trunk.internal.resolver;

import static java.util.concurrent.TimeUnit.NANOSECONDS;

import dev.trunk.Status;
import dev.trunk.internal.Log;
import dev.trunk.internal.client.config.ServiceConfigParser;
import dev.trunk.spi.Endpoint;
import dev.trunk.spi.NameResolver;
import dev.trunk.spi.Target;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;
import javax.naming.NamingException;
import org.jspecify.annotations.Nullable;

/**
 * Resolves a {@code dns:} target: every A and AAAA address of the host, one endpoint each, from the
 * system resolver (which reads /etc/hosts) or from the DNS server the target names. Lookups run on
 * {@link Args#blockingExecutor()}; the resolver re-resolves when the channel asks ({@link
 * #refresh()}, at most once per {@link #MIN_TIME_BETWEEN_RESOLUTIONS}) and every {@link
 * #RESOLUTION_PERIOD}. With {@link Args#lookUpServiceConfig()} it also reads the host's {@code
 * grpc_config} TXT record (gRFC A2). Thread-safe.
 */
final class DnsResolver implements NameResolver {
  /**
   * The shortest time between two lookups: a {@link #refresh()} sooner than this after the last
   * lookup started is deferred until then (gRPC's min_time_between_resolutions, 30 s in C-core and
   * grpc-java), so a backend that keeps failing cannot turn into a flood of DNS queries.
   */
  static final Duration MIN_TIME_BETWEEN_RESOLUTIONS = Duration.ofSeconds(30);

  /**
   * How often the resolver looks up again on its own, so backends added behind the name are found
   * even when no connection fails. Our choice: grpc-java re-resolves only after a connection
   * failure, which never notices a new backend while the old ones stay healthy.
   */
  static final Duration RESOLUTION_PERIOD = Duration.ofMinutes(30);

  /** The name whose TXT record holds the service config is this prefix and the host (A2). */
  static final String TXT_NAME_PREFIX = "_grpc_config.";

  /** The TXT record's attribute (A2, RFC 1464 form {@code name=value}). */
  static final String TXT_ATTRIBUTE = "grpc_config=";

  private static final Log log = Log.of(DnsResolver.class);

  private final Target target;
  private final HostPort name;
  private final @Nullable JndiDns server;
  private final JndiDns txtServer;
  private final Args args;
  private final long minTimeBetweenResolutions;

  private final Object lock = new Object();
  private @Nullable Listener listener; // the rest guarded by lock too
  private boolean closed;
  private boolean resolving;
  private long lastStart;
  private @Nullable ScheduledFuture<?> deferred;
  private @Nullable ScheduledFuture<?> periodic;

  DnsResolver(Target target, Args args) {
    this(target, args, MIN_TIME_BETWEEN_RESOLUTIONS);
  }

  /** A resolver with another rate limit, for tests that cannot wait 30 s. */
  DnsResolver(Target target, Args args, Duration minTimeBetweenResolutions) {
    this.target = target;
    this.name = DnsResolverProvider.name(target, args.defaultPort());
    String serverUrl = DnsResolverProvider.serverUrl(target);
    this.server = serverUrl == null ? null : new JndiDns(serverUrl);
    this.txtServer = server == null ? new JndiDns(JndiDns.SYSTEM) : server;
    this.args = args;
    this.minTimeBetweenResolutions = minTimeBetweenResolutions.toNanos();
  }

  @Override
  public void start(Listener listener) {
    synchronized (lock) {
      if (this.listener != null) {
        throw new IllegalStateException("the resolver of " + target + " was started already");
      }
      if (closed) {
        return;
      }
      this.listener = listener;
      long period = RESOLUTION_PERIOD.toNanos();
      periodic =
          args.scheduler().scheduleWithFixedDelay(this::refresh, period, period, NANOSECONDS);
      startLookup();
    }
  }

  @Override
  public void refresh() {
    synchronized (lock) {
      if (closed || listener == null || resolving || deferred != null) {
        return; // the lookup running or due will report
      }
      long wait = lastStart + minTimeBetweenResolutions - System.nanoTime();
      if (wait > 0) {
        deferred = args.scheduler().schedule(this::deferredLookup, wait, NANOSECONDS);
        return;
      }
      startLookup();
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      cancel(periodic);
      cancel(deferred);
    }
  }

  private void deferredLookup() {
    synchronized (lock) {
      deferred = null;
      if (!closed) {
        startLookup();
      }
    }
  }

  /** Called holding the lock. */
  private void startLookup() {
    resolving = true;
    lastStart = System.nanoTime();
    args.blockingExecutor().execute(this::lookUpAndReport);
  }

  private void lookUpAndReport() {
    Consumer<Listener> report;
    try {
      Resolution resolution = lookUp();
      report = listener -> listener.onResult(resolution);
    } catch (Exception e) { // UnknownHostException, NamingException, or the JDK's own failure
      Status error = error(e);
      report = listener -> listener.onError(error);
    }
    synchronized (lock) {
      resolving = false;
      if (!closed && listener != null) {
        report.accept(listener);
      }
    }
  }

  private Resolution lookUp() throws Exception {
    InetAddress literal = name.literal();
    if (literal != null) {
      return new Resolution(List.of(endpoint(literal)), null);
    }
    List<InetAddress> addresses =
        server == null
            ? List.of(InetAddress.getAllByName(name.host()))
            : server.addresses(name.host());
    List<Endpoint> endpoints = addresses.stream().map(this::endpoint).toList();
    return new Resolution(endpoints, args.lookUpServiceConfig() ? serviceConfig() : null);
  }

  private Endpoint endpoint(InetAddress address) {
    return Endpoint.of(new InetSocketAddress(address, name.port()));
  }

  /**
   * The {@code grpc_config} TXT record's value, or null if there is none. A failed TXT lookup is
   * not a failed resolution: the addresses still count, without a service config.
   */
  private @Nullable String serviceConfig() {
    String txtName = TXT_NAME_PREFIX + name.host();
    try {
      return grpcConfig(txtServer.txt(txtName), localHostname());
    } catch (NamingException e) {
      log.debug("no service config in DNS for {}: {}", txtName, e.toString());
      return null;
    }
  }

  /**
   * The service config the {@code grpc_config=} records choose for this client (gRFC A2: the first
   * choice for Java and this host, in a percentage draw), or null. Malformed choices are logged and
   * passed on as they are, so the channel refuses them as an invalid config and keeps its last good
   * one (gRFC A21).
   */
  static @Nullable String grpcConfig(List<String> records, String clientHostname) {
    try {
      return ServiceConfigParser.fromDnsTxt(records, clientHostname).orElse(null);
    } catch (IllegalArgumentException e) {
      log.warn("the grpc_config TXT record is malformed: {}", e.getMessage());
      return records.stream()
          .filter(record -> record.startsWith(TXT_ATTRIBUTE))
          .map(record -> record.substring(TXT_ATTRIBUTE.length()))
          .findFirst()
          .orElse(null);
    }
  }

  /** This machine's name, for A2's clientHostname; empty if it has none. */
  private static String localHostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "";
    }
  }

  private Status error(Exception e) {
    return Status.UNAVAILABLE
        .withDescription(
            "cannot resolve '"
                + name.host()
                + "' (dns target '"
                + target
                + "'): "
                + e.getClass().getSimpleName()
                + ": "
                + e.getMessage())
        .withCause(e);
  }

  private static void cancel(@Nullable ScheduledFuture<?> task) {
    if (task != null) {
      task.cancel(false);
    }
  }
}
