package dev.trunk.internal.client;

import dev.trunk.ConnectivityState;
import dev.trunk.Status;
import dev.trunk.internal.Log;
import dev.trunk.internal.client.config.ServiceConfig;
import dev.trunk.spi.Endpoint;
import dev.trunk.spi.LoadBalancer;
import dev.trunk.spi.NameResolver;
import dev.trunk.spi.PickResult;
import dev.trunk.spi.Picker;
import dev.trunk.spi.Subchannel;
import dev.trunk.spi.Target;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The control plane of a channel: runs its name resolver, chooses the service config (gRFC A21),
 * runs the load balancer it names, owns the subchannels, publishes pickers to the {@link
 * PickingTransport}, keeps the channel's {@link ConnectivityState} and puts the channel in idle
 * mode when it had no call for its idle timeout. Everything it does after construction runs in its
 * {@link ControlContext}, except the counting of calls and the reading of the published state and
 * config.
 */
public final class ChannelCore implements LoadBalancer.Helper {
  private static final Log log = Log.of(ChannelCore.class);
  private static final Picker WAIT = info -> PickResult.waiting();
  private static final ThreadFactory RESOLVER_THREADS =
      Thread.ofVirtual().name("trunk-resolver").factory();

  /** Where resolvers run lookups that block: a new virtual thread per task. */
  public static final Executor BLOCKING_TASKS = task -> RESOLVER_THREADS.newThread(task).start();

  private final ChannelConfig config;
  private final Target target;
  private final NameResolver.Provider resolverProvider;
  private final NameResolver.Args resolverArgs;
  private final EndpointTransport.Factory transports;
  private final Function<String, ServiceConfig> configParser;
  private final ControlContext control;
  private final PickingTransport picking;
  private final CopyOnWriteArrayList<Consumer<ConnectivityState>> listeners =
      new CopyOnWriteArrayList<>();
  private final AtomicInteger activeCalls = new AtomicInteger();
  private final AtomicBoolean idle = new AtomicBoolean(true);
  private volatile long lastCallEndNanos = System.nanoTime();
  private volatile ServiceConfig serviceConfig;
  private volatile ConnectivityState state = ConnectivityState.IDLE;
  // Completed by the first resolution, successful or not (or by shutdown).
  private final CompletableFuture<Void> firstResolution = new CompletableFuture<>();

  // Control context only.
  private final Set<SubchannelImpl> subchannels = new HashSet<>();
  private final ConnectionBackoff resolutionBackoff = new ConnectionBackoff();
  private @Nullable NameResolver resolver;
  private @Nullable LoadBalancer balancer;
  private LoadBalancer.@Nullable Provider balancerProvider;
  private @Nullable ServiceConfig lastResolverConfig;
  private @Nullable ScheduledFuture<?> idleTimer;
  private boolean shutdown;

  /**
   * A channel core for {@code target}, resolved by {@code resolverProvider}; {@code configParser}
   * reads a service config JSON, throwing IllegalArgumentException when it is invalid.
   */
  public ChannelCore(
      ChannelConfig config,
      Target target,
      NameResolver.Provider resolverProvider,
      NameResolver.Args resolverArgs,
      EndpointTransport.Factory transports,
      Function<String, ServiceConfig> configParser) {
    this.config = config;
    this.target = target;
    this.resolverProvider = resolverProvider;
    this.resolverArgs = resolverArgs;
    this.transports = transports;
    this.configParser = configParser;
    this.control = new ControlContext(resolverArgs.scheduler());
    this.picking = new PickingTransport(this, resolverArgs.scheduler(), config.maxWaitingCalls());
    ServiceConfig defaults = config.defaultServiceConfig();
    this.serviceConfig = defaults == null ? ServiceConfig.EMPTY : defaults;
  }

  /** Where the channel's calls open their streams. */
  public ClientTransport transport() {
    return picking;
  }

  /** The service config calls starting now use. Any thread. */
  public ServiceConfig serviceConfig() {
    if (resolverArgs.lookUpServiceConfig() && !firstResolution.isDone()) {
      awaitFirstResolution();
    }
    return serviceConfig;
  }

