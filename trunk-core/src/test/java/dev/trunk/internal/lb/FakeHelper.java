package dev.trunk.internal.lb;

import dev.trunk.ConnectivityState;
import dev.trunk.Metadata;
import dev.trunk.MethodDescriptor;
import dev.trunk.Status;
import dev.trunk.spi.Endpoint;
import dev.trunk.spi.LoadBalancer;
import dev.trunk.spi.PickInfo;
import dev.trunk.spi.PickResult;
import dev.trunk.spi.Picker;
import dev.trunk.spi.Subchannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A channel stand-in for policy tests: records the published states and pickers, makes {@link
 * FakeSubchannel}s, and runs scheduled tasks on a manual clock ({@link #advance}). Single-threaded.
 */
final class FakeHelper implements LoadBalancer.Helper {
  static final MethodDescriptor<com.google.protobuf.StringValue, com.google.protobuf.StringValue>
      METHOD =
          MethodDescriptor.of(
              "test.Service",
              "Call",
              MethodDescriptor.Type.UNARY,
              dev.trunk.Codec.protobuf(com.google.protobuf.StringValue.getDefaultInstance()),
              dev.trunk.Codec.protobuf(com.google.protobuf.StringValue.getDefaultInstance()));

  final Map<Endpoint, List<FakeSubchannel>> subchannels = new LinkedHashMap<>();
  final List<ConnectivityState> states = new ArrayList<>();
  final List<Picker> pickers = new ArrayList<>();
  int refreshes;
  long nanos;
  private final List<Task> tasks = new ArrayList<>();

  /** An endpoint at 127.0.0.1 and {@code port}. */
  static Endpoint endpoint(int port) {
    return Endpoint.of(new InetSocketAddress("127.0.0.1", port));
  }

  /** Endpoints at ports 1000, 1001, ... */
  static List<Endpoint> endpoints(int count) {
    List<Endpoint> endpoints = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      endpoints.add(endpoint(1000 + i));
    }
    return endpoints;
  }

  @Override
  public Subchannel newSubchannel(Endpoint endpoint, boolean healthChecked) {
    FakeSubchannel subchannel = new FakeSubchannel(endpoint, healthChecked);
    subchannels.computeIfAbsent(endpoint, unused -> new ArrayList<>()).add(subchannel);
    return subchannel;
  }

  /** The newest subchannel made for {@code endpoint}. */
  FakeSubchannel subchannel(Endpoint endpoint) {
    List<FakeSubchannel> made = subchannels.get(endpoint);
    if (made == null) {
      throw new AssertionError("no subchannel was made for " + endpoint);
    }
    return made.get(made.size() - 1);
  }

  @Override
  public void updateState(ConnectivityState state, Picker picker) {
    states.add(state);
    pickers.add(picker);
  }

  ConnectivityState state() {
    return states.get(states.size() - 1);
  }

  Picker picker() {
    return pickers.get(pickers.size() - 1);
  }

  /** Picks with the newest picker for a call with no metadata and hash 0. */
  PickResult pick() {
    return pick(new Metadata(), 0);
  }

  PickResult pick(Metadata metadata, long hash) {
    return picker().pick(new PickInfo(METHOD, metadata, hash));
  }

  /** Picks, then ends the call with {@code status} as the channel would. */
  Subchannel pickAndEnd(Status status) {
    PickResult result = pick();
    Subchannel chosen = result.subchannel();
    if (chosen == null) {
      throw new AssertionError("expected a subchannel, got " + result);
    }
    Consumer<Status> onDone = result.onDone();
    if (onDone != null) {
      onDone.accept(status);
    }
    return chosen;
  }

  @Override
  public void refreshResolution() {
    refreshes++;
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable task, Duration delay) {
    Task scheduled = new Task(nanos + delay.toNanos(), task);
    tasks.add(scheduled);
    return scheduled;
  }

  /** Runs the tasks due now (a zero-delay task runs here, as the control context would run it). */
  void runDue() {
    advance(Duration.ZERO);
  }

  /** Moves the clock forward, running each task when its time comes, in time order. */
  void advance(Duration duration) {
    long end = nanos + duration.toNanos();
    while (true) {
      Task next =
          tasks.stream()
              .filter(task -> !task.cancelled && task.atNanos <= end)
              .min(Comparator.comparingLong(task -> task.atNanos))
              .orElse(null);
      if (next == null) {
        break;
      }
      tasks.remove(next);
      nanos = Math.max(nanos, next.atNanos);
      next.done = true;
      next.task.run();
    }
    nanos = end;
  }

  @Override
  public String target() {
    return "test:///backends";
  }

  /** A task on the manual clock. */
  private final class Task implements ScheduledFuture<Object> {
    final long atNanos;
    final Runnable task;
    boolean cancelled;
    boolean done;

    Task(long atNanos, Runnable task) {
      this.atNanos = atNanos;
      this.task = task;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(atNanos - nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      if (done) {
        return false;
      }
      cancelled = true;
      tasks.remove(this);
      return true;
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    @Override
    public boolean isDone() {
      return done || cancelled;
    }

    @Override
    public Object get() {
      throw new UnsupportedOperationException("not needed by the policies");
    }

    @Override
    public Object get(long timeout, TimeUnit unit) {
      throw new UnsupportedOperationException("not needed by the policies");
    }
  }
}
