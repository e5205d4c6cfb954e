package dev.trunk.internal.resolver;

import dev.trunk.Status;
import dev.trunk.spi.NameResolver;
import dev.trunk.spi.Target;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A resolver test's surroundings: real executors for {@link NameResolver.Args}, and a listener that
 * queues what it is told (a {@link NameResolver.Resolution} or an error {@link Status}).
 */
final class Resolutions implements NameResolver.Listener, AutoCloseable {
  /** How long a test waits for a resolver to report. */
  static final long WAIT_SECONDS = 20;

  /** The default port the tests give, as a channel would for TLS. */
  static final int DEFAULT_PORT = 443;

  final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  final ExecutorService blocking = Executors.newVirtualThreadPerTaskExecutor();
  private final BlockingQueue<Object> reports = new LinkedBlockingQueue<>();

  NameResolver.Args args(boolean lookUpServiceConfig) {
    return new NameResolver.Args(DEFAULT_PORT, scheduler, blocking, lookUpServiceConfig);
  }

  static Target target(String text) {
    return Target.parse(text).orElseThrow();
  }

  @Override
  public void onResult(NameResolver.Resolution resolution) {
    reports.add(resolution);
  }

  @Override
  public void onError(Status error) {
    reports.add(error);
  }

  /** The next report, failing the test if none comes in time. */
  Object next() throws InterruptedException {
    Object report = reports.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    if (report == null) {
      throw new AssertionError("the resolver reported nothing within " + WAIT_SECONDS + " s");
    }
    return report;
  }

  /** The next report, which must be a resolution. */
  NameResolver.Resolution nextResolution() throws InterruptedException {
    Object report = next();
    if (!(report instanceof NameResolver.Resolution resolution)) {
      throw new AssertionError("expected a resolution, got " + report);
    }
    return resolution;
  }

  /** The next report within {@code millis}, or null. */
  Object poll(long millis) throws InterruptedException {
    return reports.poll(millis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    blocking.shutdownNow();
  }
}
