package dev.trunk.internal.lb;

import dev.trunk.ConnectivityState;
import dev.trunk.Status;
import dev.trunk.spi.Endpoint;
import dev.trunk.spi.LoadBalancer;
import dev.trunk.spi.PickResult;
import dev.trunk.spi.Picker;
import dev.trunk.spi.Subchannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * {@code outlier_detection_experimental} (gRFC A50): a policy wrapped around a child policy that
 * counts each endpoint's call results and, every {@code interval}, ejects endpoints that fail far
 * more than the others (success rate) or than a threshold (failure percentage). An ejected endpoint
 * looks TRANSIENT_FAILURE to the child, so it gets no calls, until its ejection time is up: the
 * circuit breaker of issue 13.
 *
 * <p>Threads: the control context; the wrapped pickers count results from the threads that end
 * calls, into atomic counters.
 */
final class OutlierDetectionLoadBalancer implements LoadBalancer {
  static final String NAME = "outlier_detection_experimental";

  /** A percentage: random draws are in {@code [0, PERCENT)}. */
  private static final int PERCENT = 100;

  /** {@code stdevFactor} is in thousandths (A50: 1900 means 1.9). */
  private static final double STDEV_FACTOR_SCALE = 1000.0;

  /**
   * The parsed config (A50).
   *
   * @param interval time between ejection sweeps
   * @param baseEjectionTime an ejection lasts this times the endpoint's ejection count
   * @param maxEjectionTime cap on an ejection's length (or {@code baseEjectionTime} if larger)
   * @param maxEjectionPercent no sweep ejects beyond this share of endpoints (but always one)
   * @param successRate the success-rate algorithm's parameters, or null for off
   * @param failurePercentage the failure-percentage algorithm's parameters, or null for off
   * @param child the wrapped policy and its config
   */
  record Config(
      Duration interval,
      Duration baseEjectionTime,
      Duration maxEjectionTime,
      int maxEjectionPercent,
      @Nullable SuccessRate successRate,
      @Nullable FailurePercentage failurePercentage,
      LoadBalancer.Choice child) {
    boolean detects() {
      return successRate != null || failurePercentage != null;
    }
  }

  /** A50's {@code successRateEjection}; {@code stdevFactor} in thousandths. */
  record SuccessRate(
      int stdevFactor, int enforcementPercentage, int minimumHosts, int requestVolume) {}

  /** A50's {@code failurePercentageEjection}. */
  record FailurePercentage(
      int threshold, int enforcementPercentage, int minimumHosts, int requestVolume) {}

  /** Successes and failures counted in one interval. Thread-safe. */
  static final class Counts {
    final AtomicLong successes = new AtomicLong();
    final AtomicLong failures = new AtomicLong();

    long total() {
      return successes.get() + failures.get();
    }
  }

  /** A50's map entry for one endpoint. Fields other than {@code active} are control-context. */
  static final class EndpointStats {
    /** Where ending calls count now; swapped for a fresh one at each sweep (A50 "Call Counter"). */
    volatile Counts active = new Counts();

    /** What the last interval counted. */
    Counts done = new Counts();

    @Nullable Long ejectedAtNanos;
    int multiplier;
    final List<EjectableSubchannel> subchannels = new ArrayList<>();

    void record(Status status) {
      Counts counts = active;
      (status.isOk() ? counts.successes : counts.failures).incrementAndGet();
    }

    double successRate() {
      return (double) done.successes.get() / done.total();
    }
  }

  private final Helper helper;
  private final LongSupplier nanoClock;
  private final Helper childHelper = new ChildHelper();
  private final Map<Endpoint, EndpointStats> stats = new LinkedHashMap<>();
  private @Nullable Config config;
  private @Nullable LoadBalancer child;
  private @Nullable String childName;
  private @Nullable ScheduledFuture<?> timer;
  private @Nullable Long timerStartNanos;

  /**
   * A policy reporting through {@code helper}, reading time from {@code nanoClock} (as {@link
   * System#nanoTime}; tests pass a manual clock).
   */
  OutlierDetectionLoadBalancer(Helper helper, LongSupplier nanoClock) {
    this.helper = helper;
    this.nanoClock = nanoClock;
  }

