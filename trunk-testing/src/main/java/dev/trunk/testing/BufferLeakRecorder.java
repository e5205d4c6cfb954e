package dev.trunk.testing;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Records the Netty buffer leaks that Netty's leak detector finds, so {@link LeakCheck} can fail
 * the test class that caused them. Netty only logs leaks; this listener, registered as a JUnit
 * {@link LauncherSessionListener}, installs a recording detector before any test allocates a
 * buffer. Run tests with {@code -Dio.netty.leakDetection.level=paranoid} to track every buffer.
 */
public final class BufferLeakRecorder implements LauncherSessionListener {
  private static final List<String> LEAKS = new ArrayList<>();
  private static volatile boolean installed;

  /** Called by the JUnit launcher; installs the recording detector. */
  public BufferLeakRecorder() {}

  @Override
  public void launcherSessionOpened(LauncherSession session) {
    install();
  }

  /** Installs the recording detector unless already done; idempotent. */
  static synchronized void install() {
    if (installed) {
      return;
    }
    installed = true;
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
  }

  /** Returns and forgets the leaks recorded so far. */
  static synchronized List<String> drain() {
    List<String> leaks = new ArrayList<>(LEAKS);
    LEAKS.clear();
    return leaks;
  }

  private static synchronized void record(String leak) {
    LEAKS.add(leak);
  }

  private static final class RecordingFactory extends ResourceLeakDetectorFactory {
    @Override
    @SuppressWarnings("deprecation") // Netty's factory still declares only this abstract method.
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(
        Class<T> resource, int samplingInterval, long maxActive) {
      return new RecordingDetector<>(resource, samplingInterval);
    }
  }

  private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
    RecordingDetector(Class<T> resource, int samplingInterval) {
      super(resource, samplingInterval);
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
      super.reportTracedLeak(resourceType, records);
      record(resourceType + " leaked:" + records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
      super.reportUntracedLeak(resourceType);
      record(resourceType + " leaked (no access records)");
    }
  }
}
