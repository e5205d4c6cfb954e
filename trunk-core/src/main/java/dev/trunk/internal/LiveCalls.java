package dev.trunk.internal;

import java.lang.StackWalker.StackFrame;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The calls that have started and not yet ended, on either side, while tracking is on, with where
 * each started. Tests turn tracking on (trunk-testing's leak check) to fail a test that leaves a
 * call or stream open and point at the line that started it; with tracking off, as in production,
 * registering costs one volatile read and no stack is captured.
 */
public final class LiveCalls {
  /** Application frames kept of a call's start: its line, and the callers that explain it. */
  private static final int SITE_FRAMES = 3;

  /**
   * Class name prefixes of frames that are never the application's: the JDK, Netty's event loops,
   * and the test framework below the test method.
   */
  private static final List<String> FRAMEWORK_PREFIXES =
      List.of("java.", "jdk.", "sun.", "io.netty.", "org.junit.", "org.apache.maven.surefire.");

  private static final StackWalker WALKER =
      StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
  // Trunk's own classes (trunk-core) share this domain; the application's and its tests' do not.
  private static final ProtectionDomain TRUNK = LiveCalls.class.getProtectionDomain();

  /** Where a call started: the starting thread and the first application frames on its stack. */
  private record Site(String thread, List<StackTraceElement> frames) {
    @Override
    public String toString() {
      if (frames.isEmpty()) {
        return "started on thread " + thread + " (no application code on its stack)";
      }
      StringBuilder site = new StringBuilder("started at ").append(frames.get(0));
      for (StackTraceElement caller : frames.subList(1, frames.size())) {
        site.append(" <- ").append(caller);
      }
      return site.toString();
    }
  }

  private static final Map<Object, Site> CALLS = new ConcurrentHashMap<>();
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

  /**
   * The calls started since tracking began that have not ended, each described by its toString and
   * where it started, e.g. {@code ClientCall(pkg.Svc/Method) started at
   * com.example.FooTest.leaks(FooTest.java:42)}.
   */
  public static List<String> open() {
    List<String> open = new ArrayList<>();
    CALLS.forEach((call, site) -> open.add(call + " " + site));
    return open;
  }

  /** Records that {@code call} started on this thread, here. */
  public static void started(Object call) {
    if (tracking) {
      CALLS.put(call, new Site(Thread.currentThread().getName(), applicationFrames()));
    }
  }

  public static void ended(Object call) {
    if (tracking) {
      CALLS.remove(call);
    }
  }

  private static List<StackTraceElement> applicationFrames() {
    return WALKER.walk(
        frames ->
            frames
                .filter(LiveCalls::isApplicationFrame)
                .limit(SITE_FRAMES)
                .map(StackFrame::toStackTraceElement)
                .toList());
  }

  private static boolean isApplicationFrame(StackFrame frame) {
    if (frame.getDeclaringClass().getProtectionDomain() == TRUNK) {
      return false;
    }
    String name = frame.getClassName();
    for (String prefix : FRAMEWORK_PREFIXES) {
      if (name.startsWith(prefix)) {
        return false;
      }
    }
    return true;
  }
}