  @Override
  public void update(List<Endpoint> endpoints, Object parsedConfig) {
    Config next = (Config) parsedConfig;
    config = next;
    stats.keySet().retainAll(new HashSet<>(endpoints));
    for (Endpoint endpoint : endpoints) {
      stats.computeIfAbsent(endpoint, unused -> new EndpointStats());
    }
    scheduleSweep(next);
    String name = next.child().provider().policyName();
    LoadBalancer current = child;
    if (current == null || !name.equals(childName)) {
      if (current != null) {
        current.close();
      }
      current = next.child().provider().newLoadBalancer(childHelper);
      child = current;
      childName = name;
    }
    current.update(endpoints, next.child().config());
  }

  @Override
  public void onResolutionError(Status error) {
    LoadBalancer current = child;
    if (current != null) {
      current.onResolutionError(error);
      return;
    }
    helper.updateState(ConnectivityState.TRANSIENT_FAILURE, info -> PickResult.failure(error));
  }

  @Override
  public void requestConnection() {
    LoadBalancer current = child;
    if (current != null) {
      current.requestConnection();
    }
  }

  @Override
  public void close() {
    cancelSweep();
    LoadBalancer current = child;
    child = null;
    if (current != null) {
      current.close();
    }
  }

  /**
   * A50: the first config starts the timer and clears the counters; a new config keeps the sweep
   * cadence (the timer restarts for what is left of the interval); a config with neither algorithm
   * stops it.
   */
  private void scheduleSweep(Config next) {
    if (!next.detects()) {
      cancelSweep();
      return;
    }
    long now = nanoClock.getAsLong();
    Long started = timerStartNanos;
    long delay = next.interval().toNanos();
    if (started == null) {
      timerStartNanos = now;
      for (EndpointStats each : stats.values()) {
        each.active = new Counts();
      }
    } else {
      delay = Math.max(0, delay - (now - started));
    }
    ScheduledFuture<?> previous = timer;
    if (previous != null) {
      previous.cancel(false);
    }
    timer = helper.schedule(this::sweep, Duration.ofNanos(delay));
  }

  private void cancelSweep() {
    ScheduledFuture<?> previous = timer;
    timer = null;
    timerStartNanos = null;
    if (previous != null) {
      previous.cancel(false);
    }
  }

  /** One run of A50's timer: swap the counters, run both algorithms, then un-eject. */
  private void sweep() {
    Config current = config;
    if (current == null || child == null) {
      return;
    }
    long now = nanoClock.getAsLong();
    timerStartNanos = now;
    for (EndpointStats each : stats.values()) {
      each.done = each.active;
      each.active = new Counts();
    }
    SuccessRate successRate = current.successRate();
    if (successRate != null) {
      ejectBySuccessRate(successRate, current, now);
    }
    FailurePercentage failurePercentage = current.failurePercentage();
    if (failurePercentage != null) {
      ejectByFailurePercentage(failurePercentage, current, now);
    }
    for (EndpointStats each : stats.values()) {
      Long ejectedAt = each.ejectedAtNanos;
      if (ejectedAt == null) {
        each.multiplier = Math.max(0, each.multiplier - 1);
      } else if (now - ejectedAt >= ejectionNanos(current, each.multiplier)) {
        uneject(each);
      }
    }
    timer = helper.schedule(this::sweep, current.interval());
  }

  /** A50: {@code min(base * multiplier, max(base, maxEjectionTime))}. */
  private static long ejectionNanos(Config config, int multiplier) {
    long base = config.baseEjectionTime().toNanos();
    long cap = Math.max(base, config.maxEjectionTime().toNanos());
    return base > cap / Math.max(1, multiplier) ? cap : Math.min(base * multiplier, cap);
  }

