package dev.trunk.internal.lb;

import dev.trunk.ConnectivityState;
import dev.trunk.Status;
import dev.trunk.spi.Endpoint;
import dev.trunk.spi.LoadBalancer;
import dev.trunk.spi.PickResult;
import dev.trunk.spi.Picker;
import dev.trunk.spi.Subchannel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The part {@code round_robin} and {@code least_request_experimental} share (gRFC A48: "the
 * subchannel state handling implemented in round_robin will be re-used"): one health-checked
 * subchannel per distinct endpoint, all kept connecting, and the channel state aggregated by gRPC's
 * rules. A subclass only says how to pick among the READY subchannels.
 *
 * <p>Threads: the control context, like every {@link LoadBalancer}; the pickers it makes run
 * anywhere and read only what they were given.
 */
abstract class EndpointListBalancer implements LoadBalancer {
  /** One endpoint's subchannel and what the policy knows of it. */
  static final class Tracked {
    final Subchannel subchannel;

    /** Calls picked onto this subchannel and not yet done (read by least_request's picker). */
    final AtomicInteger outstanding = new AtomicInteger();

    /** The last state the subchannel reported. */
    ConnectivityState reported = ConnectivityState.IDLE;

    /**
     * The state the aggregation counts: the reported one, except that TRANSIENT_FAILURE sticks
     * until READY (A61, as round_robin and pick_first do), so a subchannel cycling through backoff
     * and reconnection does not flip the channel between CONNECTING and failure.
     */
    ConnectivityState counted = ConnectivityState.IDLE;

    boolean started;
    boolean closed;

    Tracked(Subchannel subchannel) {
      this.subchannel = subchannel;
    }
  }

  private final Helper helper;
  private final String policyName;
  private Map<Endpoint, Tracked> tracked = new LinkedHashMap<>();
  private Status lastFailure = Status.UNAVAILABLE;
  private ConnectivityState publishedState = ConnectivityState.IDLE;
  private List<Tracked> publishedReady = List.of();
  private Status publishedFailure = Status.OK;

  EndpointListBalancer(Helper helper, String policyName) {
    this.helper = helper;
    this.policyName = policyName;
  }

  /** A picker spreading calls over {@code ready} (not empty, not to be changed). */
  abstract Picker readyPicker(List<Tracked> ready);

  /** Takes this policy's parsed config before the endpoints are applied. */
  abstract void configure(Object config);

  @Override
  public final void update(List<Endpoint> endpoints, Object config) {
    configure(config);
    Map<Endpoint, Tracked> previous = tracked;
    Map<Endpoint, Tracked> next = new LinkedHashMap<>();
    List<Tracked> fresh = new ArrayList<>();
    for (Endpoint endpoint : endpoints) {
      if (next.containsKey(endpoint)) {
        continue;
      }
      Tracked kept = previous.remove(endpoint);
      if (kept == null) {
        kept = new Tracked(helper.newSubchannel(endpoint, true));
        fresh.add(kept);
      }
      next.put(endpoint, kept);
    }
    tracked = next;
    for (Tracked gone : previous.values()) {
      gone.closed = true;
      gone.subchannel.close();
    }
    for (Tracked added : fresh) {
      added.subchannel.start((state, status) -> onStateChange(added, state, status));
      added.started = true;
      added.subchannel.requestConnection();
    }
    publish(true);
  }

  @Override
  public final void onResolutionError(Status error) {
    if (!tracked.isEmpty()) {
      return;
    }
    publishedState = ConnectivityState.TRANSIENT_FAILURE;
    helper.updateState(ConnectivityState.TRANSIENT_FAILURE, info -> PickResult.failure(error));
  }

  @Override
  public final void requestConnection() {
    for (Tracked each : tracked.values()) {
      each.subchannel.requestConnection();
    }
  }

  @Override
  public final void close() {
    for (Tracked each : tracked.values()) {
      each.closed = true;
      each.subchannel.close();
    }
    tracked = new LinkedHashMap<>();
  }

  private void onStateChange(Tracked subject, ConnectivityState state, Status status) {
    if (subject.closed) {
      return;
    }
    ConnectivityState before = subject.reported;
    subject.reported = state;
    if (state == ConnectivityState.TRANSIENT_FAILURE) {
      subject.counted = state;
      lastFailure = status;
    } else if (state == ConnectivityState.READY
        || subject.counted != ConnectivityState.TRANSIENT_FAILURE) {
      subject.counted = state;
    }
    boolean lostConnection = before == ConnectivityState.READY && state == ConnectivityState.IDLE;
    if (state == ConnectivityState.TRANSIENT_FAILURE || lostConnection) {
      helper.refreshResolution();
    }
    publish(false);
    // Keep every subchannel connecting: back to IDLE (after a lost connection or a backoff) means
    // connect again. Last, because the subchannel may report CONNECTING from inside this call.
    if (state == ConnectivityState.IDLE && subject.started) {
      subject.subchannel.requestConnection();
    }
  }

  /**
   * Publishes the aggregate state (connectivity-semantics-and-api.md as round_robin applies it):
   * any READY gives READY; else any CONNECTING or IDLE gives CONNECTING; else TRANSIENT_FAILURE
   * with a picker failing calls with the last failure. Skips a picker equal to the published one,
   * unless {@code always}.
   */
  private void publish(boolean always) {
    List<Tracked> ready = new ArrayList<>();
    boolean connecting = false;
    for (Tracked each : tracked.values()) {
      if (each.counted == ConnectivityState.READY) {
        ready.add(each);
      } else if (each.counted != ConnectivityState.TRANSIENT_FAILURE) {
        connecting = true;
      }
    }
    if (!ready.isEmpty()) {
      if (always || publishedState != ConnectivityState.READY || !ready.equals(publishedReady)) {
        publishedReady = List.copyOf(ready);
        publishedState = ConnectivityState.READY;
        helper.updateState(ConnectivityState.READY, readyPicker(publishedReady));
      }
      return;
    }
    publishedReady = List.of();
    if (connecting) {
      if (always || publishedState != ConnectivityState.CONNECTING) {
        publishedState = ConnectivityState.CONNECTING;
        helper.updateState(ConnectivityState.CONNECTING, info -> PickResult.waiting());
      }
      return;
    }
    Status failure = failureStatus();
    if (always
        || publishedState != ConnectivityState.TRANSIENT_FAILURE
        || !failure.equals(publishedFailure)) {
      publishedState = ConnectivityState.TRANSIENT_FAILURE;
      publishedFailure = failure;
      helper.updateState(ConnectivityState.TRANSIENT_FAILURE, info -> PickResult.failure(failure));
    }
  }

  private Status failureStatus() {
    String cause =
        lastFailure.description() == null
            ? lastFailure.code().toString()
            : lastFailure.description();
    return Status.UNAVAILABLE
        .withDescription(
            policyName
                + ": no endpoint of "
                + helper.target()
                + " is reachable; last error: "
                + cause)
        .withCause(lastFailure.cause());
  }
}