  /**
   * When the channel reads its service config from the resolver, a call that starts before the
   * first resolution waits for it (as grpc-java's do), for at most the connect timeout; after that
   * it goes on with the default config.
   */
  private void awaitFirstResolution() {
    exitIdle();
    try {
      firstResolution.get(config.connectTimeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("no resolution of target '{}' yet; the call uses the default config", target);
    }
  }

  /** The channel's state; with {@code connect}, an idle channel starts connecting. Any thread. */
  public ConnectivityState state(boolean connect) {
    if (connect) {
      exitIdle();
      control.execute(
          () -> {
            if (balancer != null) {
              balancer.requestConnection();
            }
          });
    }
    return state;
  }

  /** Adds a listener told of every state change, in the control context. */
  public void addStateListener(Consumer<ConnectivityState> listener) {
    listeners.add(listener);
  }

  /** Removes a listener added with {@link #addStateListener}. */
  public void removeStateListener(Consumer<ConnectivityState> listener) {
    listeners.remove(listener);
  }

  void execute(Runnable task) {
    control.execute(task);
  }

  // ---- calls, any thread --------------------------------------------------------------------

  /** A call attempt starts: leaves idle mode if the channel is in it. */
  void callStarted() {
    activeCalls.incrementAndGet();
    if (idle.get()) {
      exitIdle();
    }
  }

  /** A call attempt ended. */
  void callEnded() {
    lastCallEndNanos = System.nanoTime();
    activeCalls.decrementAndGet();
  }

  private void exitIdle() {
    if (idle.compareAndSet(true, false)) {
      control.execute(this::startResolving);
    }
  }

  // ---- control context ----------------------------------------------------------------------

  private void startResolving() {
    if (shutdown || resolver != null) {
      return;
    }
    moveTo(ConnectivityState.CONNECTING);
    NameResolver started = resolverProvider.newResolver(target, resolverArgs);
    resolver = started;
    started.start(new ResolverListener(started));
    scheduleIdleCheck(config.idleTimeout());
  }

  private final class ResolverListener implements NameResolver.Listener {
    private final NameResolver source;

    ResolverListener(NameResolver source) {
      this.source = source;
    }

    @Override
    public void onResult(NameResolver.Resolution resolution) {
      control.execute(
          () -> {
            if (resolver == source && !shutdown) {
              resolved(resolution);
            }
          });
    }

    @Override
    public void onError(Status error) {
      control.execute(
          () -> {
            if (resolver == source && !shutdown) {
              resolutionFailed(error);
            }
          });
    }
  }

  private void resolved(NameResolver.Resolution resolution) {
    resolutionBackoff.reset();
    ServiceConfig chosen = chooseConfig(resolution.serviceConfigJson());
    if (chosen == null) {
      return; // an invalid config and nothing to fall back on: resolutionFailed said so
    }
    serviceConfig = chosen;
    firstResolution.complete(null);
    List<Endpoint> endpoints = resolution.endpoints();
    if (endpoints.isEmpty()) {
      resolutionFailed(
          Status.UNAVAILABLE.withDescription(
              "the name resolver found no addresses for target '" + target + "'"));
      return;
    }
    LoadBalancer.Choice choice = policy(chosen);
    if (balancerProvider != choice.provider()) {
      closeBalancer();
      balancerProvider = choice.provider();
      balancer = choice.provider().newLoadBalancer(this);
    }
    LoadBalancer current = balancer;
    if (current != null) {
      current.update(endpoints, choice.config());
    }
  }

  /**
   * The service config to use (gRFC A21): the resolver's when the application allowed it and it is
   * valid; else the last valid one the resolver gave; else the application's default; else none.
   * Returns null when the resolver's first config is invalid and there is no default: the channel
   * then fails calls with the reason.
   */
  private @Nullable ServiceConfig chooseConfig(@Nullable String json) {
    ServiceConfig defaults = config.defaultServiceConfig();
    if (json == null || !resolverArgs.lookUpServiceConfig()) {
      return defaults != null ? defaults : ServiceConfig.EMPTY;
    }
    try {
      lastResolverConfig = configParser.apply(json);
      return lastResolverConfig;
    } catch (IllegalArgumentException e) {
      ServiceConfig fallback = lastResolverConfig != null ? lastResolverConfig : defaults;
      log.warn(
          "the service config of target '{}' is invalid ({}); {}",
          target,
          e.getMessage(),
          fallback == null ? "failing calls until it is fixed" : "keeping the previous one");
      if (fallback == null) {
        resolutionFailed(
            Status.UNAVAILABLE.withDescription(
                "the service config of target '" + target + "' is invalid: " + e.getMessage()));
      }
      return fallback;
    }
  }

  /** The service config's policy, else the builder's (pick_first unless it named another). */
  private LoadBalancer.Choice policy(ServiceConfig chosen) {
    LoadBalancer.Choice configured = chosen.loadBalancing();
    if (configured != null) {
      return configured;
    }
    return LoadBalancer.Choice.select(List.of(Map.of(config.loadBalancingPolicy(), Map.of())));
  }

  /**
   * Resolution failed: a balancer that has endpoints keeps them; otherwise calls fail with {@code
   * error}. The resolver is asked again after a backoff.
   */
  private void resolutionFailed(Status error) {
    firstResolution.complete(null);
    LoadBalancer current = balancer;
    if (current != null) {
      current.onResolutionError(error);
    } else {
      updateState(ConnectivityState.TRANSIENT_FAILURE, info -> PickResult.failure(error));
    }
    NameResolver source = resolver;
    Duration delay = Duration.ofNanos(resolutionBackoff.nextDelayNanos());
    control.schedule(
        () -> {
          if (resolver == source && source != null) {
            source.refresh();
          }
        },
        delay);
  }

  private void scheduleIdleCheck(Duration delay) {
    idleTimer = control.schedule(this::idleCheck, delay);
  }

  /** Enters idle mode if no call ran for the idle timeout; else looks again when it could. */
  private void idleCheck() {
    idleTimer = null;
    if (shutdown || resolver == null) {
      return;
    }
    long timeout = config.idleTimeout().toNanos();
    long quiet = System.nanoTime() - lastCallEndNanos;
    if (activeCalls.get() > 0 || quiet < timeout) {
      scheduleIdleCheck(Duration.ofNanos(activeCalls.get() > 0 ? timeout : timeout - quiet));
      return;
    }
    if (!idle.compareAndSet(false, true)) {
      return;
    }
    if (activeCalls.get() > 0 && idle.compareAndSet(true, false)) {
      scheduleIdleCheck(config.idleTimeout()); // a call slipped in
      return;
    }
    enterIdle();
  }

  /** Idle mode: no resolver, no balancer, no connection; the next call starts them again. */
  private void enterIdle() {
    picking.updatePicker(WAIT);
    closeBalancer();
    NameResolver current = resolver;
    resolver = null;
    if (current != null) {
      current.close();
    }
    moveTo(ConnectivityState.IDLE);
  }

  private void closeBalancer() {
    LoadBalancer current = balancer;
    balancer = null;
    balancerProvider = null;
    if (current != null) {
      current.close();
    }
  }

  /** Shuts the channel down: calls that wait fail; open calls finish unless {@code now}. */
  void shutdown(boolean now) {
    picking.shutdown(ClientTransport.channelClosed().status());
    control.execute(() -> shutdownInContext(now));
  }

  private void shutdownInContext(boolean now) {
    firstResolution.complete(null);
    boolean first = !shutdown;
    shutdown = true;
    for (SubchannelImpl subchannel : List.copyOf(subchannels)) {
      subchannel.shutdown(now);
    }
    if (!first) {
      return;
    }
    ScheduledFuture<?> timer = idleTimer;
    if (timer != null) {
      timer.cancel(false);
    }
    closeBalancer();
    NameResolver current = resolver;
    resolver = null;
    if (current != null) {
      current.close();
    }
    transports.close();
    moveTo(ConnectivityState.SHUTDOWN);
  }

  private void moveTo(ConnectivityState next) {
    if (state == next || state == ConnectivityState.SHUTDOWN) {
      return;
    }
    state = next;
    for (Consumer<ConnectivityState> listener : listeners) {
      try {
        listener.accept(next);
      } catch (RuntimeException e) {
        log.warn("a channel state listener failed", e);
      }
    }
  }

  // ---- LoadBalancer.Helper, control context -------------------------------------------------

  @Override
  public Subchannel newSubchannel(Endpoint endpoint, boolean healthChecked) {
    SubchannelImpl[] made = new SubchannelImpl[1];
    SubchannelImpl subchannel =
        new SubchannelImpl(
            endpoint,
            control,
            transports,
            new ConnectionBackoff(config.initialBackoff(), ConnectionBackoff.MAX_BACKOFF),
            healthChecked ? () -> serviceConfig.healthCheckServiceName() : () -> null,
            new ConnectionBackoff(config.initialBackoff(), ConnectionBackoff.MAX_BACKOFF),
            () -> {
              if (!shutdown) {
                subchannels.remove(made[0]);
              }
            });
    made[0] = subchannel;
    subchannels.add(subchannel);
    return subchannel;
  }

  @Override
  public void updateState(ConnectivityState next, Picker picker) {
    if (shutdown || resolver == null) {
      return; // a balancer closed for idle mode or shutdown has nothing to say
    }
    moveTo(next); // first, so a call failed by the new picker finds the channel in its state
    picking.updatePicker(picker);
  }

  @Override
  public void refreshResolution() {
    NameResolver current = resolver;
    if (current != null) {
      current.refresh();
    }
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable task, Duration delay) {
    return control.schedule(task, delay);
  }

  @Override
  public String target() {
    return target.text();
  }
}
