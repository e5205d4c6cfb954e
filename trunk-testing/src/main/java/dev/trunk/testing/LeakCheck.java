package dev.trunk.testing;

import dev.trunk.internal.LiveCalls;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that fails a test which leaves a Trunk call open, and a test class that leaks
 * a Netty buffer.
 *
 * <p>After each test it waits up to {@link #CALL_GRACE_MILLIS} for every call started during the
 * test (client and server side) to end, then fails naming the calls still open and where each
 * started (the first frames of application code on the starting thread's stack, captured only while
 * the check tracks calls). After the class, it collects garbage and fails if Netty's leak detector
 * reported a buffer that was never released (with {@code -Dio.netty.leakDetection.level=paranoid},
 * every buffer is tracked). Use it with {@code @ExtendWith(LeakCheck.class)}; tests in one JVM must
 * not run in parallel.
 */
public final class LeakCheck
    implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {
  /** How long calls may take to wind down after a test before they count as leaked. */
  public static final long CALL_GRACE_MILLIS = 2_000;

  /** Rounds of garbage collection that give Netty's detector a chance to see dead buffers. */
  private static final int GC_ROUNDS = 3;

  /** Called by JUnit. */
  public LeakCheck() {}

  @Override
  public void beforeAll(ExtensionContext context) {
    BufferLeakRecorder.install();
    BufferLeakRecorder.drain();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    LiveCalls.startTracking();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    long deadline = System.nanoTime() + CALL_GRACE_MILLIS * 1_000_000;
    List<String> open = LiveCalls.open();
    while (!open.isEmpty() && System.nanoTime() - deadline < 0) {
      LockSupport.parkNanos(10_000_000);
      open = LiveCalls.open();
    }
    LiveCalls.stopTracking();
    if (!open.isEmpty()) {
      throw new AssertionError(
          "the test left "
              + open.size()
              + " call(s) open (close or cancel them; use try-with-resources):\n  "
              + String.join("\n  ", open));
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    for (int round = 0; round < GC_ROUNDS; round++) {
      System.gc();
      LockSupport.parkNanos(20_000_000);
      // The detector looks for dead buffers when a new buffer is tracked.
      ByteBuf probe = PooledByteBufAllocator.DEFAULT.buffer(1);
      probe.release();
    }
    List<String> leaks = BufferLeakRecorder.drain();
    if (!leaks.isEmpty()) {
      throw new AssertionError(
          leaks.size() + " Netty buffer(s) were never released:\n" + String.join("\n", leaks));
    }
  }
}
