package dev.trunk.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The calls that have started and not yet ended, on either side, while tracking is on. Tests turn
 * tracking on (trunk-testing's leak check) to fail a test that leaves a call or stream open; with
 * tracking off, as in production, registering costs one volatile read.
 */
public final class LiveCalls {
  private static final Set<Object> CALLS = ConcurrentHashMap.newKeySet();
  private static volatile boolean tracking;

  private LiveCalls() {}

  /** Starts tracking calls that start from now on, forgetting earlier ones. */
  public static void startTracking() {
    CALLS.clear();
    tracking = true;
  }

  /** Stops tracking and forgets every call. */
  public static void stopTracking() {
    tracking = false;
    CALLS.clear();
  }

  /** The calls started since tracking began that have not ended, described by their toString. */
  public static List<String> open() {
    List<String> open = new ArrayList<>();
    for (Object call : CALLS) {
      open.add(call.toString());
    }
    return open;
  }

  public static void started(Object call) {
    if (tracking) {
      CALLS.add(call);
    }
  }

  public static void ended(Object call) {
    if (tracking) {
      CALLS.remove(call);
    }
  }
}
