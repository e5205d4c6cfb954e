package dev.trunk.spi;

import static java.util.Objects.requireNonNull;

import dev.trunk.Status;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Experimental: a {@link Picker}'s answer for one call. One of four:
 *
 * <ul>
 *   <li>{@link #of(Subchannel)}: send the call on this READY subchannel;
 *   <li>{@link #waiting()}: no subchannel yet; the call waits for the next picker;
 *   <li>{@link #failure(Status)}: connecting failed; the call fails with this UNAVAILABLE status,
 *       unless it is wait-for-ready, in which case it waits;
 *   <li>{@link #drop(Status)}: the call fails with this status even if it is wait-for-ready.
 * </ul>
 *
 * <p>Immutable. {@link #onDone(Consumer)} adds a callback that hears how the call's attempt on the
 * subchannel ended (for policies that count outstanding calls or failures).
 */
public final class PickResult {
  private static final PickResult WAITING = new PickResult(null, Status.OK, false, null);

  private final @Nullable Subchannel subchannel;
  private final Status status;
  private final boolean drop;
  private final @Nullable Consumer<Status> onDone;

  private PickResult(
      @Nullable Subchannel subchannel,
      Status status,
      boolean drop,
      @Nullable Consumer<Status> onDone) {
    this.subchannel = subchannel;
    this.status = status;
    this.drop = drop;
    this.onDone = onDone;
  }

  /** Send the call on {@code subchannel}. */
  public static PickResult of(Subchannel subchannel) {
    return new PickResult(requireNonNull(subchannel, "subchannel"), Status.OK, false, null);
  }

  /** Keep the call waiting for the next picker. */
  public static PickResult waiting() {
    return WAITING;
  }

  /** Fail the call with {@code status} (not OK) unless it waits for ready. */
  public static PickResult failure(Status status) {
    return new PickResult(null, notOk(status), false, null);
  }

  /** Fail the call with {@code status} (not OK), wait-for-ready or not. */
  public static PickResult drop(Status status) {
    return new PickResult(null, notOk(status), true, null);
  }

  /**
   * This result, plus a callback run once with the status the call's attempt on the subchannel
   * ended with (on a transport thread: it must be fast and must not block). Only for results of
   * {@link #of(Subchannel)}.
   */
  public PickResult onDone(Consumer<Status> callback) {
    if (subchannel == null) {
      throw new IllegalStateException("only a pick of a subchannel has an end to hear");
    }
    Consumer<Status> previous = onDone;
    Consumer<Status> combined =
        previous == null
            ? requireNonNull(callback, "callback")
            : status -> {
              previous.accept(status);
              callback.accept(status);
            };
    return new PickResult(subchannel, status, false, combined);
  }

  /** The chosen subchannel, or null when the call waits or fails. */
  public @Nullable Subchannel subchannel() {
    return subchannel;
  }

  /** Why the call fails (OK for a pick or a wait). */
  public Status status() {
    return status;
  }

  /** Whether the call fails even when it waits for ready. */
  public boolean isDrop() {
    return drop;
  }

  /** The end callback, or null. */
  public @Nullable Consumer<Status> onDone() {
    return onDone;
  }

  private static Status notOk(Status status) {
    if (requireNonNull(status, "status").isOk()) {
      throw new IllegalArgumentException("a failed pick needs a status other than OK");
    }
    return status;
  }

  @Override
  public String toString() {
    if (subchannel != null) {
      return "PickResult(" + subchannel + ")";
    }
    return status.isOk()
        ? "PickResult(waiting)"
        : "PickResult(" + (drop ? "drop " : "") + status + ")";
  }
}
