package dev.trunk.internal.lb;

import dev.trunk.ConnectivityState;
import dev.trunk.Status;
import dev.trunk.spi.Endpoint;
import dev.trunk.spi.LoadBalancer;
import dev.trunk.spi.PickResult;
import dev.trunk.spi.Subchannel;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The {@code pick_first} policy, the default: tries the addresses one after another, in the
 * resolver's order (or shuffled, gRFC A61 {@code shuffleAddressList}), and sends every call on the
 * first that connects. When all fail it reports TRANSIENT_FAILURE and keeps trying each address as
 * its backoff ends (gRFC A62). When the connection is lost it goes IDLE and reconnects at the next
 * call, starting from the first address.
 */
final class PickFirst implements LoadBalancer {
  /** The parsed config: whether to shuffle the addresses before trying them. */
  record Config(boolean shuffleAddressList) {}

  private final Helper helper;
  private List<SocketAddress> addresses = List.of();
  private List<Subchannel> subchannels = new ArrayList<>();
  private @Nullable Subchannel selected;
  private int index;
  private boolean passFailed;
  private boolean idle;

  PickFirst(Helper helper) {
    this.helper = helper;
  }

  @Override
  public void update(List<Endpoint> endpoints, Object config) {
    addresses = addresses(endpoints, ((Config) config).shuffleAddressList());
    Subchannel current = selected;
    if (current != null && addresses.contains(address(current))) {
      return; // gRFC A61: keep the connection while its address is still listed
    }
    selected = null;
    passFailed = false;
    startPass();
  }

  private static SocketAddress address(Subchannel subchannel) {
    return subchannel.endpoint().addresses().get(0);
  }

  /** One subchannel per address, in order, keeping those that exist; closes the rest. */
  private void subchannelsForAddresses() {
    Map<SocketAddress, Subchannel> existing = new HashMap<>();
    subchannels.forEach(subchannel -> existing.put(address(subchannel), subchannel));
    List<Subchannel> next = new ArrayList<>();
    for (SocketAddress address : addresses) {
      Subchannel kept = existing.remove(address);
      next.add(kept != null ? kept : newSubchannel(address));
    }
    existing.values().forEach(Subchannel::close);
    subchannels = next;
  }

  private Subchannel newSubchannel(SocketAddress address) {
    Subchannel subchannel = helper.newSubchannel(Endpoint.of(address), false);
    subchannel.start((state, status) -> onStateChange(subchannel, state, status));
    return subchannel;
  }

  /** Every address of every endpoint, once each, in order (A61: pick_first flattens them). */
  private static List<SocketAddress> addresses(List<Endpoint> endpoints, boolean shuffle) {
    if (shuffle) {
      endpoints = new ArrayList<>(endpoints);
      Collections.shuffle(endpoints);
    }
    Set<SocketAddress> unique = new LinkedHashSet<>();
    endpoints.forEach(endpoint -> unique.addAll(endpoint.addresses()));
    return List.copyOf(unique);
  }

  private void startPass() {
    subchannelsForAddresses();
    idle = false;
    index = 0;
    if (!passFailed) {
      helper.updateState(ConnectivityState.CONNECTING, info -> PickResult.waiting());
    }
    subchannels.get(0).requestConnection();
  }

  private void onStateChange(Subchannel subchannel, ConnectivityState state, Status status) {
    if (!subchannels.contains(subchannel)) {
      return;
    }
    if (subchannel == selected) {
      if (state != ConnectivityState.READY) {
        lostSelected();
      }
      return;
    }
    switch (state) {
      case READY -> select(subchannel);
      case TRANSIENT_FAILURE -> failed(subchannel, status);
      case IDLE -> {
        // A62: after a failed pass, each address is retried as soon as its backoff ends.
        if (passFailed && !idle) {
          subchannel.requestConnection();
        }
      }
      default -> {}
    }
  }

  private void select(Subchannel subchannel) {
    selected = subchannel;
    passFailed = false;
    for (Subchannel other : subchannels) {
      if (other != subchannel) {
        other.close();
      }
    }
    subchannels = new ArrayList<>(List.of(subchannel));
    PickResult pick = PickResult.of(subchannel);
    helper.updateState(ConnectivityState.READY, info -> pick);
  }

  private void failed(Subchannel subchannel, Status status) {
    if (passFailed) {
      Status failure = described(status);
      helper.updateState(ConnectivityState.TRANSIENT_FAILURE, info -> PickResult.failure(failure));
      return;
    }
    if (subchannels.indexOf(subchannel) != index) {
      return;
    }
    if (++index < subchannels.size()) {
      subchannels.get(index).requestConnection();
      return;
    }
    passFailed = true;
    helper.refreshResolution();
    Status failure = described(status);
    helper.updateState(ConnectivityState.TRANSIENT_FAILURE, info -> PickResult.failure(failure));
  }

  private Status described(Status status) {
    return Status.UNAVAILABLE
        .withDescription(
            "cannot connect to any address of target '"
                + helper.target()
                + "' (pick_first tried "
                + addresses.size()
                + "): "
                + status.description())
        .withCause(status.cause());
  }

  /** The connection was lost or is going away: idle until the next call asks for one. */
  private void lostSelected() {
    selected = null;
    idle = true;
    helper.refreshResolution();
    AtomicBoolean asked = new AtomicBoolean();
    helper.updateState(
        ConnectivityState.IDLE,
        info -> {
          if (asked.compareAndSet(false, true)) {
            helper.schedule(this::requestConnection, Duration.ZERO);
          }
          return PickResult.waiting();
        });
  }

  @Override
  public void onResolutionError(Status error) {
    if (subchannels.isEmpty()) {
      helper.updateState(ConnectivityState.TRANSIENT_FAILURE, info -> PickResult.failure(error));
    }
  }

  @Override
  public void requestConnection() {
    if (idle && !addresses.isEmpty()) {
      startPass();
    }
  }

  @Override
  public void close() {
    closeAll();
  }

  private void closeAll() {
    subchannels.forEach(Subchannel::close);
    subchannels.clear();
    selected = null;
  }

  /** Makes {@code pick_first} balancers. */
  public static final class Provider implements LoadBalancer.Provider {
    @Override
    public String policyName() {
      return "pick_first";
    }

    @Override
    public Object parseConfig(Map<String, ?> json) {
      Object shuffle = json.get("shuffleAddressList");
      if (shuffle != null && !(shuffle instanceof Boolean)) {
        throw new IllegalArgumentException(
            "pick_first.shuffleAddressList must be true or false, was " + shuffle);
      }
      return new Config(Boolean.TRUE.equals(shuffle));
    }

    @Override
    public LoadBalancer newLoadBalancer(Helper helper) {
      return new PickFirst(helper);
    }
  }
}
