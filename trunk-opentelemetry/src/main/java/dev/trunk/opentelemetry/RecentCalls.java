package dev.trunk.opentelemetry;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The last {@link #CAPACITY} calls of one kind (slow, failed) the debug page shows. Thread-safe.
 */
final class RecentCalls {
  /** Calls kept: enough to see a pattern, few enough to read on one page. */
  static final int CAPACITY = 50;

  private final Deque<Ended> calls = new ArrayDeque<>(CAPACITY);

  /** Keeps {@code call}, dropping the oldest past {@link #CAPACITY}. */
  synchronized void add(Ended call) {
    if (calls.size() == CAPACITY) {
      calls.removeLast();
    }
    calls.addFirst(call);
  }

  /** The calls kept, newest first. */
  synchronized List<Ended> newestFirst() {
    return new ArrayList<>(calls);
  }

  /**
   * A call that ended, as the debug page lists it.
   *
   * @param method the method's full name (or {@code other})
   * @param status the status code's name
   * @param message the status message, cut to {@link DebugPage#MAX_MESSAGE_CHARS}; empty if none
   * @param durationMillis how long the call took
   * @param peer the client's address, empty if unknown
   * @param traceId the trace id of the request's {@code traceparent}, null without a valid one
   * @param endedAtMillis when it ended (epoch milliseconds)
   */
  record Ended(
      String method,
      String status,
      String message,
      double durationMillis,
      String peer,
      @Nullable String traceId,
      long endedAtMillis) {}
}
