package dev.trunk.internal.lb;

import dev.trunk.ConnectivityState;
import dev.trunk.Status;
import dev.trunk.spi.Endpoint;
import dev.trunk.spi.LoadBalancer;
import dev.trunk.spi.PickInfo;
import dev.trunk.spi.PickResult;
import dev.trunk.spi.Picker;
import dev.trunk.spi.Subchannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * {@code ring_hash_experimental} (gRFC A42, with A76's {@code requestHashHeader}): endpoints sit on
 * a hash ring and each call goes to the endpoint nearest its request hash, so calls with the same
 * key keep going to the same backend, and removing one of N endpoints moves only about 1/N of the
 * keys. Subchannels connect lazily, when a pick lands on them.
 *
 * <p>Threads: the control context; pickers run anywhere and ask for connections through {@link
 * Helper#schedule} with no delay, which runs the request in the control context.
 */
final class RingHashLoadBalancer implements LoadBalancer {
  static final String NAME = "ring_hash_experimental";

  /**
   * The parsed config.
   *
   * @param minRingSize the fewest points on the ring
   * @param maxRingSize the most points on the ring
   * @param requestHashHeader the header whose value is hashed per call, or null to use {@link
   *     PickInfo#hash()}
   */
  record Config(long minRingSize, long maxRingSize, @Nullable String requestHashHeader) {}

  /** One distinct endpoint: its subchannel and what the policy knows of it. */
  private final class Entry {
    final Subchannel subchannel;
    int weight;
    ConnectivityState reported = ConnectivityState.IDLE;

    /**
     * The state the picker and the aggregation use (A42): TRANSIENT_FAILURE sticks until READY; a
     * lost READY connection counts as IDLE.
     */
    ConnectivityState counted = ConnectivityState.IDLE;

    boolean closed;

    /** A pick asked for a connection that must wait for the backoff to end (reported IDLE). */
    boolean connectWanted;

    /** A connection request from a picker is queued for the control context. */
    final AtomicBoolean connectQueued = new AtomicBoolean();

    Entry(Subchannel subchannel) {
      this.subchannel = subchannel;
    }

    /** Called by pickers on any thread: asks the control context to connect this subchannel. */
    void triggerConnection() {
      if (connectQueued.compareAndSet(false, true)) {
        helper.schedule(this::connectFromPick, Duration.ZERO);
      }
    }

    private void connectFromPick() {
      connectQueued.set(false);
      if (closed) {
        return;
      }
      connectWanted = true;
      connectIfWanted();
    }

    void connectIfWanted() {
      if (connectWanted && reported == ConnectivityState.IDLE) {
        connectWanted = false;
        subchannel.requestConnection();
      }
    }
  }

  private final Helper helper;
  private Map<Endpoint, Entry> entries = new LinkedHashMap<>();
  private List<Entry> order = List.of();
  private @Nullable Ring ring;
  private @Nullable String requestHashHeader;
  private Status lastFailure = Status.UNAVAILABLE;

  RingHashLoadBalancer(Helper helper) {
    this.helper = helper;
  }

  @Override
  public void update(List<Endpoint> endpoints, Object config) {
    Config parsed = (Config) config;
    requestHashHeader = parsed.requestHashHeader();
    Map<Endpoint, Entry> previous = entries;
    Map<Endpoint, Entry> next = new LinkedHashMap<>();
    List<Entry> fresh = new ArrayList<>();
    for (Endpoint endpoint : endpoints) {
      Entry entry = next.get(endpoint);
      if (entry == null) {
        entry = previous.remove(endpoint);
        if (entry == null) {
          entry = new Entry(helper.newSubchannel(endpoint, true));
          fresh.add(entry);
        }
        entry.weight = 0;
        next.put(endpoint, entry);
      }
      // A42: the same endpoint listed twice counts twice on the ring.
      entry.weight++;
    }
    entries = next;
    order = List.copyOf(next.values());
    for (Entry gone : previous.values()) {
      gone.closed = true;
      gone.subchannel.close();
    }
    ring = buildRing(parsed);
    for (Entry added : fresh) {
      added.subchannel.start((state, status) -> onStateChange(added, state, status));
    }
    publish();
  }

  private Ring buildRing(Config config) {
    List<String> keys = new ArrayList<>(order.size());
    int[] weights = new int[order.size()];
    for (int i = 0; i < order.size(); i++) {
      Entry entry = order.get(i);
      keys.add(Ring.hashKey(entry.subchannel.endpoint().addresses().get(0)));
      weights[i] = entry.weight;
    }
    return Ring.build(keys, weights, config.minRingSize(), config.maxRingSize());
  }

  @Override
  public void onResolutionError(Status error) {
    if (entries.isEmpty()) {
      helper.updateState(ConnectivityState.TRANSIENT_FAILURE, info -> PickResult.failure(error));
    }
  }

  /** The channel asks to connect: connect the first idle endpoint if nothing is connecting yet. */
  @Override
  public void requestConnection() {
    if (aggregate() != ConnectivityState.IDLE) {
      return;
    }
    for (Entry entry : order) {
      if (entry.reported == ConnectivityState.IDLE) {
        entry.subchannel.requestConnection();
        return;
      }
    }
  }

  @Override
  public void close() {
    for (Entry entry : order) {
      entry.closed = true;
      entry.subchannel.close();
    }
    entries = new LinkedHashMap<>();
    order = List.of();
  }

  private void onStateChange(Entry entry, ConnectivityState state, Status status) {
    if (entry.closed) {
      return;
    }
    ConnectivityState before = entry.reported;
    entry.reported = state;
    if (state == ConnectivityState.TRANSIENT_FAILURE) {
      lastFailure = status;
      entry.counted = state;
    } else if (state == ConnectivityState.READY
        || entry.counted != ConnectivityState.TRANSIENT_FAILURE) {
      entry.counted = state;
    }
    if (state == ConnectivityState.TRANSIENT_FAILURE
        || (before == ConnectivityState.READY && state == ConnectivityState.IDLE)) {
      helper.refreshResolution();
    }
    publish();
    entry.connectIfWanted();
    keepOneConnecting(entry);
  }

  /**
   * A42: while failing (no READY endpoint, at least one in TRANSIENT_FAILURE), always be connecting
   * to at least one endpoint, moving along the ring after each failure, so the policy recovers even
   * when no picks arrive.
   */
  private void keepOneConnecting(Entry after) {
    boolean failing = false;
    for (Entry entry : order) {
      if (entry.counted == ConnectivityState.READY
          || entry.reported == ConnectivityState.CONNECTING) {
        return;
      }
      failing |= entry.counted == ConnectivityState.TRANSIENT_FAILURE;
    }
    if (!failing) {
      return;
    }
    int start = order.indexOf(after);
    for (int i = 1; i <= order.size(); i++) {
      Entry candidate = order.get((start + i) % order.size());
      if (candidate.reported == ConnectivityState.IDLE) {
        candidate.subchannel.requestConnection();
        return;
      }
    }
  }

  /**
   * A42's aggregation: READY if any is READY; TRANSIENT_FAILURE if two or more are; CONNECTING if
   * any is, or if one failed among several; IDLE if any is; else TRANSIENT_FAILURE.
   */
  private ConnectivityState aggregate() {
    int ready = 0;
    int failed = 0;
    int connecting = 0;
    int idle = 0;
    for (Entry entry : order) {
      switch (entry.counted) {
        case READY -> ready++;
        case TRANSIENT_FAILURE -> failed++;
        case CONNECTING -> connecting++;
        case IDLE -> idle++;
        case SHUTDOWN -> {}
      }
    }
    if (ready > 0) {
      return ConnectivityState.READY;
    }
    if (failed >= 2) {
      return ConnectivityState.TRANSIENT_FAILURE;
    }
    if (connecting > 0 || (failed == 1 && order.size() > 1)) {
      return ConnectivityState.CONNECTING;
    }
    return idle > 0 ? ConnectivityState.IDLE : ConnectivityState.TRANSIENT_FAILURE;
  }

  /** A new picker with a snapshot of every endpoint's state (A42 allows a picker per change). */
  private void publish() {
    Ring current = ring;
    if (current == null || order.isEmpty()) {
      return;
    }
    ConnectivityState[] states = new ConnectivityState[order.size()];
    for (int i = 0; i < states.length; i++) {
      states[i] = order.get(i).counted;
    }
    Status failure =
        Status.UNAVAILABLE.withDescription(
            NAME
                + ": no endpoint of "
                + helper.target()
                + " near the call's hash is reachable; last error: "
                + lastFailure.description());
    helper.updateState(
        aggregate(), new RingPicker(current, order, states, requestHashHeader, failure));
  }

  /** Places calls on a ring snapshot. Immutable; thread-safe. */
  private record RingPicker(
      Ring ring,
      List<Entry> entries,
      ConnectivityState[] states,
      @Nullable String requestHashHeader,
      Status failure)
      implements Picker {
    @Override
    public PickResult pick(PickInfo info) {
      int first = ring.find(requestHash(info));
      int firstOwner = ring.owner(first);
      PickResult direct = pickOrWait(firstOwner);
      if (direct != null) {
        return direct;
      }
      return walkFrom(first, firstOwner);
    }

    /**
     * A76: the hash of the configured header's values (joined by commas), a random hash when the
     * call lacks it, and the channel's {@link PickInfo#hash()} when no header is configured.
     */
    private long requestHash(PickInfo info) {
      if (requestHashHeader == null) {
        return info.hash();
      }
      String key = String.join(",", info.metadata().getAll(requestHashHeader));
      return key.isEmpty() ? ThreadLocalRandom.current().nextLong() : XxHash64.hash(key);
    }

    /** A pick for an endpoint that is not failing, or null if it is in TRANSIENT_FAILURE. */
    private @Nullable PickResult pickOrWait(int owner) {
      return switch (states[owner]) {
        case READY -> PickResult.of(entries.get(owner).subchannel);
        case IDLE -> {
          entries.get(owner).triggerConnection();
          yield PickResult.waiting();
        }
        case CONNECTING -> PickResult.waiting();
        case TRANSIENT_FAILURE, SHUTDOWN -> null;
      };
    }

    /**
     * A42's walk after the nearest endpoint failed: retry it (after its backoff), then the second
     * distinct endpoint decides as the first would have; if that failed too, take the first READY
     * endpoint further along, asking the failed ones before the first live one to reconnect.
     */
    private PickResult walkFrom(int first, int firstOwner) {
      entries.get(firstOwner).triggerConnection();
      boolean foundSecond = false;
      boolean foundLive = false;
      for (int i = 1; i < ring.size(); i++) {
        int owner = ring.owner((first + i) % ring.size());
        if (owner == firstOwner) {
          continue;
        }
        ConnectivityState state = states[owner];
        if (state == ConnectivityState.READY) {
          return PickResult.of(entries.get(owner).subchannel);
        }
        if (!foundSecond) {
          PickResult second = pickOrWait(owner);
          if (second != null) {
            return second;
          }
          foundSecond = true;
        }
        if (!foundLive) {
          if (state == ConnectivityState.TRANSIENT_FAILURE || state == ConnectivityState.IDLE) {
            entries.get(owner).triggerConnection();
          }
          foundLive = state != ConnectivityState.TRANSIENT_FAILURE;
        }
      }
      return PickResult.failure(failure);
    }
  }
}