  /**
   * A50's success-rate algorithm: among endpoints with at least {@code requestVolume} calls (and at
   * least {@code minimumHosts} of them), eject those whose success rate is below {@code mean -
   * stdev * stdevFactor / 1000}.
   */
  private void ejectBySuccessRate(SuccessRate params, Config config, long now) {
    List<EndpointStats> busy = new ArrayList<>();
    for (EndpointStats each : stats.values()) {
      if (each.done.total() >= params.requestVolume()) {
        busy.add(each);
      }
    }
    if (busy.size() < params.minimumHosts() || busy.isEmpty()) {
      return;
    }
    double mean = 0;
    for (EndpointStats each : busy) {
      mean += each.successRate();
    }
    mean /= busy.size();
    double variance = 0;
    for (EndpointStats each : busy) {
      double deviation = each.successRate() - mean;
      variance += deviation * deviation;
    }
    double stdev = Math.sqrt(variance / busy.size());
    double threshold = mean - stdev * (params.stdevFactor() / STDEV_FACTOR_SCALE);
    for (EndpointStats each : busy) {
      if (ejectionLimitReached(config)) {
        return;
      }
      if (each.successRate() < threshold && enforced(params.enforcementPercentage())) {
        eject(each, now);
      }
    }
  }

  /**
   * A50's failure-percentage algorithm: with at least {@code minimumHosts} endpoints, eject each
   * one with at least {@code requestVolume} calls of which more than {@code threshold} percent
   * failed.
   */
  private void ejectByFailurePercentage(FailurePercentage params, Config config, long now) {
    if (stats.size() < params.minimumHosts()) {
      return;
    }
    for (EndpointStats each : stats.values()) {
      if (ejectionLimitReached(config)) {
        return;
      }
      long total = each.done.total();
      if (total == 0 || total < params.requestVolume()) {
        continue;
      }
      double failurePercent = PERCENT * (double) each.done.failures.get() / total;
      if (failurePercent > params.threshold() && enforced(params.enforcementPercentage())) {
        eject(each, now);
      }
    }
  }

  /**
   * Whether ejecting one more would pass {@code maxEjectionPercent}; checked before each ejection,
   * so one endpoint can always be ejected when the percentage is above zero (A50).
   */
  private boolean ejectionLimitReached(Config config) {
    long ejected = stats.values().stream().filter(each -> each.ejectedAtNanos != null).count();
    return ejected * PERCENT >= (long) config.maxEjectionPercent() * stats.size();
  }

  private static boolean enforced(int enforcementPercentage) {
    return ThreadLocalRandom.current().nextInt(PERCENT) < enforcementPercentage;
  }

  private static void eject(EndpointStats endpoint, long now) {
    if (endpoint.ejectedAtNanos != null) {
      return;
    }
    endpoint.ejectedAtNanos = now;
    endpoint.multiplier++;
    for (EjectableSubchannel subchannel : List.copyOf(endpoint.subchannels)) {
      subchannel.eject();
    }
  }

  private static void uneject(EndpointStats endpoint) {
    endpoint.ejectedAtNanos = null;
    for (EjectableSubchannel subchannel : List.copyOf(endpoint.subchannels)) {
      subchannel.uneject();
    }
  }

  /**
   * The child's picks, with the real subchannel for the channel and a callback counting how the
   * call ended for the endpoint. Thread-safe when the child's picker is.
   */
  private static Picker counting(Picker childPicker) {
    return info -> {
      PickResult picked = childPicker.pick(info);
      if (!(picked.subchannel() instanceof EjectableSubchannel wrapper)) {
        return picked;
      }
      PickResult real = PickResult.of(wrapper.delegate);
      Consumer<Status> childDone = picked.onDone();
      if (childDone != null) {
        real = real.onDone(childDone);
      }
      EndpointStats endpoint = wrapper.stats;
      return endpoint == null ? real : real.onDone(endpoint::record);
    };
  }

  /** What the child sees as its helper: subchannels come wrapped, pickers go out counting. */
  private final class ChildHelper implements Helper {
    @Override
    public Subchannel newSubchannel(Endpoint endpoint, boolean healthChecked) {
      EndpointStats endpointStats = stats.get(endpoint);
      EjectableSubchannel wrapper =
          new EjectableSubchannel(helper.newSubchannel(endpoint, healthChecked), endpointStats);
      if (endpointStats != null) {
        endpointStats.subchannels.add(wrapper);
        if (endpointStats.ejectedAtNanos != null) {
          wrapper.eject();
        }
      }
      return wrapper;
    }

    @Override
    public void updateState(ConnectivityState state, Picker picker) {
      helper.updateState(state, counting(picker));
    }

    @Override
    public void refreshResolution() {
      helper.refreshResolution();
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable task, Duration delay) {
      return helper.schedule(task, delay);
    }

    @Override
    public String target() {
      return helper.target();
    }
  }
}
